package scheduler_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

// benchSchedules are the schedules the benchmark groups cycle through.
var benchSchedules = []string{
	"every tuesday at 19:00", "every mon,thu at 18:30", "every other wednesday at 19:00",
	"first monday of the month at 19:00", "0 19 * * 5", "every day at 09:00",
}

// benchGroups stores n groups with schedules in several zones.
func benchGroups(b *testing.B, db *storage.DB, n int, setAt time.Time) {
	b.Helper()
	zones := []string{"Europe/Madrid", "America/New_York", "Australia/Sydney", "America/Santiago", "UTC"}
	for i := range n {
		g := &hearth.Group{
			GuildID: fmt.Sprint(1 + i/50), Name: fmt.Sprintf("group %d", i), ChannelID: "2", FacilitatorID: "3", ObserverID: "4",
			Timezone: zones[i%len(zones)], Schedule: benchSchedules[i%len(benchSchedules)], ScheduleSetAt: setAt,
			LengthMinutes: 90, Sharers: 2, ReminderOffsets: []time.Duration{24 * time.Hour, time.Hour},
		}
		if err := db.CreateGroup(context.Background(), g, hearth.AuditEntry{}); err != nil {
			b.Fatal(err)
		}
	}
}

// peakHeap samples HeapInuse until stop is called and returns the peak.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

// BenchmarkPlanner_PlanAll10k plans 10,000 groups: "first" stores two weeks
// of meetings and jobs for all of them on an empty plan (a new deployment,
// or every group's settings changed); "steady" is the minutely pass with
// nothing new to plan. It reports the peak HeapInuse during the pass.
//
//	go test ./scheduler -run '^$' -bench PlanAll10k -benchtime 1x -benchmem
func BenchmarkPlanner_PlanAll10k(b *testing.B) {
	const groups = 10000
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	b.Run("first", func(b *testing.B) {
		var meetings int
		var peak uint64
		for b.Loop() {
			b.StopTimer()
			clk := &clock{now: now}
			db := openSQLite(b, clk.Now)
			benchGroups(b, db, groups, now)
			p := newPlanner(db, clk)
			runtime.GC()
			stop := peakHeap()
			b.StartTimer()
			st, err := p.PlanAll(context.Background())
			b.StopTimer()
			peak = max(peak, stop())
			if err != nil || st.Failed > 0 {
				b.Fatalf("PlanAll = %+v, %v", st, err)
			}
			meetings = st.Created
			b.StartTimer()
		}
		b.ReportMetric(float64(meetings), "meetings")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	})
	b.Run("steady", func(b *testing.B) {
		clk := &clock{now: now}
		db := openSQLite(b, clk.Now)
		benchGroups(b, db, groups, now)
		p := newPlanner(db, clk)
		if _, err := p.PlanAll(context.Background()); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		stop := peakHeap()
		b.ResetTimer()
		for b.Loop() {
			clk.Set(clk.Now().Add(time.Minute))
			if st, err := p.PlanAll(context.Background()); err != nil || st.Failed > 0 {
				b.Fatalf("PlanAll = %+v, %v", st, err)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(stop())/(1<<20), "peak-heap-MiB")
	}) // The delivery engine's idle poll after the first pass: ~200,000 pending
	// jobs, 8 of them held by workers.
	b.Run("next-due", func(b *testing.B) {
		clk := &clock{now: now}
		db := openSQLite(b, clk.Now)
		benchGroups(b, db, groups, now)
		if _, err := newPlanner(db, clk).PlanAll(context.Background()); err != nil {
			b.Fatal(err)
		}
		if _, err := db.ClaimJobs(context.Background(), "worker", now, time.Minute, 8); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for b.Loop() {
			if _, err := db.NextDue(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
