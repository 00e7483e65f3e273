package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

// raise stores an open alert of g by u1 with the domain's deliveries and jobs.
func raise(t *testing.T, db *storage.DB, g *hearth.Group, note string) (*hearth.Alert, []*hearth.AlertDelivery, []*hearth.Job) {
	t.Helper()
	a := &hearth.Alert{GuildID: g.GuildID, GroupID: g.ID, UserID: "u1", Urgency: hearth.UrgencyNow, Relapse: true, Note: note, CreatedAt: testNow}
	ds, jobs := hearth.NewAlertWork(a, g, hearth.AlertsConfig{EscalateNow: 10 * time.Minute})
	noErr(t, db.CreateAlert(context.Background(), a, ds, jobs))
	return a, ds, jobs
}

func TestDB_CreateAlert(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Recovery")
		t.Run("OK", func(t *testing.T) {
			a, ds, jobs := raise(t, db, g, "I relapsed last night")
			if a.ID == 0 || a.Status != hearth.AlertOpen {
				t.Fatalf("alert = %+v", a)
			}
			got, err := db.Alert(ctx, a.ID)
			noErr(t, err)
			note, err := db.AlertNote(ctx, a.ID)
			noErr(t, err)
			if got.Note != "" || !got.HasNote || note != "I relapsed last night" || !got.Relapse || got.Urgency != hearth.UrgencyNow || !got.CreatedAt.Equal(testNow) || !got.AckAt.IsZero() {
				t.Fatalf("stored = %+v", got)
			}
			stored, err := db.Deliveries(ctx, a.ID)
			noErr(t, err)
			if len(stored) != 2 || stored[0].RecipientID != "fac" || stored[1].Role != hearth.RoleObserver ||
				stored[0].Status != hearth.DeliveryPending || ds[0].ID != stored[0].ID || ds[0].AlertID != a.ID {
				t.Fatalf("deliveries = %+v", stored)
			}
			want := hearth.AlertKey(a.ID, "dm", "fac")
			if jobs[0].Key != want || jobs[0].AlertID != a.ID || jobs[0].ID == 0 {
				t.Fatalf("job = %+v, want key %s", jobs[0], want)
			}
			j, err := db.Job(ctx, want)
			noErr(t, err)
			if j.AlertID != a.ID || j.Priority != hearth.PriorityAlert {
				t.Fatalf("stored job = %+v", j)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			err := db.CreateAlert(ctx, &hearth.Alert{GuildID: "guild", GroupID: 999, UserID: "u1", Urgency: hearth.UrgencyNow}, nil,
				[]*hearth.Job{{Kind: "alert.dm", Key: "alert:{alert}:x", DueAt: testNow}})
			wantCode(t, err, hearth.ENOTFOUND)
			_, err = db.Alert(ctx, 999)
			wantCode(t, err, hearth.ENOTFOUND)
		})
		t.Run("ErrAtomic", func(t *testing.T) {
			// A bad job rolls back the alert and its deliveries.
			before, _ := db.OpenAlerts(ctx, []int64{g.ID})
			err := db.CreateAlert(ctx, &hearth.Alert{GuildID: "guild", GroupID: g.ID, UserID: "u2"},
				[]*hearth.AlertDelivery{{RecipientID: "fac"}}, []*hearth.Job{{Kind: "alert.dm"}})
			if err == nil {
				t.Fatal("job without key accepted")
			}
			after, _ := db.OpenAlerts(ctx, []int64{g.ID})
			if len(after) != len(before) {
				t.Fatal("alert stored despite the failed transaction")
			}
		})
	})
}

func TestDB_AddDelivery(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Recovery")
		a, ds, _ := raise(t, db, g, "")
		t.Run("OK", func(t *testing.T) {
			d, err := db.AddDelivery(ctx, &hearth.AlertDelivery{AlertID: a.ID, RecipientID: "lead", Role: hearth.RoleLead})
			noErr(t, err)
			if d.ID == 0 || d.Status != hearth.DeliveryPending {
				t.Fatalf("delivery = %+v", d)
			}
			again, err := db.AddDelivery(ctx, &hearth.AlertDelivery{AlertID: a.ID, RecipientID: "lead", Role: "other"})
			noErr(t, err)
			if again.ID != d.ID || again.Role != hearth.RoleLead {
				t.Fatalf("second add = %+v", again)
			}
		})
		t.Run("Update", func(t *testing.T) {
			d := ds[0]
			d.ChannelID, d.MessageID, d.Status = "dm-1", "msg-1", hearth.DeliverySent
			noErr(t, db.UpdateDelivery(ctx, d))
			got, _ := db.Deliveries(ctx, a.ID)
			if got[0].MessageID != "msg-1" || got[0].Status != hearth.DeliverySent || got[0].ChannelID != "dm-1" {
				t.Fatalf("delivery = %+v", got[0])
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := db.AddDelivery(ctx, &hearth.AlertDelivery{AlertID: 999, RecipientID: "lead"})
			wantCode(t, err, hearth.ENOTFOUND)
			wantCode(t, db.UpdateDelivery(ctx, &hearth.AlertDelivery{ID: 999}), hearth.ENOTFOUND)
		})
	})
}

