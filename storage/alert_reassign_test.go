package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func TestDB_ReassignAlert(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Recovery")
		a, _, _ := raise(t, db, g, "secret")
		cfg := hearth.AlertsConfig{EscalateNow: 10 * time.Minute}
		t.Run("HandOver", func(t *testing.T) {
			g.ObserverID = "obs2"
			got, err := db.ReassignAlert(ctx, a.ID, func(cur *hearth.Alert, ds []*hearth.AlertDelivery) ([]*hearth.AlertDelivery, []*hearth.Job, *hearth.AuditEntry, error) {
				changed, jobs := hearth.SyncAlertDeliveries(cur, ds, g, "", cfg, testNow)
				return changed, jobs, &hearth.AuditEntry{ActorID: "hearth", Action: "alert.reassign"}, nil
			})
			noErr(t, err)
			if got.Revision != 1 || !got.HasNote || got.Note != "" {
				t.Fatalf("returned %+v", got)
			}
			ds, err := db.Deliveries(ctx, a.ID)
			noErr(t, err)
			status := map[string]hearth.DeliveryStatus{}
			for _, d := range ds {
				status[d.RecipientID] = d.Status
			}
			if len(ds) != 3 || status["obs"] != hearth.DeliveryRevoked || status["obs2"] != hearth.DeliveryPending || status["fac"] != hearth.DeliveryPending {
				t.Fatalf("deliveries after hand-over: %v", status)
			}
			if _, err := db.Job(ctx, hearth.AlertKey(a.ID, "dm", "obs2", "r1")); err != nil {
				t.Errorf("no DM job for the new observer: %v", err)
			}
			stored, err := db.Alert(ctx, a.ID)
			noErr(t, err)
			if stored.Revision != 1 || !stored.HasNote {
				t.Errorf("stored %+v", stored)
			}
			if note, err := db.AlertNote(ctx, a.ID); err != nil || note != "secret" {
				t.Errorf("note after the hand-over: %q %v", note, err)
			}
		})
		t.Run("ErrFnChangesNothing", func(t *testing.T) {
			_, err := db.ReassignAlert(ctx, a.ID, func(cur *hearth.Alert, ds []*hearth.AlertDelivery) ([]*hearth.AlertDelivery, []*hearth.Job, *hearth.AuditEntry, error) {
				ds[0].Status = hearth.DeliveryRevoked
				return ds, nil, nil, errTest
			})
			if err != errTest {
				t.Fatalf("err = %v", err)
			}
			stored, _ := db.Alert(ctx, a.ID)
			if stored.Revision != 1 {
				t.Errorf("revision moved to %d", stored.Revision)
			}
		})
		t.Run("UpdateDeliveryKeepsRevoked", func(t *testing.T) {
			ds, _ := db.Deliveries(ctx, a.ID)
			var obs *hearth.AlertDelivery
			for _, d := range ds {
				if d.RecipientID == "obs" {
					obs = d
				}
			}
			obs.Status, obs.MessageID = hearth.DeliverySent, "m1"
			noErr(t, db.UpdateDelivery(ctx, obs))
			if obs.Status != hearth.DeliveryRevoked {
				t.Errorf("a late send un-revoked the delivery: %s", obs.Status)
			}
		})
		t.Run("ErrUnknown", func(t *testing.T) {
			_, err := db.ReassignAlert(ctx, 999, func(*hearth.Alert, []*hearth.AlertDelivery) ([]*hearth.AlertDelivery, []*hearth.Job, *hearth.AuditEntry, error) {
				return nil, nil, nil, nil
			})
			if hearth.ErrorCode(err) != hearth.ENOTFOUND {
				t.Errorf("err = %v", err)
			}
		})
	})
}

func TestDB_SummaryRecipients(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Recovery")
		m := newMeeting(t, db, g, testNow)
		noErr(t, db.AddSummaryRecipient(ctx, m.ID, "fac"))
		noErr(t, db.AddSummaryRecipient(ctx, m.ID, "fac"))
		for user, want := range map[string]bool{"fac": true, "obs": false} {
			got, err := db.IsSummaryRecipient(ctx, m.ID, user)
			noErr(t, err)
			if got != want {
				t.Errorf("IsSummaryRecipient(%s) = %v, want %v", user, got, want)
			}
		}
		if err := db.AddSummaryRecipient(ctx, 999, "fac"); hearth.ErrorCode(err) != hearth.ENOTFOUND {
			t.Errorf("unknown meeting: %v", err)
		}
	})
}

func TestDB_MigrateSummaryRecipients(t *testing.T) {
	ctx := context.Background()
	forEachDSN(t, func(t *testing.T, driver, dsn string) {
		db := openDB(t, driver, dsn, testOptions(t))
		noErr(t, db.MigrateTo(ctx, 8))
		g, m := legacyGroupMeeting(t, db, "guild", "Before version 9", testNow.Add(-2*time.Hour))
		// The summary jobs as version 8 stored them: the one to fac done,
		// the one to obs still pending.
		for _, j := range []struct{ user, status string }{{"fac", "done"}, {"obs", "pending"}} {
			noErr(t, db.Exec(ctx, `INSERT INTO jobs (kind, key, due_at, status, guild_id, group_id, meeting_id, user_id, created_at, updated_at)
				VALUES ('meeting.summary', ?, ?, ?, 'guild', ?, ?, ?, ?, ?)`,
				"meeting:"+itoa(m.ID)+":summary:"+j.user, testNow, j.status, g.ID, m.ID, j.user, testNow, testNow))
		}
		noErr(t, db.Migrate(ctx))
		for user, want := range map[string]bool{"fac": true, "obs": false} {
			got, err := db.IsSummaryRecipient(ctx, m.ID, user)
			noErr(t, err)
			if got != want {
				t.Errorf("after the upgrade, the summary was sent to %s: %v, want %v", user, got, want)
			}
		}
	})
}
