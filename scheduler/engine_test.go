package scheduler_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/scheduler"
	"github.com/hearthbot/hearth/storage"
)

// retryable is a transient Discord failure.
var retryable = &hearth.SendError{Failure: hearth.FailRetry, Status: 503, Err: errors.New("unavailable")}

func TestEngine_RunDue(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB, clk *clock) {
		e := scheduler.NewEngine(db, clk.Now, quietLog())
		var ran []string
		var mu sync.Mutex
		e.Register("test.ok", func(_ context.Context, j *hearth.Job) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			ran = append(ran, j.Key)
			return "message:" + j.Key, nil
		})
		enqueue(t, db, "test.ok", "due", start.Add(-time.Minute))
		enqueue(t, db, "test.ok", "now", start)
		enqueue(t, db, "test.ok", "later", start.Add(time.Hour))
		t.Run("OK", func(t *testing.T) {
			if n := runDue(t, e); n != 2 || len(ran) != 2 {
				t.Fatalf("ran %d jobs (%v), want the 2 due", n, ran)
			}
			j := job(t, db, "due")
			if j.Status != hearth.JobDone || j.Result != "message:due" || j.Attempts != 0 {
				t.Errorf("job = %+v, want done with its result", j)
			}
			if j := job(t, db, "later"); j.Status != hearth.JobPending {
				t.Errorf("a job not due ran: %+v", j)
			}
		})
		t.Run("NotTwice", func(t *testing.T) {
			if n := runDue(t, e); n != 0 {
				t.Fatalf("ran %d jobs again", n)
			}
			clk.Advance(time.Hour)
			if n := runDue(t, e); n != 1 || ran[2] != "later" {
				t.Fatalf("after an hour ran %d: %v", n, ran)
			}
		})
		t.Run("ErrNoHandler", func(t *testing.T) {
			enqueue(t, db, "test.unknown", "orphan", clk.Now())
			runDue(t, e)
			if j := job(t, db, "orphan"); j.Status != hearth.JobFailed || j.LastError != "no handler" {
				t.Errorf("job of an unknown kind = %+v, want failed", j)
			}
		})
	})
}

func TestEngine_Retry(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB, clk *clock) {
		e := scheduler.NewEngine(db, clk.Now, quietLog())
		var calls atomic.Int32
		fails := int32(3)
		e.Register("test.flaky", func(context.Context, *hearth.Job) (string, error) {
			if calls.Add(1) <= fails {
				return "", retryable
			}
			return "sent", nil
		})
		enqueue(t, db, "test.flaky", "flaky", start)
		// Backoff: 2 s, then 4 s, then 8 s.
		for i, wait := range []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second} {
			runDue(t, e)
			j := job(t, db, "flaky")
			if j.Status != hearth.JobPending || j.Attempts != i+1 || !j.DueAt.Equal(clk.Now().Add(wait)) || j.LeaseOwner != "" {
				t.Fatalf("after failure %d: %+v, want pending, attempts %d, due in %s", i+1, j, i+1, wait)
			}
			clk.Advance(wait - time.Second)
			if n := runDue(t, e); n != 0 {
				t.Fatalf("retried %s early", time.Second)
			}
			clk.Advance(time.Second)
		}
		runDue(t, e)
		if j := job(t, db, "flaky"); j.Status != hearth.JobDone || j.Result != "sent" || calls.Load() != 4 {
			t.Fatalf("job = %+v after %d calls, want done after 4", j, calls.Load())
		}
		t.Run("RetryAfter", func(t *testing.T) {
			// Discord's retry_after wins when it is longer than the backoff.
			e.Register("test.limited", func(context.Context, *hearth.Job) (string, error) {
				return "", &hearth.SendError{Failure: hearth.FailRetry, Status: 429, RetryAfter: 30 * time.Second, Err: errors.New("rate limited")}
			})
			enqueue(t, db, "test.limited", "limited", clk.Now())
			runDue(t, e)
			if j := job(t, db, "limited"); !j.DueAt.Equal(clk.Now().Add(30 * time.Second)) {
				t.Fatalf("due %s, want in 30s", j.DueAt)
			}
		})
	})
}

