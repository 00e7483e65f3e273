package storage_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func TestDB_PlanMeetings(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		week := 7 * 24 * time.Hour
		plan := func() []*hearth.Meeting {
			var ms []*hearth.Meeting
			for i := range 3 {
				s := testNow.Add(time.Duration(i+1) * week)
				ms = append(ms, &hearth.Meeting{GroupID: g.ID, StartsAt: s, EndsAt: s.Add(g.Length())})
			}
			return ms
		}
		jobs := func(m *hearth.Meeting) []*hearth.Job { return hearth.MeetingJobs(m, g, testNow) }
		t.Run("OK", func(t *testing.T) {
			ms := plan()
			created, err := db.PlanMeetings(ctx, ms, jobs)
			noErr(t, err)
			if len(created) != 3 || created[0].ID == 0 || created[0].Status != hearth.MeetingScheduled {
				t.Fatalf("created %+v", created)
			}
			pending, err := db.PendingMeetingJobs(ctx, g.ID)
			noErr(t, err)
			if len(pending) != 3*4 { // two reminders, start, end
				t.Fatalf("%d pending jobs, want 12", len(pending))
			}
			j, err := db.Job(ctx, hearth.MeetingKey(ms[0].ID, "reminder", "1d"))
			noErr(t, err)
			if j.MeetingID != ms[0].ID || !j.DueAt.Equal(ms[0].StartsAt.Add(-24*time.Hour)) || j.Priority != hearth.PriorityReminder {
				t.Fatalf("reminder job = %+v", j)
			}
		})
		t.Run("AgainCreatesNothing", func(t *testing.T) {
			ms := plan()
			_, err := db.UpdateMeeting(ctx, 2, func(m *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
				m.Status = hearth.MeetingCancelled
				return nil, nil, nil
			})
			noErr(t, err)
			created, err := db.PlanMeetings(ctx, ms, jobs)
			noErr(t, err)
			if len(created) != 0 || ms[1].ID != 2 {
				t.Fatalf("created %d again; ids %d", len(created), ms[1].ID)
			}
			m, err := db.Meeting(ctx, 2)
			noErr(t, err)
			if m.Status != hearth.MeetingCancelled {
				t.Fatalf("a skipped meeting came back: %s", m.Status)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			s := testNow.Add(time.Hour)
			_, err := db.PlanMeetings(ctx, []*hearth.Meeting{{GroupID: 999, StartsAt: s, EndsAt: s.Add(time.Hour)}}, nil)
			wantCode(t, err, hearth.ENOTFOUND)
		})
	})
}

