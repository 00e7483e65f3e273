package storage_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func job(key string, prio int, due time.Time) *hearth.Job {
	return &hearth.Job{Kind: "test", Key: key, Priority: prio, DueAt: due, GuildID: "guild"}
}

func keys(jobs []*hearth.Job) []string {
	out := make([]string, len(jobs))
	for i, j := range jobs {
		out[i] = j.Key
	}
	return out
}

func TestDB_EnqueueJobs(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		t.Run("OK", func(t *testing.T) {
			j := job("a", 5, testNow)
			j.Status, j.LeaseOwner = hearth.JobDone, "someone" // ignored: a new job is pending
			noErr(t, db.EnqueueJobs(ctx, j))
			if j.ID == 0 || j.Status != hearth.JobPending || !j.CreatedAt.Equal(testNow) {
				t.Fatalf("enqueued job = %+v", j)
			}
			got, err := db.Job(ctx, "a")
			noErr(t, err)
			if got.ID != j.ID || got.Status != hearth.JobPending || got.LeaseOwner != "" || !got.DueAt.Equal(testNow) || got.GuildID != "guild" {
				t.Fatalf("stored job = %+v", got)
			}
		})
		t.Run("IdempotentByKey", func(t *testing.T) {
			first := job("b", 5, testNow)
			noErr(t, db.EnqueueJobs(ctx, first))
			again, other := job("b", 0, testNow.Add(time.Hour)), job("c", 5, testNow)
			noErr(t, db.EnqueueJobs(ctx, again, other))
			if again.ID != 0 || other.ID == 0 {
				t.Fatalf("ids after re-enqueue: again %d, other %d", again.ID, other.ID)
			}
			got, err := db.Job(ctx, "b")
			noErr(t, err)
			if got.ID != first.ID || got.Priority != 5 {
				t.Fatalf("re-enqueue changed the job: %+v", got)
			}
		})
		t.Run("ErrNoKey", func(t *testing.T) {
			if err := db.EnqueueJobs(ctx, job("", 0, testNow)); err == nil {
				t.Fatal("job without key enqueued")
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := db.Job(ctx, "nope")
			wantCode(t, err, hearth.ENOTFOUND)
		})
	})
}

