package scheduler_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/scheduler"
	"github.com/hearthbot/hearth/storage"
)

func TestEngine_GiveUp(t *testing.T) {
	type failure struct {
		key       string
		exhausted bool
	}
	setup := func(t *testing.T, db *storage.DB, clk *clock) (*scheduler.Engine, *[]failure) {
		e := scheduler.NewEngine(db, clk.Now, quietLog())
		var mu sync.Mutex
		var failed []failure
		e.Failed = func(_ context.Context, j *hearth.Job, _ error, exhausted bool) {
			mu.Lock()
			defer mu.Unlock()
			failed = append(failed, failure{j.Key, exhausted})
		}
		e.Register("test.down", func(context.Context, *hearth.Job) (string, error) { return "", retryable })
		e.Register("test.refused", func(context.Context, *hearth.Job) (string, error) {
			return "", &hearth.SendError{Failure: hearth.FailGone, Status: 404, Code: 10003, Err: errors.New("unknown channel")}
		})
		return e, &failed
	}
	// retryUntilDone runs the job again each time it is due, up to n times.
	retryUntilDone := func(t *testing.T, e *scheduler.Engine, db *storage.DB, clk *clock, key string, n int) *hearth.Job {
		t.Helper()
		for range n {
			runDue(t, e)
			j := job(t, db, key)
			if j.Status != hearth.JobPending {
				return j
			}
			clk.Set(j.DueAt)
		}
		t.Fatalf("job %s still pending after %d runs", key, n)
		return nil
	}
	forEachDB(t, func(t *testing.T, db *storage.DB, clk *clock) {
		t.Run("MaxAttempts", func(t *testing.T) {
			e, failed := setup(t, db, clk)
			e.DefaultMaxAttempts = 4
			enqueue(t, db, "test.down", "attempts", clk.Now())
			j := retryUntilDone(t, e, db, clk, "attempts", 10)
			if j.Status != hearth.JobFailed || j.Attempts != 3 {
				t.Errorf("job = %+v, want failed at the 4th try", j)
			}
			if len(*failed) != 1 || (*failed)[0] != (failure{"attempts", true}) {
				t.Errorf("reported %+v", *failed)
			}
		})
		t.Run("MaxAge", func(t *testing.T) {
			e, failed := setup(t, db, clk)
			e.MaxAge = 20 * time.Minute // backoff 2s…5m: 10 tries reach 13.6 min, 12 pass 20 min
			enqueue(t, db, "test.down", "age", clk.Now())
			j := retryUntilDone(t, e, db, clk, "age", 50)
			if j.Status != hearth.JobFailed || j.FailingSince.IsZero() || j.UpdatedAt.After(j.FailingSince.Add(20*time.Minute)) {
				t.Errorf("job = %+v, want failed within 20 minutes of its first failure", j)
			}
			if len(*failed) != 1 || !(*failed)[0].exhausted {
				t.Errorf("reported %+v", *failed)
			}
		})
		t.Run("PlannedLongAgo", func(t *testing.T) {
			// A reminder planned two weeks before it is due is not "old"
			// when its first try fails: the age counts from that failure.
			e, failed := setup(t, db, clk)
			e.MaxAge = 24 * time.Hour
			enqueue(t, db, "test.down", "planned", clk.Now().Add(14*24*time.Hour))
			clk.Advance(14 * 24 * time.Hour)
			runDue(t, e)
			if j := job(t, db, "planned"); j.Status != hearth.JobPending || j.Attempts != 1 || !j.FailingSince.Equal(clk.Now()) {
				t.Errorf("job = %+v, want pending for a retry, failing since now", j)
			}
			if len(*failed) != 0 {
				t.Errorf("reported %+v", *failed)
			}
			if _, err := db.CancelJobs(context.Background(), "planned"); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("Deadline", func(t *testing.T) {
			e, failed := setup(t, db, clk)
			deadline := clk.Now().Add(time.Minute)
			e.Deadline = func(context.Context, *hearth.Job) time.Time { return deadline }
			enqueue(t, db, "test.down", "deadline", clk.Now())
			j := retryUntilDone(t, e, db, clk, "deadline", 50)
			if j.Status != hearth.JobFailed || clk.Now().After(deadline) {
				t.Errorf("job = %+v at %s, want failed by %s", j, clk.Now(), deadline)
			}
			if len(*failed) != 1 {
				t.Errorf("reported %+v", *failed)
			}
		})
		t.Run("Refused", func(t *testing.T) {
			e, failed := setup(t, db, clk)
			enqueue(t, db, "test.refused", "refused", clk.Now())
			runDue(t, e)
			if j := job(t, db, "refused"); j.Status != hearth.JobFailed || j.Attempts != 0 {
				t.Errorf("job = %+v, want failed at once", j)
			}
			if len(*failed) != 1 || (*failed)[0] != (failure{"refused", false}) {
				t.Errorf("reported %+v", *failed)
			}
		})
	})
}