// TestDB_PlanMeetings_ManyJobs plans enough jobs for every statement size
// of the batched insert (5 × 255 = 9 × 128 + 64 + 32 + 16 + 8 + 2 + 1), on
// each engine and on an in-memory SQLite database, whose one connection
// the transaction holds while the jobs are inserted.
func TestDB_PlanMeetings_ManyJobs(t *testing.T) {
	ctx := context.Background()
	run := func(t *testing.T, db *storage.DB) {
		g := newGroup(t, db, "guild", "Many")
		var ms []*hearth.Meeting
		for i := range 255 {
			s := testNow.Add(time.Duration(i+2) * 24 * time.Hour)
			ms = append(ms, &hearth.Meeting{GroupID: g.ID, StartsAt: s, EndsAt: s.Add(g.Length())})
		}
		jobs := func(m *hearth.Meeting) []*hearth.Job {
			js := append(hearth.MeetingJobs(m, g, testNow), &hearth.Job{Kind: hearth.JobMeetingNotice, Key: hearth.MeetingKey(m.ID, "notice"), DueAt: testNow, GuildID: "guild", GroupID: g.ID, MeetingID: m.ID})
			// A key that exists is skipped, in the same statement or not.
			return append(js, &hearth.Job{Kind: hearth.JobMeetingEvent, Key: "shared", DueAt: testNow, GroupID: g.ID, MeetingID: m.ID})
		}
		created, err := db.PlanMeetings(ctx, ms, jobs)
		noErr(t, err)
		if len(created) != 255 {
			t.Fatalf("created %d meetings, want 255", len(created))
		}
		n, err := db.Count(ctx, "jobs", "group_id = ?", g.ID)
		noErr(t, err)
		if n != 5*255+1 {
			t.Fatalf("%d jobs, want %d", n, 5*255+1)
		}
		last := ms[len(ms)-1]
		j, err := db.Job(ctx, hearth.MeetingKey(last.ID, "end"))
		noErr(t, err)
		want := hearth.Job{
			ID: j.ID, Kind: hearth.JobMeetingEnd, Key: hearth.MeetingKey(last.ID, "end"), Priority: hearth.PriorityMeeting,
			DueAt: last.EndsAt, Status: hearth.JobPending, GuildID: "guild", GroupID: g.ID, MeetingID: last.ID,
			Arg: hearth.EndArg(last), CreatedAt: testNow, UpdatedAt: testNow,
		}
		if !reflect.DeepEqual(*j, want) {
			t.Fatalf("job = %+v\nwant  %+v", *j, want)
		}
		shared, err := db.Job(ctx, "shared")
		noErr(t, err)
		if shared.MeetingID != ms[0].ID {
			t.Fatalf("shared key stored for meeting %d, want the first, %d", shared.MeetingID, ms[0].ID)
		}
	}
	forEachDB(t, run)
	t.Run("memory", func(t *testing.T) {
		run(t, openMigrated(t, storage.DriverSQLite, ":memory:", testOptions(t)))
	})
}

func TestDB_DoneMeetingsOfPlan(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		for i, st := range []hearth.MeetingStatus{hearth.MeetingDone, hearth.MeetingCancelled, hearth.MeetingDone, hearth.MeetingScheduled} {
			m := newMeeting(t, db, g, testNow.Add(time.Duration(i)*24*time.Hour))
			_, err := db.UpdateMeeting(ctx, m.ID, func(m *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
				m.Status = st
				return nil, nil, nil
			})
			noErr(t, err)
		}
		for _, tc := range []struct {
			before time.Duration
			want   int
		}{{0, 0}, {time.Hour, 1}, {48 * time.Hour, 1}, {49 * time.Hour, 2}, {1000 * time.Hour, 2}} {
			n, err := db.DoneMeetings(ctx, g.ID, testNow.Add(tc.before))
			noErr(t, err)
			if n != tc.want {
				t.Errorf("DoneMeetings(+%s) = %d, want %d", tc.before, n, tc.want)
			}
		}
	})
}

func TestDB_MeetingPlans(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a := newGroup(t, db, "guild", "A")
		b := newGroup(t, db, "guild", "B")
		_, err := db.UpdateGroup(ctx, b.ID, func(g *hearth.Group) error { g.Schedule = "every monday at 19:00"; return nil }, hearth.AuditEntry{})
		noErr(t, err)
		gs, err := db.ScheduledGroups(ctx)
		noErr(t, err)
		if len(gs) != 1 || gs[0].ID != b.ID {
			t.Fatalf("scheduled groups = %v", gs)
		}
		noErr(t, db.SaveMeetingPlans(ctx, &hearth.MeetingPlan{GroupID: a.ID, Key: "k1", Until: testNow}))
		noErr(t, db.SaveMeetingPlans(ctx, &hearth.MeetingPlan{GroupID: a.ID, Key: "k2", Until: testNow.Add(time.Hour)},
			&hearth.MeetingPlan{GroupID: b.ID, Key: "k3", Until: testNow}))
		ps, err := db.MeetingPlans(ctx)
		noErr(t, err)
		if len(ps) != 2 || ps[a.ID].Key != "k2" || !ps[a.ID].Until.Equal(testNow.Add(time.Hour)) {
			t.Fatalf("plans = %+v", ps)
		}
		wantCode(t, db.SaveMeetingPlans(ctx, &hearth.MeetingPlan{GroupID: 999, Until: testNow}), hearth.ENOTFOUND)
	})
}
