package monitor_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/monitor"
)

var now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// fakeStore answers with fixed stats, or errors.
type fakeStore struct {
	pingErr, statsErr error
	queue             hearth.QueueStats
	alerts            hearth.AlertStats
}

func (s *fakeStore) Ping(context.Context) error { return s.pingErr }
func (s *fakeStore) QueueStats(_ context.Context, at time.Time, late time.Duration) (hearth.QueueStats, error) {
	if !at.Equal(now) || late != time.Minute {
		return hearth.QueueStats{}, errors.New("unexpected arguments")
	}
	return s.queue, s.statsErr
}
func (s *fakeStore) AlertStats(context.Context) (hearth.AlertStats, error) {
	return s.alerts, s.statsErr
}

type fakeGateway struct{ up atomic.Bool }

func (g *fakeGateway) Connected() bool { return g.up.Load() }

func newMonitor(t *testing.T, st *fakeStore, connected bool) (*monitor.Monitor, *httptest.Server) {
	t.Helper()
	gw := &fakeGateway{}
	gw.up.Store(connected)
	m := monitor.New(monitor.Options{Store: st, Gateway: gw, Now: func() time.Time { return now }})
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	return m, srv
}

func getHealth(t *testing.T, url string) (int, monitor.Health) {
	t.Helper()
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h monitor.Health
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatalf("decode /healthz: %v", err)
	}
	return resp.StatusCode, h
}

func TestMonitor_Healthz(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		_, srv := newMonitor(t, &fakeStore{queue: hearth.QueueStats{Due: 2, OldestDue: now.Add(-30 * time.Second)}}, true)
		code, h := getHealth(t, srv.URL)
		if code != http.StatusOK || h.Status != "ok" || len(h.Failed) != 0 || !h.Gateway.Connected || !h.Database.Reachable ||
			h.Delivery.LagSeconds != 30 || h.Delivery.Due != 2 {
			t.Fatalf("healthz = %d %+v", code, h)
		}
	})
	tests := []struct {
		name      string
		store     *fakeStore
		connected bool
		failed    string
	}{
		{"ErrGateway", &fakeStore{}, false, "gateway"},
		{"ErrDatabase", &fakeStore{pingErr: errors.New("ping postgres database: connection refused")}, true, "database"},
		{"ErrDeliveryLag", &fakeStore{queue: hearth.QueueStats{Due: 1, OldestDue: now.Add(-6 * time.Minute)}}, true, "delivery"},
		{"ErrDeliveryQuery", &fakeStore{statsErr: errors.New("queue stats: timeout")}, true, "delivery"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := newMonitor(t, tt.store, tt.connected)
			code, h := getHealth(t, srv.URL)
			if code != http.StatusServiceUnavailable || h.Status != "unhealthy" || len(h.Failed) != 1 || h.Failed[0] != tt.failed {
				t.Fatalf("healthz = %d %+v, want 503 failing only %s", code, h, tt.failed)
			}
		})
	}
}

// scrape returns the /metrics text.
func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d %v", resp.StatusCode, err)
	}
	return string(b)
}

// value returns the value of one series ("name{labels}") in a scrape.
func value(t *testing.T, text, series string) float64 {
	t.Helper()
	for line := range strings.Lines(text) {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err != nil {
				t.Fatalf("series %s: %v", series, err)
			}
			return v
		}
	}
	t.Fatalf("no series %s in /metrics", series)
	return 0
}

func TestMonitor_Metrics(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		st := &fakeStore{
			queue:  hearth.QueueStats{Due: 4, Late: 2, OldestDue: now.Add(-90 * time.Second), Failed: 3},
			alerts: hearth.AlertStats{Open: 5, Unacknowledged: 1},
		}
		m, srv := newMonitor(t, st, true)
		m.Interaction("group create", "ok", 20*time.Millisecond)
		m.Interaction("group create", "ok", 4*time.Second)
		m.Interaction("alert:ack", "refused", time.Millisecond)
		for _, status := range []int{200, 200, 204, 429, 403, 404} {
			m.RESTResponse(status)
		}
		text := scrape(t, srv.URL)
		for series, want := range map[string]float64{
			`hearth_interactions_total{outcome="ok",route="group create"}`:            2,
			`hearth_interactions_total{outcome="refused",route="alert:ack"}`:          1,
			`hearth_interaction_duration_seconds_count{route="group create"}`:         2,
			`hearth_interaction_duration_seconds_bucket{route="group create",le="3"}`: 1,
			`hearth_discord_rest_responses_total{status="200"}`:                       2,
			`hearth_discord_rest_responses_total{status="429"}`:                       1,
			`hearth_discord_invalid_requests_total`:                                   2,
			`hearth_discord_invalid_requests_10m`:                                     2,
			`hearth_jobs_due`:                                                         4,
			`hearth_jobs_late`:                                                        2,
			`hearth_jobs_failed`:                                                      3,
			`hearth_delivery_lag_seconds`:                                             90,
			`hearth_alerts_open`:                                                      5,
			`hearth_alerts_unacknowledged`:                                            1,
			`hearth_database_up`:                                                      1,
			`hearth_gateway_connected`:                                                1,
		} {
			if got := value(t, text, series); got != want {
				t.Errorf("%s = %v, want %v", series, got, want)
			}
		}
	})
	t.Run("ErrDatabase", func(t *testing.T) {
		_, srv := newMonitor(t, &fakeStore{statsErr: errors.New("down")}, false)
		text := scrape(t, srv.URL)
		if value(t, text, "hearth_database_up") != 0 || value(t, text, "hearth_gateway_connected") != 0 {
			t.Errorf("database_up and gateway_connected should be 0:\n%s", text)
		}
		if strings.Contains(text, "hearth_alerts_open ") {
			t.Errorf("alert gauges reported without a database")
		}
	})
}

// classified is an error that reports its class, as storage.DBError does.
type classified struct{ error }

func (classified) ErrorClass() string { return "unreachable" }

// TestMonitor_HealthzHidesDatabaseError: /healthz says that the database
// failed and how, in a word, never the driver's text (host, user, names).
func TestMonitor_HealthzHidesDatabaseError(t *testing.T) {
	const driverText = "failed to connect to `user=hearth database=proddb`: 10.1.2.3:5432 (db.internal): dial error"
	for _, tt := range []struct {
		name  string
		err   error
		class string
	}{
		{"Classified", classified{errors.New(driverText)}, "unreachable"},
		{"Unclassified", errors.New(driverText), "error"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := newMonitor(t, &fakeStore{pingErr: tt.err, statsErr: errors.New(driverText)}, true)
			resp, err := http.Get(srv.URL + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			for _, leak := range []string{"hearth", "proddb", "10.1.2.3", "db.internal"} {
				if strings.Contains(string(body), leak) {
					t.Errorf("/healthz shows %q: %s", leak, body)
				}
			}
			var h monitor.Health
			if err := json.Unmarshal(body, &h); err != nil {
				t.Fatal(err)
			}
			if h.Database.Error != tt.class || h.Delivery.Error != "error" || resp.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("healthz = %d %+v, want database error %q", resp.StatusCode, h, tt.class)
			}
		})
	}
}
