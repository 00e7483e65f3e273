package monitor

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hearthbot/hearth"
)

// Store is what the monitor reads at scrape time.
type Store interface {
	Ping(ctx context.Context) error
	QueueStats(ctx context.Context, now time.Time, late time.Duration) (hearth.QueueStats, error)
	AlertStats(ctx context.Context) (hearth.AlertStats, error)
}

// Gateway reports whether the Discord gateway connection is up.
type Gateway interface {
	Connected() bool
}

// Options configure a Monitor.
type Options struct {
	Store   Store
	Gateway Gateway
	// Now is the clock of the delivery lag; time.Now if nil.
	Now func() time.Time
	Log *slog.Logger
	// LateAfter is how long past due a pending job counts as late; 1m if zero.
	LateAfter time.Duration
	// MaxLag is the delivery lag past which /healthz fails; 5m if zero.
	MaxLag time.Duration
}

// Monitor collects hearth's metrics and serves /healthz and /metrics.
type Monitor struct {
	o   Options
	reg *prometheus.Registry

	interactions *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	rest         *prometheus.CounterVec
	invalid      prometheus.Counter
	failed       *prometheus.CounterVec
	window       *invalidWindow

	mu  sync.Mutex
	srv *http.Server
	ln  net.Listener
}

// scrapeTimeout bounds the store queries of one scrape or health check.
const scrapeTimeout = 5 * time.Second

// New builds a monitor; Listen and Serve start its HTTP server.
func New(o Options) *Monitor {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.LateAfter <= 0 {
		o.LateAfter = time.Minute
	}
	if o.MaxLag <= 0 {
		o.MaxLag = 5 * time.Minute
	}
	m := &Monitor{o: o, reg: prometheus.NewRegistry(), window: &invalidWindow{}}
	m.interactions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hearth_interactions_total",
		Help: "Interactions handled, by route (command path or component route) and outcome (ok, refused, error, panic, unanswered).",
	}, []string{"route", "outcome"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "hearth_interaction_duration_seconds",
		Help:    "How long interaction handlers ran, by route. Discord wants a first answer within 3 s.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 5, 10, 30},
	}, []string{"route"})
	m.rest = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hearth_discord_rest_responses_total",
		Help: "Responses from Discord's REST API by HTTP status, 429s included.",
	}, []string{"status"})
	m.invalid = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "hearth_discord_invalid_requests_total",
		Help: "REST responses Discord counts as invalid (401, 403, 429); 10,000 in 10 minutes get the IP banned for an hour.",
	})
	m.failed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hearth_jobs_given_up_total",
		Help: "Jobs that failed for good, by kind and outcome: refused (Discord refused for good: a deleted channel, a missing permission, a 400) or exhausted (transient failures until scheduler.max_attempts, 24 hours or the meeting's start + catch_up). Each was reported to the staff. Kind meeting.voice: a group's voice channel hearth could not see at a meeting's start, reported the same way.",
	}, []string{"kind", "outcome"})
	m.reg.MustRegister(m.interactions, m.latency, m.rest, m.invalid, m.failed, &storeCollector{m: m},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Interaction implements bot.Observer.
func (m *Monitor) Interaction(route, outcome string, took time.Duration) {
	m.interactions.WithLabelValues(route, outcome).Inc()
	m.latency.WithLabelValues(route).Observe(took.Seconds())
}

// RESTResponse implements bot.Observer.
func (m *Monitor) RESTResponse(status int) {
	m.rest.WithLabelValues(fmt.Sprint(status)).Inc()
	if status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusTooManyRequests {
		m.invalid.Inc()
		m.window.add(m.o.Now())
	}
}

// JobFailed counts a job that failed for good: exhausted its retries, or
// refused. kind is a job kind, never an id.
func (m *Monitor) JobFailed(kind string, exhausted bool) {
	outcome := "refused"
	if exhausted {
		outcome = "exhausted"
	}
	m.failed.WithLabelValues(kind, outcome).Inc()
}

// Handler serves /healthz and /metrics.
func (m *Monitor) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", m.serveHealth)
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(m.o.Log.Handler(), slog.LevelError)}))
	return mux
}

// Listen binds addr ("host:port"; port 0 picks a free one). Serve serves on it.
func (m *Monitor) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("http.listen %s: %w", addr, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ln = ln
	m.srv = &http.Server{Handler: m.Handler(), ReadHeaderTimeout: 10 * time.Second}
	return nil
}

// Addr is the bound address, after Listen; empty before.
func (m *Monitor) Addr() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ln == nil {
		return ""
	}
	return m.ln.Addr().String()
}

// Serve serves HTTP on the listener until Shutdown.
func (m *Monitor) Serve() error {
	m.mu.Lock()
	srv, ln := m.srv, m.ln
	m.mu.Unlock()
	if srv == nil {
		return errors.New("monitor: Serve before Listen")
	}
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops the HTTP server, letting requests in flight finish.
func (m *Monitor) Shutdown(ctx context.Context) error {
	m.mu.Lock()
	srv := m.srv
	m.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Shutdown(ctx)
}
