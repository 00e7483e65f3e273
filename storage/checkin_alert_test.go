package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func TestDB_CreateCheckInAlert(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		m := newMeeting(t, db, g, testNow)
		noErr(t, db.CreateCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, UserID: "u1", Mood: 1}))
		raise := func() error {
			a := &hearth.Alert{GuildID: "guild", GroupID: g.ID, UserID: "u1", Urgency: hearth.UrgencyToday, CreatedAt: testNow}
			ds, jobs := hearth.NewAlertWork(a, g, hearth.DefaultConfig().Alerts)
			return db.CreateCheckInAlert(ctx, m.ID, "u1", a, ds, jobs)
		}

		t.Run("OnceUnderConcurrency", func(t *testing.T) {
			var wg sync.WaitGroup
			errs := make([]error, 4)
			for i := range errs {
				wg.Go(func() { errs[i] = raise() })
			}
			wg.Wait()
			ok := 0
			for _, err := range errs {
				switch hearth.ErrorCode(err) {
				case "":
					ok++
				case hearth.ECONFLICT:
				default:
					t.Fatalf("error %v", err)
				}
			}
			n, err := db.CountAlerts(ctx, g.ID, testNow, testNow.Add(time.Second))
			noErr(t, err)
			if ok != 1 || n != 1 {
				t.Errorf("%d presses succeeded and %d alerts stored; want 1 and 1", ok, n)
			}
			if _, err := db.Job(ctx, "alert:1:dm:fac"); err != nil {
				t.Errorf("the alert's jobs were not stored: %v", err)
			}
		})
		t.Run("ErrNoCheckIn", func(t *testing.T) {
			a := &hearth.Alert{GuildID: "guild", GroupID: g.ID, UserID: "u2", Urgency: hearth.UrgencyToday}
			wantCode(t, db.CreateCheckInAlert(ctx, m.ID, "u2", a, nil, nil), hearth.ENOTFOUND)
		})
	})
}
