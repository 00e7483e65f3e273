package main

import (
	"testing"
	"time"

	"github.com/hearthbot/hearth"
)

// TestRetention_Daily runs the real App across a day: the daily purge
// removes the check-ins and closed alerts past the server's retention and
// keeps everything younger, and open alerts whatever their age.
func TestRetention_Daily(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	h.setSettings(func(s *hearth.GuildSettings) { s.RetentionDays = 30 })
	h.settle()
	if j, err := h.app.DB.Job(h.ctx(), "retention:2026-03-02"); err != nil || j.Status != hearth.JobDone {
		t.Fatalf("today's purge did not run at start: %v", err)
	}
	now := h.clock.Now()
	day := 24 * time.Hour
	old := h.checkIn(g, h.members[0], now.Add(-31*day), 1, canaryCheckIn)
	young := h.checkIn(g, h.members[0], now.Add(-29*day), 4, canaryCheckIn)
	alert := func(user string, age time.Duration, resolved bool) *hearth.Alert {
		a := &hearth.Alert{GuildID: h.guild, GroupID: g.ID, UserID: user, Urgency: hearth.UrgencyLater, Note: canary, CreatedAt: now.Add(-age)}
		if err := h.app.DB.CreateAlert(h.ctx(), a, nil, nil); err != nil {
			t.Fatal(err)
		}
		if resolved {
			_, err := h.app.DB.TransitionAlert(h.ctx(), a.ID, func(cur *hearth.Alert) ([]*hearth.Job, *hearth.AuditEntry, error) {
				cur.Status, cur.ResolvedBy, cur.ResolvedAt = hearth.AlertResolved, h.fac, now.Add(-age)
				return nil, nil, nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		return a
	}
	oldClosed, youngClosed, oldOpen := alert(h.members[1], 40*day, true), alert(h.members[1], 10*day, true), alert(h.members[2], 40*day, false)

	h.advance(day) // past tomorrow's run at 03:00 UTC
	h.settle()
	for _, c := range []struct {
		name string
		c    *hearth.CheckIn
		gone bool
	}{{"31 days old", old, true}, {"29 days old", young, false}} {
		_, err := h.app.DB.CheckIn(h.ctx(), c.c.MeetingID, c.c.UserID)
		if gone := hearth.ErrorCode(err) == hearth.ENOTFOUND; gone != c.gone {
			t.Errorf("check-in %s: gone = %v, want %v (%v)", c.name, gone, c.gone, err)
		}
	}
	for _, c := range []struct {
		name string
		a    *hearth.Alert
		gone bool
	}{{"closed 40 days ago", oldClosed, true}, {"closed 10 days ago", youngClosed, false}, {"open for 40 days", oldOpen, false}} {
		_, err := h.app.DB.Alert(h.ctx(), c.a.ID)
		if gone := hearth.ErrorCode(err) == hearth.ENOTFOUND; gone != c.gone {
			t.Errorf("alert %s: gone = %v, want %v (%v)", c.name, gone, c.gone, err)
		}
	}
	noPlainText(t, h)
}
