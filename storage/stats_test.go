package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func TestDB_QueueStats(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		t.Run("Empty", func(t *testing.T) {
			got, err := db.QueueStats(ctx, testNow, time.Minute)
			noErr(t, err)
			if got != (hearth.QueueStats{}) || got.Lag(testNow) != 0 {
				t.Fatalf("stats of an empty queue = %+v", got)
			}
		})
		t.Run("OK", func(t *testing.T) {
			noErr(t, db.EnqueueJobs(ctx,
				job("late", 0, testNow.Add(-5*time.Minute)),
				job("due", 0, testNow.Add(-10*time.Second)),
				job("now", 5, testNow),
				job("future", 0, testNow.Add(time.Hour)),
				job("failed", 0, testNow.Add(-time.Hour)),
				job("done", 0, testNow.Add(-time.Hour)),
			))
			for key, st := range map[string]hearth.JobStatus{"failed": hearth.JobFailed, "done": hearth.JobDone} {
				claimed, err := db.ClaimJobs(ctx, "w", testNow, time.Minute, 10)
				noErr(t, err)
				for _, j := range claimed {
					if j.Key == key {
						noErr(t, db.FinishJob(ctx, j.ID, "w", st, "", ""))
					} else {
						noErr(t, db.RetryJob(ctx, j.ID, "w", j.DueAt, ""))
					}
				}
			}
			got, err := db.QueueStats(ctx, testNow, time.Minute)
			noErr(t, err)
			want := hearth.QueueStats{Due: 3, Late: 1, OldestDue: testNow.Add(-5 * time.Minute), Failed: 1, FailedAlerts: 1} // priority 0: alert work
			if got != want {
				t.Fatalf("stats = %+v, want %+v", got, want)
			}
			if lag := got.Lag(testNow); lag != 5*time.Minute {
				t.Errorf("lag = %s, want 5m", lag)
			}
		})
	})
}

func TestDB_AlertStats(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Recovery")
		var ids []int64
		for range 3 {
			a, _, _ := raise(t, db, g, "")
			ids = append(ids, a.ID)
		}
		set := func(id int64, st hearth.AlertStatus) {
			_, err := db.TransitionAlert(ctx, id, func(a *hearth.Alert) ([]*hearth.Job, *hearth.AuditEntry, error) {
				a.Status = st
				return nil, nil, nil
			})
			noErr(t, err)
		}
		set(ids[1], hearth.AlertAcknowledged)
		set(ids[2], hearth.AlertResolved)
		got, err := db.AlertStats(ctx)
		noErr(t, err)
		if want := (hearth.AlertStats{Open: 2, Unacknowledged: 1}); got != want {
			t.Fatalf("alert stats = %+v, want %+v", got, want)
		}
	})
}

func TestDB_RecordIdentify(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		noErr(t, db.RecordIdentify(ctx, 0, testNow.Add(-25*time.Hour)))
		noErr(t, db.RecordIdentify(ctx, 1, testNow.Add(-2*time.Hour)))
		noErr(t, db.RecordIdentify(ctx, 0, testNow))
		got, err := db.Identifies(ctx, testNow.Add(-48*time.Hour))
		noErr(t, err)
		// The identify of 25 hours ago was forgotten when the last was recorded.
		want := []hearth.Identify{{Shard: 1, At: testNow.Add(-2 * time.Hour)}, {Shard: 0, At: testNow}}
		if len(got) != len(want) || got[0] != want[0] || !got[1].At.Equal(want[1].At) || got[1].Shard != 0 {
			t.Fatalf("identifies = %+v, want %+v", got, want)
		}
		got, err = db.Identifies(ctx, testNow.Add(-time.Hour))
		noErr(t, err)
		if len(got) != 1 {
			t.Fatalf("identifies in the last hour = %+v", got)
		}
	})
}
