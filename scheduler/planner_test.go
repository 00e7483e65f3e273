package scheduler_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/scheduler"
	"github.com/hearthbot/hearth/storage"
)

// openSQLite returns a fresh migrated SQLite database in a temp dir.
func openSQLite(tb testing.TB, now func() time.Time) *storage.DB {
	tb.Helper()
	keys, err := storage.NewKeyring(make([]byte, storage.KeySize))
	if err != nil {
		tb.Fatal(err)
	}
	db, err := storage.Open(context.Background(), storage.DriverSQLite, filepath.Join(tb.TempDir(), "hearth.db"), storage.Options{Now: now, Keys: keys})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}

func newGroup(tb testing.TB, db *storage.DB, name, schedule string, setAt time.Time) *hearth.Group {
	tb.Helper()
	g := &hearth.Group{
		GuildID: "1", Name: name, ChannelID: "2", FacilitatorID: "3", ObserverID: "4",
		Timezone: "Europe/Madrid", Schedule: schedule, ScheduleSetAt: setAt, LengthMinutes: 90, Sharers: 2,
		ReminderOffsets: []time.Duration{24 * time.Hour, time.Hour},
	}
	if err := db.CreateGroup(context.Background(), g, hearth.AuditEntry{}); err != nil {
		tb.Fatal(err)
	}
	return g
}