func TestEngine_Outcomes(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB, clk *clock) {
		e := scheduler.NewEngine(db, clk.Now, quietLog())
		e.MaxAttempts["test.exhausted"] = 2
		var panics atomic.Int32
		e.Register("test.missed", func(context.Context, *hearth.Job) (string, error) { return "", scheduler.ErrMissed })
		e.Register("test.cancelled", func(context.Context, *hearth.Job) (string, error) { return "", scheduler.ErrCancelled })
		e.Register("test.permanent", func(context.Context, *hearth.Job) (string, error) {
			return "", &hearth.SendError{Failure: hearth.FailPermanent, Status: 400, Code: 50035, Err: errors.New("discord rest error")}
		})
		e.Register("test.exhausted", func(context.Context, *hearth.Job) (string, error) { return "", retryable })
		e.Register("test.panic", func(context.Context, *hearth.Job) (string, error) {
			if panics.Add(1) == 1 {
				panic("a bug")
			}
			return "recovered", nil
		})
		for _, k := range []string{"missed", "cancelled", "permanent", "exhausted", "panic"} {
			enqueue(t, db, hearth.JobKind("test."+k), k, start)
		}
		runDue(t, e)
		clk.Advance(2 * time.Second) // the first retry of exhausted and panic
		runDue(t, e)
		tests := []struct {
			key      string
			status   hearth.JobStatus
			attempts int
			result   string
		}{
			{"missed", hearth.JobMissed, 0, ""},
			{"cancelled", hearth.JobCancelled, 0, ""},
			{"permanent", hearth.JobFailed, 0, ""},
			{"exhausted", hearth.JobFailed, 1, ""},    // gave up on its second attempt
			{"panic", hearth.JobDone, 1, "recovered"}, // a panic is retried like a transient failure
		}
		for _, tt := range tests {
			t.Run(tt.key, func(t *testing.T) {
				j := job(t, db, tt.key)
				if j.Status != tt.status || j.Attempts != tt.attempts || j.Result != tt.result {
					t.Errorf("job = status %s attempts %d result %q, want %s %d %q", j.Status, j.Attempts, j.Result, tt.status, tt.attempts, tt.result)
				}
			})
		}
		if j := job(t, db, "permanent"); j.LastError == "" {
			t.Error("a failed job keeps no error")
		}
	})
}

func TestEngine_CancelledWhileHeld(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB, clk *clock) {
		// A job cancelled (a meeting called off) while its handler runs
		// stays cancelled: the handler's success does not overwrite it.
		e := scheduler.NewEngine(db, clk.Now, quietLog())
		e.Register("test.slow", func(ctx context.Context, j *hearth.Job) (string, error) {
			if _, err := db.CancelJobs(ctx, "meeting:1:"); err != nil {
				return "", err
			}
			return "sent", nil
		})
		enqueue(t, db, "test.slow", "meeting:1:reminder", start)
		runDue(t, e)
		if j := job(t, db, "meeting:1:reminder"); j.Status != hearth.JobCancelled {
			t.Errorf("job = %s, want cancelled", j.Status)
		}
	})
}

func TestEngine_SaveResult(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB, clk *clock) {
		// Partial progress survives a retry, so the retry resumes from it.
		e := scheduler.NewEngine(db, clk.Now, quietLog())
		var seen []string
		e.Register("test.twostep", func(ctx context.Context, j *hearth.Job) (string, error) {
			seen = append(seen, j.Result)
			if j.Result == "" {
				if err := e.SaveResult(ctx, j, "dm:42"); err != nil {
					return "", err
				}
				return "", retryable
			}
			return j.Result + ",msg:7", nil
		})
		enqueue(t, db, "test.twostep", "twostep", start)
		runDue(t, e)
		clk.Advance(2 * time.Second)
		runDue(t, e)
		if j := job(t, db, "twostep"); j.Status != hearth.JobDone || j.Result != "dm:42,msg:7" || len(seen) != 2 || seen[1] != "dm:42" {
			t.Errorf("job = %+v, handler saw results %q", j, seen)
		}
	})
}

func TestEngine_Run(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB, clk *clock) {
		e := scheduler.NewEngine(db, clk.Now, quietLog())
		e.Poll = time.Hour // only Wake and due times move it
		var ran atomic.Int32
		started, release := make(chan struct{}), make(chan struct{})
		e.Register("test.ok", func(context.Context, *hearth.Job) (string, error) {
			ran.Add(1)
			return "", nil
		})
		e.Register("test.blocked", func(context.Context, *hearth.Job) (string, error) {
			close(started)
			<-release
			ran.Add(1)
			return "", nil
		})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- e.Run(ctx) }()
		wctx, wcancel := context.WithTimeout(context.Background(), waitTimeout)
		defer wcancel()

		t.Run("WaitIdle", func(t *testing.T) {
			for _, k := range []string{"a", "b", "c"} {
				enqueue(t, db, "test.ok", k, clk.Now())
			}
			e.Wake()
			if err := e.WaitIdle(wctx); err != nil {
				t.Fatal(err)
			}
			if ran.Load() != 3 {
				t.Fatalf("WaitIdle returned after %d of 3 jobs", ran.Load())
			}
		})
		t.Run("DueLater", func(t *testing.T) {
			enqueue(t, db, "test.ok", "d", clk.Now().Add(time.Minute))
			if err := e.WaitIdle(wctx); err != nil || ran.Load() != 3 {
				t.Fatalf("a job due in a minute ran: %d %v", ran.Load(), err)
			}
			clk.Advance(time.Minute)
			if err := e.WaitIdle(wctx); err != nil || ran.Load() != 4 {
				t.Fatalf("after a minute ran %d: %v", ran.Load(), err)
			}
		})
		t.Run("ShutdownFinishesJobsInHand", func(t *testing.T) {
			enqueue(t, db, "test.blocked", "held", clk.Now())
			e.Wake()
			select {
			case <-started:
			case <-wctx.Done():
				t.Fatal("the job was never claimed")
			}
			cancel()
			close(release)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if j := job(t, db, "held"); j.Status != hearth.JobDone {
				t.Errorf("job in hand at shutdown = %s, want done", j.Status)
			}
		})
	})
}