func TestDB_TransitionAlert(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Recovery")
		a, ds, _ := raise(t, db, g, "secret")
		t.Run("OK", func(t *testing.T) {
			got, err := db.TransitionAlert(ctx, a.ID, func(a *hearth.Alert) ([]*hearth.Job, *hearth.AuditEntry, error) {
				a.Status, a.AckBy, a.AckAt, a.UserID = hearth.AlertAcknowledged, "fac", testNow, "hijack"
				return hearth.AlertChangedJobs(a, ds, testNow), &hearth.AuditEntry{ActorID: "fac", Action: "alert.acknowledge"}, nil
			})
			noErr(t, err)
			if got.UserID != "u1" || !got.HasNote {
				t.Fatalf("returned %+v", got)
			}
			stored, _ := db.Alert(ctx, a.ID)
			note, _ := db.AlertNote(ctx, a.ID)
			if stored.Status != hearth.AlertAcknowledged || !stored.AckAt.Equal(testNow) || note != "secret" {
				t.Fatalf("stored %+v", stored)
			}
			if _, err := db.Job(ctx, hearth.AlertKey(a.ID, "member", "ack", "r1")); err != nil {
				t.Fatal("job of the transition not enqueued")
			}
			log, _ := db.AuditLog(ctx, "guild", 1, 0)
			if log[0].Action != "alert.acknowledge" || log[0].Target != "alert:"+itoa(a.ID) {
				t.Fatalf("audit %+v", log[0])
			}
			open, err := db.OpenAlerts(ctx, []int64{g.ID, 12345})
			noErr(t, err)
			if len(open) != 1 || open[0].ID != a.ID {
				t.Fatalf("open alerts %+v", open)
			}
		})
		t.Run("ErrFn", func(t *testing.T) {
			_, err := db.TransitionAlert(ctx, a.ID, func(a *hearth.Alert) ([]*hearth.Job, *hearth.AuditEntry, error) {
				a.Status = hearth.AlertResolved
				return nil, nil, hearth.Errorf(hearth.ECONFLICT, "already acknowledged")
			})
			wantCode(t, err, hearth.ECONFLICT)
			if s, _ := db.Alert(ctx, a.ID); s.Status != hearth.AlertAcknowledged {
				t.Fatal("not rolled back")
			}
		})
		t.Run("Resolve", func(t *testing.T) {
			_, err := db.TransitionAlert(ctx, a.ID, func(a *hearth.Alert) ([]*hearth.Job, *hearth.AuditEntry, error) {
				a.Status, a.ResolvedBy, a.ResolvedAt = hearth.AlertResolved, "obs", testNow
				return nil, nil, nil
			})
			noErr(t, err)
			if open, _ := db.OpenAlerts(ctx, []int64{g.ID}); len(open) != 0 {
				t.Fatal("resolved alert still open")
			}
			if open, err := db.OpenAlerts(ctx, nil); err != nil || open != nil {
				t.Fatal("no groups gave alerts")
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := db.TransitionAlert(ctx, 999, func(*hearth.Alert) ([]*hearth.Job, *hearth.AuditEntry, error) { return nil, nil, nil })
			wantCode(t, err, hearth.ENOTFOUND)
		})
	})
}

func TestDB_ResolutionNote(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Recovery")
		a, _, _ := raise(t, db, g, "")
		_, err := db.TransitionAlert(ctx, a.ID, func(a *hearth.Alert) ([]*hearth.Job, *hearth.AuditEntry, error) {
			a.Status, a.ResolvedBy, a.ResolvedAt, a.ResolutionNote = hearth.AlertResolved, "fac", testNow, "CANARY called her back"
			return nil, nil, nil
		})
		noErr(t, err)
		data, err := db.UserData(ctx, "guild", a.UserID)
		noErr(t, err)
		if len(data.Alerts) != 1 || data.Alerts[0].ResolutionNote != "CANARY called her back" {
			t.Fatalf("exported alerts %+v", data.Alerts)
		}
		n, err := db.Count(ctx, "alerts", "resolution_note LIKE ?", "%CANARY%")
		noErr(t, err)
		if n != 0 {
			t.Fatal("the resolution note is stored in plain text")
		}
	})
}