func TestDB_ClaimJobs(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := testNow
		noErr(t, db.EnqueueJobs(ctx,
			job("reminder-early", hearth.PriorityReminder, now.Add(-2*time.Hour)),
			job("alert-late", hearth.PriorityAlert, now.Add(-time.Minute)),
			job("alert-early", hearth.PriorityAlert, now.Add(-time.Hour)),
			job("meeting", hearth.PriorityMeeting, now.Add(-3*time.Hour)),
			job("future-alert", hearth.PriorityAlert, now.Add(time.Minute)),
		))
		t.Run("OrderByPriorityThenDue", func(t *testing.T) {
			got, err := db.ClaimJobs(ctx, "w1", now, time.Minute, 3)
			noErr(t, err)
			want := []string{"alert-early", "alert-late", "meeting"}
			if !slices.Equal(keys(got), want) {
				t.Fatalf("claimed %v, want %v", keys(got), want)
			}
			for _, j := range got {
				if j.LeaseOwner != "w1" || !j.LeaseUntil.Equal(now.Add(time.Minute)) {
					t.Fatalf("lease of %s = %q until %v", j.Key, j.LeaseOwner, j.LeaseUntil)
				}
			}
		})
		t.Run("NotClaimedAgainUntilLeaseExpires", func(t *testing.T) {
			got, err := db.ClaimJobs(ctx, "w2", now.Add(30*time.Second), time.Minute, 10)
			noErr(t, err)
			if want := []string{"reminder-early"}; !slices.Equal(keys(got), want) {
				t.Fatalf("claimed %v, want %v", keys(got), want)
			}
			next, err := db.NextDue(ctx)
			noErr(t, err)
			if want := now.Add(time.Minute); !next.Equal(want) {
				t.Fatalf("NextDue = %v, want %v (end of the first leases)", next, want)
			}
			got, err = db.ClaimJobs(ctx, "w2", now.Add(time.Minute), time.Minute, 10)
			noErr(t, err)
			if want := []string{"alert-early", "alert-late", "future-alert", "meeting"}; !slices.Equal(keys(got), want) {
				t.Fatalf("after the lease expired claimed %v, want %v", keys(got), want)
			}
		})
		t.Run("LeaseOwner", func(t *testing.T) {
			j, err := db.Job(ctx, "alert-early") // now held by w2
			noErr(t, err)
			wantCode(t, db.FinishJob(ctx, j.ID, "w1", hearth.JobDone, "", ""), hearth.ECONFLICT)
			wantCode(t, db.RetryJob(ctx, j.ID, "w1", now, "x"), hearth.ECONFLICT)
			wantCode(t, db.SaveJobResult(ctx, j.ID, "w1", "msg"), hearth.ECONFLICT)
			wantCode(t, db.FinishJob(ctx, 99999, "w2", hearth.JobDone, "", ""), hearth.ENOTFOUND)

			noErr(t, db.SaveJobResult(ctx, j.ID, "w2", "channel:1"))
			noErr(t, db.FinishJob(ctx, j.ID, "w2", hearth.JobDone, "", ""))
			got, err := db.Job(ctx, "alert-early")
			noErr(t, err)
			if got.Status != hearth.JobDone || got.Result != "channel:1" || !got.LeaseUntil.IsZero() {
				t.Fatalf("finished job = %+v", got)
			}
			wantCode(t, db.FinishJob(ctx, j.ID, "w2", hearth.JobDone, "", ""), hearth.ECONFLICT)
			if err := db.FinishJob(ctx, j.ID, "w2", hearth.JobPending, "", ""); err == nil {
				t.Fatal("pending accepted as a final status")
			}
		})
		t.Run("Retry", func(t *testing.T) {
			j, err := db.Job(ctx, "alert-late")
			noErr(t, err)
			due := now.Add(time.Hour)
			noErr(t, db.RetryJob(ctx, j.ID, "w2", due, "rate limited"))
			got, err := db.Job(ctx, "alert-late")
			noErr(t, err)
			if got.Attempts != 1 || !got.DueAt.Equal(due) || got.LeaseOwner != "" || !got.LeaseUntil.IsZero() ||
				got.Status != hearth.JobPending || got.LastError != "rate limited" {
				t.Fatalf("retried job = %+v", got)
			}
			claimed, err := db.ClaimJobs(ctx, "w3", due.Add(-time.Second), time.Minute, 10)
			noErr(t, err)
			if slices.Contains(keys(claimed), "alert-late") {
				t.Fatal("retried job claimed before its new due time")
			}
		})
		t.Run("ErrArgs", func(t *testing.T) {
			if _, err := db.ClaimJobs(ctx, "", now, time.Minute, 1); err == nil {
				t.Fatal("claim without owner accepted")
			}
			got, err := db.ClaimJobs(ctx, "w", now, time.Minute, 0)
			if err != nil || len(got) != 0 {
				t.Fatalf("limit 0 claimed %d, %v", len(got), err)
			}
		})
	})
}

func TestDB_CancelJobs(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		noErr(t, db.EnqueueJobs(ctx,
			job("meeting:1:remind:60", 10, testNow), job("meeting:1:start", 5, testNow),
			job("meeting:10:start", 5, testNow), job("meeting_1:start", 5, testNow),
			job("meetingX1:start", 5, testNow),
		))
		t.Run("OK", func(t *testing.T) {
			n, err := db.CancelJobs(ctx, "meeting:1:")
			noErr(t, err)
			if n != 2 {
				t.Fatalf("cancelled %d, want 2", n)
			}
			j, err := db.Job(ctx, "meeting:10:start")
			noErr(t, err)
			if j.Status != hearth.JobPending {
				t.Fatal("a job of another meeting was cancelled")
			}
		})
		t.Run("Wildcards", func(t *testing.T) {
			n, err := db.CancelJobs(ctx, "meeting_1")
			noErr(t, err)
			if n != 1 {
				t.Fatalf("cancelled %d, want only the literal meeting_1 job", n)
			}
			if j, _ := db.Job(ctx, "meetingX1:start"); j.Status != hearth.JobPending {
				t.Fatal("_ matched as a wildcard")
			}
			if n, _ = db.CancelJobs(ctx, "%"); n != 0 {
				t.Fatalf("%% matched %d jobs", n)
			}
		})
		t.Run("ErrEmptyPrefix", func(t *testing.T) {
			if _, err := db.CancelJobs(ctx, ""); err == nil {
				t.Fatal("empty prefix accepted")
			}
		})
		t.Run("HolderLosesLease", func(t *testing.T) {
			claimed, err := db.ClaimJobs(ctx, "w", testNow, time.Minute, 10)
			noErr(t, err)
			if len(claimed) == 0 {
				t.Fatal("nothing to claim")
			}
			_, err = db.CancelJobs(ctx, claimed[0].Key)
			noErr(t, err)
			wantCode(t, db.FinishJob(ctx, claimed[0].ID, "w", hearth.JobDone, "", ""), hearth.ECONFLICT)
		})
	})
}

