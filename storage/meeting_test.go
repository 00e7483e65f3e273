package storage_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func TestDB_CreateMeeting(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		start := testNow.Add(24 * time.Hour)
		t.Run("OK", func(t *testing.T) {
			m := newMeeting(t, db, g, start)
			got, err := db.Meeting(ctx, m.ID)
			noErr(t, err)
			if got.Status != hearth.MeetingScheduled || got.Rota != nil || !got.StartsAt.Equal(start) {
				t.Fatalf("stored = %+v", got)
			}
		})
		t.Run("ErrConflict", func(t *testing.T) {
			err := db.CreateMeeting(ctx, &hearth.Meeting{GroupID: g.ID, StartsAt: start, EndsAt: start.Add(time.Hour)})
			wantCode(t, err, hearth.ECONFLICT)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			err := db.CreateMeeting(ctx, &hearth.Meeting{GroupID: 999, StartsAt: start, EndsAt: start.Add(time.Hour)})
			wantCode(t, err, hearth.ENOTFOUND)
			_, err = db.Meeting(ctx, 999)
			wantCode(t, err, hearth.ENOTFOUND)
		})
	})
}

func TestDB_EnsureMeetings(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		week := 7 * 24 * time.Hour
		plan := func() []*hearth.Meeting {
			var ms []*hearth.Meeting
			for i := range 3 {
				s := testNow.Add(time.Duration(i) * week)
				ms = append(ms, &hearth.Meeting{GroupID: g.ID, StartsAt: s, EndsAt: s.Add(time.Hour)})
			}
			return ms
		}
		first := plan()
		n, err := db.EnsureMeetings(ctx, first...)
		noErr(t, err)
		if n != 3 {
			t.Fatalf("created %d", n)
		}
		// A skipped meeting stays cancelled when the plan runs again.
		_, err = db.UpdateMeeting(ctx, first[1].ID, func(m *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
			m.Status = hearth.MeetingCancelled
			return nil, &hearth.AuditEntry{GuildID: "guild", Action: "schedule.skip"}, nil
		})
		noErr(t, err)
		again := plan()
		n, err = db.EnsureMeetings(ctx, again...)
		noErr(t, err)
		if n != 0 || again[1].ID != first[1].ID {
			t.Fatalf("created %d again; ids %d vs %d", n, again[1].ID, first[1].ID)
		}
		up, err := db.UpcomingMeetings(ctx, g.ID, testNow, 0)
		noErr(t, err)
		if len(up) != 2 || up[0].ID != first[0].ID || up[1].ID != first[2].ID {
			t.Fatalf("upcoming = %+v", up)
		}
		if up, _ = db.UpcomingMeetings(ctx, g.ID, testNow, 1); len(up) != 1 {
			t.Fatalf("limit 1 gave %d", len(up))
		}
		all, err := db.MeetingsBetween(ctx, g.ID, testNow, testNow.Add(2*week))
		noErr(t, err)
		if len(all) != 2 || all[1].Status != hearth.MeetingCancelled {
			t.Fatalf("between = %+v", all)
		}
	})
}

func TestDB_UpdateMeeting(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		m := newMeeting(t, db, g, testNow.Add(time.Hour))
		t.Run("OK", func(t *testing.T) {
			rota := &hearth.Rota{Order: []string{"u2", "u1"}, Sharers: []string{"u2"}}
			got, err := db.UpdateMeeting(ctx, m.ID, func(m *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
				m.Rota, m.EventID, m.GroupID = rota, "event-1", 999
				return []*hearth.Job{{Kind: "meeting.start", Key: "meeting:1:start", DueAt: m.StartsAt}}, nil, nil
			})
			noErr(t, err)
			stored, err := db.Meeting(ctx, m.ID)
			noErr(t, err)
			if stored.GroupID != g.ID || stored.EventID != "event-1" || stored.Rota == nil ||
				!slices.Equal(stored.Rota.Order, rota.Order) || !slices.Equal(stored.Rota.Sharers, rota.Sharers) || got.GroupID != g.ID {
				t.Fatalf("stored = %+v", stored)
			}
			if _, err := db.Job(ctx, "meeting:1:start"); err != nil {
				t.Fatal("job not enqueued with the meeting")
			}
		})
		t.Run("ErrFn", func(t *testing.T) {
			_, err := db.UpdateMeeting(ctx, m.ID, func(m *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
				m.Status = hearth.MeetingDone
				return nil, nil, errTest
			})
			if err != errTest {
				t.Fatalf("error %v", err)
			}
			if s, _ := db.Meeting(ctx, m.ID); s.Status != hearth.MeetingScheduled {
				t.Fatal("not rolled back")
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := db.UpdateMeeting(ctx, 999, func(*hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) { return nil, nil, nil })
			wantCode(t, err, hearth.ENOTFOUND)
		})
	})
}
