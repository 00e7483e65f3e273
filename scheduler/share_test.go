package scheduler_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/scheduler"
	"github.com/hearthbot/hearth/storage"
)

// TestEngine_SharedQueue runs three engines, each with its own connection
// pool as if in its own process, over one database holding 10,000 due jobs
// (PostgreSQL, where several processes share the queue; 1,000 on SQLite,
// whose single writer makes 10,000 slow under -race): every job runs
// exactly once, and every engine does a fair part of the work.
func TestEngine_SharedQueue(t *testing.T) {
	const engines = 3
	forEachDSN(t, func(t *testing.T, driver, dsn string) {
		total := 10_000
		if driver == storage.DriverSQLite {
			total = 1_000
		}
		clk := &clock{now: start}
		setup := openDB(t, driver, dsn, clk.Now)
		jobs := make([]*hearth.Job, total)
		for i := range jobs {
			jobs[i] = &hearth.Job{Kind: "test.share", Key: fmt.Sprintf("share:%d", i), Priority: i % 3, DueAt: start.Add(-time.Duration(i) * time.Millisecond)}
		}
		began := time.Now()
		if err := setup.EnqueueJobs(context.Background(), jobs...); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: enqueued %d jobs in %s", driver, total, time.Since(began).Round(time.Millisecond))

		var (
			mu      sync.Mutex
			runs    = map[string]int{} // job key → runs
			byOwner = map[string]int{} // engine → jobs run
			all     = make(chan struct{})
		)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var wg sync.WaitGroup
		began = time.Now()
		for i := range engines {
			e := scheduler.NewEngine(openDB(t, driver, dsn, clk.Now), clk.Now, quietLog())
			e.Owner = fmt.Sprintf("engine-%d", i)
			e.Register("test.share", func(_ context.Context, j *hearth.Job) (string, error) {
				mu.Lock()
				defer mu.Unlock()
				runs[j.Key]++
				byOwner[j.LeaseOwner]++
				if len(runs) == total {
					close(all)
				}
				return "", nil
			})
			wg.Go(func() {
				if err := e.Run(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		select {
		case <-all:
		case <-time.After(2 * time.Minute):
			mu.Lock()
			t.Errorf("ran %d of %d jobs", len(runs), total)
			mu.Unlock()
		}
		cancel()
		wg.Wait() // every engine records the outcome of the jobs in its hands
		t.Logf("%s: %d engines ran %d jobs in %s: %v", driver, engines, total, time.Since(began).Round(time.Millisecond), byOwner)

		for key, n := range runs {
			if n != 1 {
				t.Errorf("job %s ran %d times", key, n)
			}
		}
		// A fair share is a third; on PostgreSQL (SKIP LOCKED) a quarter of
		// that shows the engines work side by side. SQLite serialises
		// writers through one lock, so there one engine may win it every
		// time: on SQLite only exactly-once is asserted.
		if driver == storage.DriverPostgres {
			least := total / engines / 4
			for i := range engines {
				if n := byOwner[fmt.Sprintf("engine-%d", i)]; n < least {
					t.Errorf("engine-%d ran %d jobs, want at least %d: %v", i, n, least, byOwner)
				}
			}
		}
		q, err := setup.QueueStats(context.Background(), clk.Now(), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if q.Due != 0 || q.Failed != 0 {
			t.Errorf("after the run: %d jobs still due, %d failed", q.Due, q.Failed)
		}
	})
}
