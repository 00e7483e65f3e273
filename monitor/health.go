package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
)

// Health is the body of /healthz.
type Health struct {
	// Status is "ok" or "unhealthy".
	Status string `json:"status"`
	// Failed names the checks that failed: "gateway", "database", "delivery".
	Failed   []string       `json:"failed"`
	Gateway  GatewayHealth  `json:"gateway"`
	Database DatabaseHealth `json:"database"`
	Delivery DeliveryHealth `json:"delivery"`
}

// GatewayHealth is the gateway check.
type GatewayHealth struct {
	Connected bool `json:"connected"`
}

// DatabaseHealth is the database check: a Ping. Error is a class
// ("unreachable", "timeout", "error"), never the driver's text, which names
// the host, user and database.
type DatabaseHealth struct {
	Reachable bool   `json:"reachable"`
	Error     string `json:"error,omitempty"`
}

// DeliveryHealth is the delivery check: the lag is now minus the due time of
// the oldest pending job that is due; it fails past MaxLag.
type DeliveryHealth struct {
	LagSeconds    float64 `json:"lag_seconds"`
	MaxLagSeconds float64 `json:"max_lag_seconds"`
	Due           int     `json:"due"`
	// Failed counts the work hearth gave up on (kept until purged), and
	// FailedAlerts the alert work among it; both were reported to the
	// staff. They do not make the check fail: restarting cannot help.
	Failed       int    `json:"failed"`
	FailedAlerts int    `json:"failed_alerts"`
	Error        string `json:"error,omitempty"` // a class, as DatabaseHealth.Error
}

// errorClass names a failure without its text: the class an error reports
// (storage.DBError) or "error".
func errorClass(err error) string {
	var c interface{ ErrorClass() string }
	if errors.As(err, &c) {
		return c.ErrorClass()
	}
	return "error"
}

// Check runs the health checks.
func (m *Monitor) Check(ctx context.Context) Health {
	ctx, cancel := context.WithTimeout(ctx, scrapeTimeout)
	defer cancel()
	h := Health{Status: "ok", Failed: []string{}}
	fail := func(check string) { h.Failed = append(h.Failed, check) }
	h.Gateway.Connected = m.o.Gateway != nil && m.o.Gateway.Connected()
	if !h.Gateway.Connected {
		fail("gateway")
	}
	if err := m.o.Store.Ping(ctx); err != nil {
		h.Database.Error = errorClass(err)
		m.o.Log.Warn("health check: database failed", "error", errorClass(err))
		fail("database")
	} else {
		h.Database.Reachable = true
	}
	h.Delivery.MaxLagSeconds = m.o.MaxLag.Seconds()
	now := m.o.Now()
	q, err := m.o.Store.QueueStats(ctx, now, m.o.LateAfter)
	switch {
	case err != nil:
		h.Delivery.Error = errorClass(err)
		fail("delivery")
	default:
		lag := q.Lag(now)
		h.Delivery.LagSeconds, h.Delivery.Due = lag.Seconds(), q.Due
		h.Delivery.Failed, h.Delivery.FailedAlerts = q.Failed, q.FailedAlerts
		if lag > m.o.MaxLag {
			fail("delivery")
		}
	}
	if len(h.Failed) > 0 {
		h.Status = "unhealthy"
	}
	return h
}

func (m *Monitor) serveHealth(w http.ResponseWriter, r *http.Request) {
	h := m.Check(r.Context())
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if h.Status != "ok" {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	if err := json.NewEncoder(w).Encode(h); err != nil {
		m.o.Log.Debug("unable to write health", "error", err)
	}
}
