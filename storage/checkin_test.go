package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func TestDB_CreateCheckIn(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		m := newMeeting(t, db, g, testNow)
		t.Run("OK", func(t *testing.T) {
			c := &hearth.CheckIn{MeetingID: m.ID, UserID: "u1", Mood: 2, Note: "rough week"}
			noErr(t, db.CreateCheckIn(ctx, c))
			if c.GroupID != g.ID || !c.CreatedAt.Equal(testNow) {
				t.Fatalf("created = %+v", c)
			}
			noErr(t, db.CreateCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, UserID: "u2", CreatedAt: testNow.Add(time.Minute)}))
			cs, err := db.CheckIns(ctx, m.ID)
			noErr(t, err)
			if len(cs) != 2 || cs[0].Note != "rough week" || cs[1].Note != "" || cs[1].Mood != 0 {
				t.Fatalf("check-ins = %+v %+v", cs[0], cs[1])
			}
			stored, err := db.StoredNote(ctx, "check_ins", cs[1].ID)
			noErr(t, err)
			if stored != "" {
				t.Fatalf("empty note stored as %q", stored)
			}
		})
		t.Run("ErrConflict", func(t *testing.T) {
			wantCode(t, db.CreateCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, UserID: "u1"}), hearth.ECONFLICT)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			wantCode(t, db.CreateCheckIn(ctx, &hearth.CheckIn{MeetingID: 999, UserID: "u1"}), hearth.ENOTFOUND)
			_, err := db.CheckIn(ctx, m.ID, "u9")
			wantCode(t, err, hearth.ENOTFOUND)
		})
	})
}

func TestDB_UpdateCheckIn(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		m := newMeeting(t, db, g, testNow)
		noErr(t, db.CreateCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, UserID: "u1", Mood: 3}))
		t.Run("OK", func(t *testing.T) {
			c, err := db.UpdateCheckIn(ctx, m.ID, "u1", func(c *hearth.CheckIn) error {
				c.Mood, c.Note, c.UserID = 1, "worse now", "hijack"
				return nil
			})
			noErr(t, err)
			got, err := db.CheckIn(ctx, m.ID, "u1")
			noErr(t, err)
			if *got != *c || got.Mood != 1 || got.Note != "worse now" {
				t.Fatalf("stored %+v, returned %+v", got, c)
			}
		})
		t.Run("ErrFn", func(t *testing.T) {
			_, err := db.UpdateCheckIn(ctx, m.ID, "u1", func(c *hearth.CheckIn) error { c.Mood = 5; return errTest })
			if err != errTest {
				t.Fatalf("error %v", err)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := db.UpdateCheckIn(ctx, m.ID, "u2", func(*hearth.CheckIn) error { return nil })
			wantCode(t, err, hearth.ENOTFOUND)
		})
	})
}

func TestDB_SaveCheckIn(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		m := newMeeting(t, db, g, testNow)
		mood := func(n int) func(*hearth.CheckIn) error {
			return func(c *hearth.CheckIn) error { c.Mood = n; return nil }
		}
		c, created, err := db.SaveCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, UserID: "u1", Mood: 3, Note: "first"}, mood(5))
		noErr(t, err)
		if !created || c.ID == 0 || c.GroupID != g.ID || c.Mood != 3 || c.Note != "first" || !c.CreatedAt.Equal(testNow) {
			t.Fatalf("new check-in: created %v, %+v", created, c)
		}
		again, created, err := db.SaveCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, UserID: "u1", Mood: 1}, nil)
		noErr(t, err)
		if created || *again != *c {
			t.Fatalf("repeated without update: created %v, %+v, want %+v", created, again, c)
		}
		updated, created, err := db.SaveCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, UserID: "u1", Mood: 1}, mood(2))
		noErr(t, err)
		stored, err := db.CheckIn(ctx, m.ID, "u1")
		noErr(t, err)
		if created || updated.Mood != 2 || *stored != *updated || stored.Note != "first" {
			t.Fatalf("updated: created %v, returned %+v, stored %+v", created, updated, stored)
		}
		if _, _, err := db.SaveCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, UserID: "u1"}, func(c *hearth.CheckIn) error { c.Mood = 5; return errTest }); err != errTest {
			t.Fatalf("update error: %v", err)
		}
		if stored, _ := db.CheckIn(ctx, m.ID, "u1"); stored.Mood != 2 {
			t.Fatalf("a failed update stored mood %d", stored.Mood)
		}
		_, _, err = db.SaveCheckIn(ctx, &hearth.CheckIn{MeetingID: 999, UserID: "u1"}, nil)
		wantCode(t, err, hearth.ENOTFOUND)
	})
}
