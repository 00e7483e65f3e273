package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

// sent marks an alert's deliveries as sent in DM channel "dm-<recipient>"
// as message "m<alert>-<recipient>".
func sent(t *testing.T, db *storage.DB, ds []*hearth.AlertDelivery) {
	t.Helper()
	for _, d := range ds {
		d.ChannelID, d.MessageID, d.Status = "dm-"+d.RecipientID, "m"+itoa(d.AlertID)+"-"+d.RecipientID, hearth.DeliverySent
		noErr(t, db.UpdateDelivery(context.Background(), d))
	}
}

// wantDMDelete fails unless the job deleting that DM is pending at the
// lowest priority with the ids it needs, outliving the alert's rows.
func wantDMDelete(t *testing.T, db *storage.DB, alertID int64, recipient string) {
	t.Helper()
	msg := "m" + itoa(alertID) + "-" + recipient
	j, err := db.Job(context.Background(), "alertdm:"+itoa(alertID)+":delete:"+msg)
	if err != nil {
		t.Fatalf("no deletion job for %s: %v", msg, err)
	}
	ch, m, ok := hearth.DMDeleteTarget(j)
	if !ok || ch != "dm-"+recipient || m != msg || j.Priority != hearth.PriorityCleanup || j.Status != hearth.JobPending ||
		j.Kind != hearth.JobAlertDMDelete || j.AlertID != 0 || j.GroupID != 0 {
		t.Fatalf("deletion job = %+v", j)
	}
}

func TestDB_EraseUser_KeepsRecipientWork(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Recovery")
		other := newGroup(t, db, "guild", "Phobia")
		noErr(t, db.Join(ctx, &hearth.Membership{GroupID: other.ID, UserID: "obs"})) // the observer is a member elsewhere
		someone, _, _ := raise(t, db, g, "")                                         // about u1, pending DMs to fac and obs
		noErr(t, db.EnqueueJobs(ctx, hearth.SummaryJobs(&hearth.Meeting{ID: 7}, g, testNow)...))

		_, err := db.EraseUser(ctx, "guild", "obs", hearth.AuditEntry{ActorID: "obs", Action: "privacy.delete"})
		noErr(t, err)
		for _, key := range []string{"alert:" + itoa(someone.ID) + ":dm:obs", "meeting:7:summary:obs", "alert:" + itoa(someone.ID) + ":escalate:1"} {
			if j, err := db.Job(ctx, key); err != nil || j.Status != hearth.JobPending {
				t.Errorf("job %s after the recipient's erasure: %+v %v", key, j, err)
			}
		}
	})
}

func TestDB_ErasuresDeleteAlertDMs(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Recovery")
		t.Run("EraseUser", func(t *testing.T) {
			a, ds, _ := raise(t, db, g, "")
			sent(t, db, ds)
			_, err := db.EraseUser(ctx, "guild", a.UserID, hearth.AuditEntry{ActorID: a.UserID, Action: "privacy.delete"})
			noErr(t, err)
			wantDMDelete(t, db, a.ID, "fac")
			wantDMDelete(t, db, a.ID, "obs")
		})
		t.Run("PurgeOlderThan", func(t *testing.T) {
			a, ds, _ := raise(t, db, g, "")
			sent(t, db, ds[:1]) // the observer's DM was never sent: nothing to delete
			_, err := db.TransitionAlert(ctx, a.ID, func(cur *hearth.Alert) ([]*hearth.Job, *hearth.AuditEntry, error) {
				cur.Status, cur.ResolvedBy, cur.ResolvedAt = hearth.AlertResolved, "fac", testNow
				return nil, nil, nil
			})
			noErr(t, err)
			_, err = db.PurgeOlderThan(ctx, "guild", testNow.Add(time.Hour))
			noErr(t, err)
			wantDMDelete(t, db, a.ID, "fac")
			n, err := db.Count(ctx, "jobs", "kind = ? AND user_id = ?", string(hearth.JobAlertDMDelete), "obs")
			noErr(t, err)
			if n != 1 { // the EraseUser subtest's only
				t.Errorf("%d deletion jobs for the observer, want 1", n)
			}
		})
		t.Run("DeleteGroup", func(t *testing.T) {
			g2 := newGroup(t, db, "guild", "Doomed")
			a, ds, _ := raise(t, db, g2, "")
			sent(t, db, ds)
			noErr(t, db.DeleteGroup(ctx, g2.ID, hearth.AuditEntry{ActorID: "admin", Action: "group.delete"}))
			wantDMDelete(t, db, a.ID, "fac")
			wantDMDelete(t, db, a.ID, "obs")
		})
	})
}
