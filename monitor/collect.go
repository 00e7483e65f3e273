package monitor

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	descJobsDue = prometheus.NewDesc("hearth_jobs_due",
		"Pending jobs due now (reminders, posts, alert DMs, escalations), those in hand included.", nil, nil)
	descJobsLate = prometheus.NewDesc("hearth_jobs_late",
		"Pending jobs due longer ago than the late threshold (1 minute by default).", nil, nil)
	descJobsFailed = prometheus.NewDesc("hearth_jobs_failed",
		"Jobs that gave up, until they are purged.", nil, nil)
	descJobsFailedAlerts = prometheus.NewDesc("hearth_alert_jobs_failed",
		"Alert jobs (DMs, escalations, staff notices) that gave up, until they are purged.", nil, nil)
	descLag = prometheus.NewDesc("hearth_delivery_lag_seconds",
		"Now minus the due time of the oldest pending job that is due; 0 when none is.", nil, nil)
	descAlertsOpen = prometheus.NewDesc("hearth_alerts_open",
		"Alerts not yet resolved (open or acknowledged).", nil, nil)
	descAlertsUnacked = prometheus.NewDesc("hearth_alerts_unacknowledged",
		"Alerts nobody has acknowledged yet.", nil, nil)
	descDatabaseUp = prometheus.NewDesc("hearth_database_up",
		"1 if the database answered this scrape's queries, else 0.", nil, nil)
	descGatewayUp = prometheus.NewDesc("hearth_gateway_connected",
		"1 if the Discord gateway connection is up, else 0.", nil, nil)
	descInvalid10m = prometheus.NewDesc("hearth_discord_invalid_requests_10m",
		"Invalid REST requests (401, 403, 429) in the last 10 minutes; Discord bans the IP at 10,000.", nil, nil)
)

// storeCollector reads the queue and alert gauges from the store at each
// scrape, so every process of a deployment reports the shared queue as it is.
type storeCollector struct{ m *Monitor }

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descJobsDue, descJobsLate, descJobsFailed, descJobsFailedAlerts, descLag, descAlertsOpen, descAlertsUnacked, descDatabaseUp, descGatewayUp, descInvalid10m} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	m := c.m
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	now := m.o.Now()
	up := 1.0
	if q, err := m.o.Store.QueueStats(ctx, now, m.o.LateAfter); err != nil {
		m.o.Log.Error("unable to read queue stats", "error", err)
		up = 0
	} else {
		gauge(descJobsDue, float64(q.Due))
		gauge(descJobsLate, float64(q.Late))
		gauge(descJobsFailed, float64(q.Failed))
		gauge(descJobsFailedAlerts, float64(q.FailedAlerts))
		gauge(descLag, q.Lag(now).Seconds())
	}
	if a, err := m.o.Store.AlertStats(ctx); err != nil {
		m.o.Log.Error("unable to read alert stats", "error", err)
		up = 0
	} else {
		gauge(descAlertsOpen, float64(a.Open))
		gauge(descAlertsUnacked, float64(a.Unacknowledged))
	}
	gauge(descDatabaseUp, up)
	connected := 0.0
	if m.o.Gateway != nil && m.o.Gateway.Connected() {
		connected = 1
	}
	gauge(descGatewayUp, connected)
	gauge(descInvalid10m, float64(m.window.count(now)))
}

// invalidWindow counts events over the last 10 minutes in one-second buckets.
type invalidWindow struct {
	mu      sync.Mutex
	buckets [600]struct {
		sec int64
		n   int
	}
}

func (w *invalidWindow) add(now time.Time) {
	sec := now.Unix()
	w.mu.Lock()
	defer w.mu.Unlock()
	b := &w.buckets[sec%int64(len(w.buckets))]
	if b.sec != sec {
		b.sec, b.n = sec, 0
	}
	b.n++
}

func (w *invalidWindow) count(now time.Time) int {
	sec := now.Unix()
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, b := range w.buckets {
		if b.sec > sec-int64(len(w.buckets)) && b.sec <= sec {
			n += b.n
		}
	}
	return n
}