func newPlanner(db *storage.DB, clk *clock) *scheduler.Planner {
	return scheduler.NewPlanner(db, clk.Now, 14*24*time.Hour, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// pending returns the pending meeting jobs of a group by key.
func pending(t *testing.T, db *storage.DB, groupID int64) map[string]*hearth.Job {
	t.Helper()
	js, err := db.PendingMeetingJobs(context.Background(), groupID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*hearth.Job{}
	for _, j := range js {
		out[j.Key] = j
	}
	return out
}

func starts(t *testing.T, db *storage.DB, g *hearth.Group, from time.Time) []time.Time {
	t.Helper()
	ms, err := db.UpcomingMeetings(context.Background(), g.ID, from, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []time.Time
	for _, m := range ms {
		out = append(out, m.StartsAt)
	}
	return out
}

func TestPlanner_PlanAll(t *testing.T) {
	ctx := context.Background()
	t.Run("AcrossDST", func(t *testing.T) {
		// Madrid springs forward on Sunday 29 March 2026: 19:00 local is
		// 18:00 UTC before and 17:00 UTC after.
		clk := &clock{now: time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)}
		db := openSQLite(t, clk.Now)
		g := newGroup(t, db, "Sunday", "every sunday at 19:00", clk.Now())
		p := newPlanner(db, clk)
		st, err := p.PlanAll(ctx)
		if err != nil || st.Created != 2 {
			t.Fatalf("PlanAll = %+v, %v", st, err)
		}
		got := starts(t, db, g, clk.Now())
		want := []time.Time{time.Date(2026, 3, 22, 18, 0, 0, 0, time.UTC), time.Date(2026, 3, 29, 17, 0, 0, 0, time.UTC)}
		if len(got) != 2 || !got[0].Equal(want[0]) || !got[1].Equal(want[1]) {
			t.Fatalf("meetings at %v, want %v", got, want)
		}
		// A reminder is a duration before the meeting: 24 real hours
		// before, across the change.
		j := pending(t, db, g.ID)[hearth.MeetingKey(2, "reminder", "1d")]
		if j == nil || !j.DueAt.Equal(want[1].Add(-24*time.Hour)) {
			t.Fatalf("day reminder of the DST week = %+v", j)
		}
	})
	t.Run("ExtendsAndIsIdempotent", func(t *testing.T) {
		clk := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
		db := openSQLite(t, clk.Now)
		g := newGroup(t, db, "Tuesday", "every tuesday at 19:00", clk.Now())
		p := newPlanner(db, clk)
		if st, _ := p.PlanAll(ctx); st.Created != 2 {
			t.Fatalf("first pass created %d", st.Created)
		}
		if st, _ := p.PlanAll(ctx); st.Created != 0 {
			t.Fatalf("second pass created %d", st.Created)
		}
		// A host asleep for nine days catches up on its next pass.
		clk.Set(clk.Now().Add(9 * 24 * time.Hour))
		if st, _ := p.PlanAll(ctx); st.Created != 2 { // 17 and 24 March
			t.Fatalf("pass after sleep created %d, want 2", st.Created)
		}
		// A new planner (a restart) finds the plan and adds nothing.
		if st, _ := newPlanner(db, clk).PlanAll(ctx); st.Created != 0 {
			t.Fatalf("restart created %d", st.Created)
		}
		if n := len(starts(t, db, g, time.Time{})); n != 4 {
			t.Fatalf("%d meetings stored, want 4", n)
		}
	})
}

func TestPlanner_Replan(t *testing.T) {
	ctx := context.Background()
	setup := func(t *testing.T) (*storage.DB, *hearth.Group, *scheduler.Planner, *clock) {
		clk := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
		db := openSQLite(t, clk.Now)
		g := newGroup(t, db, "Tuesday", "every tuesday at 19:00", clk.Now())
		p := newPlanner(db, clk)
		if _, err := p.PlanAll(ctx); err != nil {
			t.Fatal(err)
		}
		return db, g, p, clk
	}
	update := func(t *testing.T, db *storage.DB, g *hearth.Group, fn func(*hearth.Group)) {
		if _, err := db.UpdateGroup(ctx, g.ID, func(g *hearth.Group) error { fn(g); return nil }, hearth.AuditEntry{}); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("Offsets", func(t *testing.T) {
		db, g, p, _ := setup(t)
		update(t, db, g, func(g *hearth.Group) { g.ReminderOffsets = []time.Duration{2 * time.Hour, time.Hour} })
		if err := p.Replan(ctx, g.ID); err != nil {
			t.Fatal(err)
		}
		jobs := pending(t, db, g.ID)
		if jobs[hearth.MeetingKey(1, "reminder", "1d")] != nil {
			t.Error("the 1d reminder is still pending")
		}
		if jobs[hearth.MeetingKey(1, "reminder", "1h")] == nil || jobs[hearth.MeetingKey(1, "reminder", "2h")] == nil {
			t.Errorf("pending after the change: %v", keys(jobs))
		}
		// Back to 1d: the used key gets a new generation.
		update(t, db, g, func(g *hearth.Group) { g.ReminderOffsets = []time.Duration{24 * time.Hour, time.Hour} })
		if err := p.Replan(ctx, g.ID); err != nil {
			t.Fatal(err)
		}
		if jobs := pending(t, db, g.ID); jobs[hearth.MeetingKey(1, "reminder", "1d")+"~2"] == nil {
			t.Errorf("1d reminder not planned again: %v", keys(jobs))
		}
	})
	t.Run("Schedule", func(t *testing.T) {
		db, g, p, clk := setup(t)
		update(t, db, g, func(g *hearth.Group) { g.Schedule = "every wednesday at 19:00"; g.ScheduleSetAt = clk.Now() })
		if err := p.Replan(ctx, g.ID); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{1, 2} {
			m, _ := db.Meeting(ctx, id)
			if m.Status != hearth.MeetingCancelled {
				t.Errorf("Tuesday meeting %d is %s", id, m.Status)
			}
		}
		jobs := pending(t, db, g.ID)
		for k, j := range jobs {
			if j.MeetingID <= 2 && j.MeetingID != 0 {
				t.Errorf("job %s of a cancelled meeting is pending", k)
			}
		}
		if got := starts(t, db, g, clk.Now()); len(got) != 2 || got[0].Weekday() != time.Wednesday {
			t.Errorf("meetings after the change: %v", got)
		}
	})
	t.Run("Length", func(t *testing.T) {
		db, g, p, _ := setup(t)
		update(t, db, g, func(g *hearth.Group) { g.LengthMinutes = 60 })
		if err := p.Replan(ctx, g.ID); err != nil {
			t.Fatal(err)
		}
		m, _ := db.Meeting(ctx, 1)
		jobs := pending(t, db, g.ID)
		end := jobs[hearth.MeetingKey(1, "end")+"~2"]
		if !m.EndsAt.Equal(m.StartsAt.Add(time.Hour)) || end == nil || !end.DueAt.Equal(m.EndsAt) || jobs[hearth.MeetingKey(1, "end")] != nil {
			t.Errorf("meeting ends %s; end jobs %v", m.EndsAt, keys(jobs))
		}
	})
	t.Run("ChangedElsewhere", func(t *testing.T) {
		// Another process changed the group: the next pass re-plans it.
		db, g, p, _ := setup(t)
		update(t, db, g, func(g *hearth.Group) { g.ReminderOffsets = []time.Duration{3 * time.Hour} })
		st, err := p.PlanAll(ctx)
		if err != nil || st.Replanned != 1 {
			t.Fatalf("PlanAll = %+v, %v", st, err)
		}
		if jobs := pending(t, db, g.ID); jobs[hearth.MeetingKey(1, "reminder", "3h")] == nil {
			t.Errorf("pending: %v", keys(jobs))
		}
	})
}

func keys(m map[string]*hearth.Job) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestPlanner_Briefs(t *testing.T) {
	ctx := context.Background()
	forEachDB(t, func(t *testing.T, db *storage.DB, clk *clock) {
		// Monday 9:00; the group meets on Tuesday at 19:00 in Madrid
		// (18:00 UTC), planned by a version without the brief.
		clk.Set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
		first := time.Date(2026, 3, 3, 18, 0, 0, 0, time.UTC)
		g := newGroup(t, db, "Tuesday", "every tuesday at 19:00", clk.Now())
		old := newPlanner(db, clk)
		if st, err := old.PlanAll(ctx); err != nil || st.Created != 2 || st.Briefs != 0 {
			t.Fatalf("plan without briefs = %+v, %v", st, err)
		}
		briefs := func() []string {
			var keys []string
			for _, role := range []string{hearth.RoleFacilitator, hearth.RoleObserver} {
				key := hearth.MeetingKey(1, "brief", role)
				if _, err := db.Job(ctx, key); err == nil {
					keys = append(keys, key)
				} else if hearth.ErrorCode(err) != hearth.ENOTFOUND {
					t.Fatal(err)
				}
			}
			return keys
		}
		if keys := briefs(); len(keys) != 0 {
			t.Fatalf("brief jobs %v planned with brief_before 0", keys)
		}

		p := newPlanner(db, clk) // restarted with meetings.brief_before = 1h
		p.BriefBefore = time.Hour
		if st, err := p.PlanAll(ctx); err != nil || st.Briefs != 0 {
			t.Fatalf("pass a day ahead = %+v, %v; want no brief yet", st, err)
		}
		clk.Set(first.Add(-time.Hour - 10*time.Minute))
		st, err := p.PlanAll(ctx)
		if err != nil || st.Briefs != 2 {
			t.Fatalf("pass before the brief is due = %+v, %v; want 2 briefs", st, err)
		}
		for _, key := range briefs() {
			if j := job(t, db, key); !j.DueAt.Equal(first.Add(-time.Hour)) || j.Status != hearth.JobPending || j.MeetingID != 1 {
				t.Errorf("brief job %s = %+v", key, j)
			}
		}
		if n := len(briefs()); n != 2 {
			t.Fatalf("%d brief jobs, want 2", n)
		}
		t.Run("OnceAcrossPassesAndRestarts", func(t *testing.T) {
			if st, _ := p.PlanAll(ctx); st.Briefs != 0 {
				t.Errorf("second pass added %d briefs", st.Briefs)
			}
			// The brief was sent; a restarted planner does not plan it again.
			clk.Set(first.Add(-time.Hour))
			js, err := db.ClaimJobs(ctx, "test", clk.Now(), time.Minute, 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range js {
				if j.Kind == hearth.JobMeetingBrief {
					if err := db.FinishJob(ctx, j.ID, "test", hearth.JobDone, "m1", ""); err != nil {
						t.Fatal(err)
					}
				}
			}
			clk.Set(first.Add(-time.Hour - 5*time.Minute))
			q := newPlanner(db, clk)
			q.BriefBefore = time.Hour
			if st, _ := q.PlanAll(ctx); st.Briefs != 0 {
				t.Errorf("restarted planner added %d briefs to a meeting briefed already", st.Briefs)
			}
			for _, key := range briefs() {
				if j := job(t, db, key); j.Status != hearth.JobDone {
					t.Errorf("brief %s is %s after a restart, want done", key, j.Status)
				}
			}
		})
		t.Run("Replan", func(t *testing.T) {
			// The next week's meeting, a week ahead, is kept by a
			// re-plan, which adds its missing briefs at once.
			clk.Set(first.Add(time.Hour))
			if err := p.Replan(ctx, g.ID); err != nil {
				t.Fatal(err)
			}
			for _, role := range []string{hearth.RoleFacilitator, hearth.RoleObserver} {
				j := job(t, db, hearth.MeetingKey(2, "brief", role))
				if !j.DueAt.Equal(first.Add(7*24*time.Hour - time.Hour)) {
					t.Errorf("brief of the kept meeting due %v", j.DueAt)
				}
			}
			if err := p.Replan(ctx, g.ID); err != nil {
				t.Fatal(err)
			}
			if n := len(pending(t, db, g.ID)); n == 0 {
				t.Fatal("no pending jobs after a re-plan")
			}
		})
	})
}
