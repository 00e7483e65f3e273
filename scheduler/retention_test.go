package scheduler_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/scheduler"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestRetention_Daily(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC)
	clk := &clock{now: start}
	db := openSQLite(t, clk.Now)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	engine := scheduler.NewEngine(db, clk.Now, log)
	r := &scheduler.Retention{Engine: engine, Store: db, Log: log}
	r.Register()

	// g1 keeps 30 days, g2 the default 365.
	_, err := db.UpdateGuildSettings(ctx, "g1", func(s *hearth.GuildSettings) error { s.RetentionDays = 30; return nil },
		hearth.AuditEntry{ActorID: "admin", Action: "settings.retention"})
	must(t, err)
	group := func(guild string) *hearth.Group {
		g := &hearth.Group{GuildID: guild, Name: "Anxiety", ChannelID: "c", FacilitatorID: "fac", ObserverID: "obs", LengthMinutes: 60}
		must(t, db.CreateGroup(ctx, g, hearth.AuditEntry{ActorID: "admin", Action: "group.create"}))
		return g
	}
	g1, g2 := group("g1"), group("g2")
	checkIn := func(g *hearth.Group, age time.Duration) *hearth.CheckIn {
		at := start.Add(-age)
		m := &hearth.Meeting{GroupID: g.ID, StartsAt: at, EndsAt: at.Add(time.Hour)}
		must(t, db.CreateMeeting(ctx, m))
		c := &hearth.CheckIn{MeetingID: m.ID, UserID: "u1", Mood: 2, Note: "CANARY note", CreatedAt: at}
		must(t, db.CreateCheckIn(ctx, c))
		return c
	}
	day := 24 * time.Hour
	old1 := checkIn(g1, 31*day)               // past g1's 30 days
	young1 := checkIn(g1, 30*day-2*time.Hour) // within them, for one more run
	old2 := checkIn(g2, 31*day)               // within g2's 365 days
	ancient2 := checkIn(g2, 400*day)          // past them
	resolved := func(g *hearth.Group, age time.Duration) *hearth.Alert {
		a := &hearth.Alert{GuildID: g.GuildID, GroupID: g.ID, UserID: "u1", Urgency: hearth.UrgencyLater, Note: "CANARY alert", CreatedAt: start.Add(-age)}
		must(t, db.CreateAlert(ctx, a, nil, nil))
		_, err := db.TransitionAlert(ctx, a.ID, func(cur *hearth.Alert) ([]*hearth.Job, *hearth.AuditEntry, error) {
			cur.Status, cur.ResolvedBy, cur.ResolvedAt = hearth.AlertResolved, "fac", start.Add(-age)
			return nil, nil, nil
		})
		must(t, err)
		return a
	}
	oldAlert, youngAlert := resolved(g1, 31*day), resolved(g1, 29*day)
	openAlert := &hearth.Alert{GuildID: "g1", GroupID: g1.ID, UserID: "u2", Urgency: hearth.UrgencyNow, CreatedAt: start.Add(-90 * day)}
	must(t, db.CreateAlert(ctx, openAlert, nil, nil))

	must(t, r.Schedule(ctx))
	must(t, r.Schedule(ctx)) // twice: still one run
	n, err := engine.RunDue(ctx)
	must(t, err)
	if n != 1 {
		t.Fatalf("ran %d jobs at start, want today's purge", n)
	}

	t.Run("OnlyOld", func(t *testing.T) {
		for _, c := range []struct {
			name string
			c    *hearth.CheckIn
			gone bool
		}{{"old g1", old1, true}, {"young g1", young1, false}, {"old g2", old2, false}, {"ancient g2", ancient2, true}} {
			_, err := db.CheckIn(ctx, c.c.MeetingID, "u1")
			if gone := hearth.ErrorCode(err) == hearth.ENOTFOUND; gone != c.gone {
				t.Errorf("check-in %s: gone = %v, want %v (%v)", c.name, gone, c.gone, err)
			}
		}
		for _, c := range []struct {
			name string
			a    *hearth.Alert
			gone bool
		}{{"old resolved", oldAlert, true}, {"young resolved", youngAlert, false}, {"old open", openAlert, false}} {
			_, err := db.Alert(ctx, c.a.ID)
			if gone := hearth.ErrorCode(err) == hearth.ENOTFOUND; gone != c.gone {
				t.Errorf("alert %s: gone = %v, want %v (%v)", c.name, gone, c.gone, err)
			}
		}
		if strings.Contains(logs.String(), "CANARY") {
			t.Error("a log line holds a note")
		}
	})
	t.Run("NextDay", func(t *testing.T) {
		today, err := db.Job(ctx, "retention:2026-06-10")
		must(t, err)
		next, err := db.Job(ctx, "retention:2026-06-11")
		must(t, err)
		if today.Status != hearth.JobDone || next.Status != hearth.JobPending || !next.DueAt.Equal(time.Date(2026, 6, 11, 3, 0, 0, 0, time.UTC)) {
			t.Fatalf("today %s, next %s due %s", today.Status, next.Status, next.DueAt)
		}
		clk.Set(next.DueAt.Add(-time.Second))
		if n, _ := engine.RunDue(ctx); n != 0 {
			t.Fatalf("ran %d jobs before the next day's time", n)
		}
		// young1 is 30 days and 16 hours old at the next run.
		clk.Set(next.DueAt)
		if n, err := engine.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("next day ran %d jobs: %v", n, err)
		}
		if _, err := db.CheckIn(ctx, young1.MeetingID, "u1"); hearth.ErrorCode(err) != hearth.ENOTFOUND {
			t.Errorf("the check-in that became old stayed: %v", err)
		}
		if _, err := db.Job(ctx, "retention:2026-06-12"); err != nil {
			t.Errorf("the chain stopped: %v", err)
		}
	})
	t.Run("FinishedJobs", func(t *testing.T) {
		// A week and three hours on, only the first run's row is past
		// KeepJobs; the second run's stays, and so does the pending one.
		clk.Set(time.Date(2026, 6, 17, 12, 0, 0, 0, time.UTC))
		p, err := r.Purge(ctx, clk.Now())
		must(t, err)
		if p.Jobs != 1 {
			t.Errorf("purged %d job rows, want the first day's run", p.Jobs)
		}
		if _, err := db.Job(ctx, "retention:2026-06-10"); hearth.ErrorCode(err) != hearth.ENOTFOUND {
			t.Errorf("finished job kept: %v", err)
		}
		if _, err := db.Job(ctx, "retention:2026-06-11"); err != nil {
			t.Errorf("the second run's row went early: %v", err)
		}
		if j, err := db.Job(ctx, "retention:2026-06-12"); err != nil || j.Status != hearth.JobPending {
			t.Errorf("pending run lost: %v", err)
		}
	})
}

func TestRetention_LateStart(t *testing.T) {
	// Started after downtime, past today's time: one run now, the next tomorrow.
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 6, 10, 23, 59, 0, 0, time.UTC)}
	db := openSQLite(t, clk.Now)
	engine := scheduler.NewEngine(db, clk.Now, slog.New(slog.DiscardHandler))
	r := &scheduler.Retention{Engine: engine, Store: db, Log: slog.New(slog.DiscardHandler), At: time.Hour}
	r.Register()
	must(t, r.Schedule(ctx))
	if n, err := engine.RunDue(ctx); err != nil || n != 1 {
		t.Fatalf("ran %d: %v", n, err)
	}
	next, err := db.NextDue(ctx)
	must(t, err)
	if want := time.Date(2026, 6, 11, 1, 0, 0, 0, time.UTC); !next.Equal(want) {
		t.Errorf("next run due %s, want %s", next, want)
	}
}
