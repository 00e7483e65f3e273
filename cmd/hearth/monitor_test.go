package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// withHTTP serves /healthz and /metrics on a free loopback port.
func withHTTP() harnessOption {
	return withConfig(func(c *hearth.Config) { c.HTTP.Listen = "127.0.0.1:0" })
}

// get fetches path from hearth's HTTP server through real HTTP.
func (h *harness) get(path string) (int, string) {
	h.t.Helper()
	addr := h.app.HTTPAddr()
	if addr == "" {
		h.t.Fatal("the HTTP server is not listening")
	}
	resp, err := http.Get("http://" + addr + path)
	if err != nil {
		h.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, string(b)
}

// metric returns the value of one series ("name{labels}", labels sorted as
// Prometheus writes them) in a /metrics scrape, and whether it is there.
func (h *harness) metric(series string) (float64, bool) {
	h.t.Helper()
	code, text := h.get("/metrics")
	if code != http.StatusOK {
		h.t.Fatalf("GET /metrics: %d", code)
	}
	for line := range strings.Lines(text) {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err != nil {
				h.t.Fatalf("%s: %v", series, err)
			}
			return v, true
		}
	}
	return 0, false
}

func (h *harness) wantMetric(series string, want float64) {
	h.t.Helper()
	if got, ok := h.metric(series); !ok || got != want {
		h.t.Errorf("%s = %v (present %v), want %v", series, got, ok, want)
	}
}

func TestMonitor_Healthz(t *testing.T) {
	h := start(t, withHTTP())
	code, body := h.get("/healthz")
	var health struct {
		Status   string
		Failed   []string
		Gateway  struct{ Connected bool }
		Database struct{ Reachable bool }
		Delivery struct {
			LagSeconds float64 `json:"lag_seconds"`
		}
	}
	if err := json.Unmarshal([]byte(body), &health); err != nil {
		t.Fatalf("/healthz is not JSON: %v: %s", err, body)
	}
	if code != http.StatusOK || health.Status != "ok" || len(health.Failed) != 0 || !health.Gateway.Connected || !health.Database.Reachable || health.Delivery.LagSeconds != 0 {
		t.Fatalf("/healthz = %d %s", code, body)
	}
}

func TestMonitor_Metrics(t *testing.T) {
	h := start(t, withHTTP())
	h.setupGroup()
	h.wantMetric("hearth_alerts_open", 0)
	h.wantMetric("hearth_gateway_connected", 1)

	// Discord rate-limits the first DM channel: a 429, which Discord counts
	// as an invalid request, and the DM goes out on the retry.
	h.fake.RateLimitNext("/users/@me/channels", time.Second, false, 1)
	struggle(h, h.members[0], "today", false, canary)
	outsider := h.user("outsider")
	r := h.slash(outsider, "struggling", discordtest.Str("urgency", "now"), discordtest.Bool("relapse", false))
	mustEphemeral(t, r, "/join")
	// One psychologist's DM went out; the other's waits for its retry.
	h.settle()
	if n := len(h.dms(h.fac)) + len(h.dms(h.obs)); n != 1 {
		t.Fatalf("%d DMs before the retry, want 1", n)
	}
	h.advance(2 * time.Second)
	h.waitDMs(h.fac, 1)
	h.waitDMs(h.obs, 1)
	h.settle()

	h.wantMetric("hearth_alerts_open", 1)
	h.wantMetric("hearth_alerts_unacknowledged", 1)
	h.wantMetric(`hearth_interactions_total{outcome="ok",route="struggling"}`, 1)
	h.wantMetric(`hearth_interactions_total{outcome="refused",route="struggling"}`, 1)
	h.wantMetric(`hearth_interaction_duration_seconds_count{route="struggling"}`, 2)
	h.wantMetric(`hearth_discord_rest_responses_total{status="429"}`, 1)
	h.wantMetric("hearth_discord_invalid_requests_total", 1)
	h.wantMetric("hearth_discord_invalid_requests_10m", 1)
	h.wantMetric("hearth_jobs_due", 0)
	h.wantMetric("hearth_database_up", 1)
	if n, ok := h.metric(`hearth_discord_rest_responses_total{status="200"}`); !ok || n < 2 {
		t.Errorf("REST 200s counted: %v", n)
	}

	// Acknowledging moves the alert gauge.
	dm := h.dms(h.fac)[0]
	h.press(h.fac, dm, buttonIDs(dm.Components)[1])
	h.wantMetric("hearth_alerts_unacknowledged", 0)
	h.wantMetric("hearth_alerts_open", 1)
	h.wantMetric(`hearth_interactions_total{outcome="ok",route="alert:ack"}`, 1)

	if strings.Contains(h.logs.String(), "CANARY") {
		t.Error("a log line contains the note")
	}
}