func TestDB_NextDue(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		next, err := db.NextDue(ctx)
		noErr(t, err)
		if !next.IsZero() {
			t.Fatalf("NextDue of an empty queue = %v", next)
		}
		noErr(t, db.EnqueueJobs(ctx, job("later", 0, testNow.Add(2*time.Hour)), job("sooner", 10, testNow.Add(time.Hour))))
		next, err = db.NextDue(ctx)
		noErr(t, err)
		if !next.Equal(testNow.Add(time.Hour)) {
			t.Fatalf("NextDue = %v", next)
		}
	})
}

func TestDB_PurgeJobs(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		noErr(t, db.EnqueueJobs(ctx, job("done", 0, testNow), job("pending", 0, testNow)))
		claimed, err := db.ClaimJobs(ctx, "w", testNow, time.Minute, 1)
		noErr(t, err)
		noErr(t, db.FinishJob(ctx, claimed[0].ID, "w", hearth.JobDone, "", ""))
		n, err := db.PurgeJobs(ctx, testNow) // finished at testNow: not older
		noErr(t, err)
		if n != 0 {
			t.Fatalf("purged %d", n)
		}
		n, err = db.PurgeJobs(ctx, testNow.Add(time.Second))
		noErr(t, err)
		if n != 1 {
			t.Fatalf("purged %d, want 1", n)
		}
		if _, err := db.Job(ctx, "pending"); err != nil {
			t.Fatal("pending job purged")
		}
	})
}

// TestDB_ClaimJobs_Concurrent has four workers, each with its own *DB as if
// in its own process, drain 500 jobs: each is claimed exactly once.
func TestDB_ClaimJobs_Concurrent(t *testing.T) {
	forEachDSN(t, func(t *testing.T, driver, dsn string) {
		ctx := context.Background()
		setup := openMigrated(t, driver, dsn, testOptions(t))
		const total = 500
		jobs := make([]*hearth.Job, total)
		for i := range jobs {
			jobs[i] = job(fmt.Sprintf("job:%d", i), i%3, testNow.Add(-time.Duration(i)*time.Second))
		}
		noErr(t, setup.EnqueueJobs(ctx, jobs...))

		var (
			mu     sync.Mutex
			counts = map[int64]int{}
			wg     sync.WaitGroup
			errs   = make(chan error, 4)
		)
		for w := range 4 {
			db := openDB(t, driver, dsn, testOptions(t))
			owner := fmt.Sprintf("worker-%d", w)
			wg.Go(func() {
				for {
					got, err := db.ClaimJobs(ctx, owner, testNow, time.Hour, 7)
					if err != nil {
						errs <- err
						return
					}
					if len(got) == 0 {
						return
					}
					for _, j := range got {
						mu.Lock()
						counts[j.ID]++
						mu.Unlock()
						if err := db.FinishJob(ctx, j.ID, owner, hearth.JobDone, "", ""); err != nil {
							errs <- err
							return
						}
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(counts) != total {
			t.Fatalf("claimed %d distinct jobs, want %d", len(counts), total)
		}
		for id, n := range counts {
			if n != 1 {
				t.Fatalf("job %d claimed %d times", id, n)
			}
		}
	})
}

// TestDB_ClaimJobs_SkipLocked checks the claim query each database gets:
// PostgreSQL skips rows other claimers hold; SQLite, which has no row locks,
// relies on its immediate transaction instead.
func TestDB_ClaimJobs_SkipLocked(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		sql := db.ClaimSQL()
		want := db.Driver() == storage.DriverPostgres
		if got := strings.Contains(sql, "FOR UPDATE SKIP LOCKED"); got != want {
			t.Fatalf("%s claim query %q: FOR UPDATE SKIP LOCKED present = %v, want %v", db.Driver(), sql, got, want)
		}
	})
}

// TestNextDue_UsesHeldLeaseIndex: the earliest lease of a held job is read
// from jobs_held_lease, not by scanning every pending job.
func TestNextDue_UsesHeldLeaseIndex(t *testing.T) {
	db := openTestDB(t)
	plan, err := db.QueryPlan(context.Background(),
		"SELECT lease_until FROM jobs INDEXED BY jobs_held_lease WHERE status = 'pending' AND lease_until IS NOT NULL ORDER BY lease_until LIMIT 1")
	noErr(t, err) // INDEXED BY fails when the index cannot serve the query
	if !strings.Contains(plan, "jobs_held_lease") || strings.Contains(plan, "TEMP B-TREE") {
		t.Fatalf("query plan does not use jobs_held_lease:\n%s", plan)
	}
}
