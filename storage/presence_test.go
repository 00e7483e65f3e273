package storage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func TestDB_Presence(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		m := newMeeting(t, db, g, testNow)
		t.Run("OneOpenIntervalPerMember", func(t *testing.T) {
			for range 3 {
				_, err := db.OpenPresence(ctx, m, "u1", testNow)
				noErr(t, err)
			}
			noErr(t, db.ClosePresence(ctx, m.ID, "u1", testNow.Add(5*time.Minute)))
			noErr(t, db.ClosePresence(ctx, m.ID, "u1", testNow.Add(9*time.Minute))) // none open: no-op
			opened, err := db.OpenPresence(ctx, m, "u1", testNow.Add(10*time.Minute))
			noErr(t, err)
			if !opened {
				t.Fatal("a second stay was not opened")
			}
			ivs, err := db.Presence(ctx, m.ID)
			noErr(t, err)
			if len(ivs) != 2 || !ivs[0].LeftAt.Equal(testNow.Add(5*time.Minute)) || !ivs[1].LeftAt.IsZero() {
				t.Fatalf("intervals = %+v %+v", ivs[0], ivs[1])
			}
		})
		t.Run("CloseAllKeeps", func(t *testing.T) {
			_, err := db.OpenPresence(ctx, m, "u2", testNow)
			noErr(t, err)
			n, err := db.CloseAllPresence(ctx, m.ID, map[string]bool{"u1": true}, testNow.Add(20*time.Minute))
			noErr(t, err)
			if n != 1 {
				t.Fatalf("closed %d, want 1 (u2)", n)
			}
		})
		t.Run("ErasedAndPurged", func(t *testing.T) {
			e, err := db.EraseUser(ctx, "guild", "u2", hearth.AuditEntry{Action: hearth.AuditPrivacyDelete})
			noErr(t, err)
			if e.Presence != 1 {
				t.Fatalf("erased %d intervals of u2, want 1", e.Presence)
			}
			p, err := db.PurgeOlderThan(ctx, "guild", testNow.Add(time.Hour))
			noErr(t, err)
			if p.Presence != 2 {
				t.Fatalf("purged %d intervals, want 2", p.Presence)
			}
		})
	})
}

func TestDB_UpdateRound(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		m := newMeeting(t, db, g, testNow)
		rota := &hearth.Rota{Order: []string{"a", "b"}, Sharers: []string{"b"}}
		noErr(t, db.SaveRound(ctx, hearth.NewRound(m.ID, "c", "msg1")))
		noErr(t, db.SaveRound(ctx, hearth.NewRound(m.ID, "c", "msg2"))) // kept: the first
		for _, step := range []int{0, 0} {                              // the second is stale
			_, _, err := db.UpdateRound(ctx, m.ID, func(s *hearth.RoundState) (bool, error) { return s.Apply(rota, hearth.RoundNext, step) })
			noErr(t, err)
		}
		s, err := db.Round(ctx, m.ID)
		noErr(t, err)
		if s.MessageID != "msg1" || s.Step != 1 || strings.Join(s.Done, ",") != "a" {
			t.Fatalf("round = %+v", s)
		}
		_, err = db.Round(ctx, 999)
		wantCode(t, err, hearth.ENOTFOUND)
		t.Run("ErasedFromRounds", func(t *testing.T) {
			noErr(t, db.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: "a"}))
			_, err := db.EraseUser(ctx, "guild", "a", hearth.AuditEntry{Action: hearth.AuditPrivacyDelete})
			noErr(t, err)
			s, err := db.Round(ctx, m.ID)
			noErr(t, err)
			if len(s.Done) != 0 {
				t.Fatalf("erased user still in the round: %+v", s)
			}
		})
	})
}

func TestDB_SessionNotes(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		m := newMeeting(t, db, g, testNow)
		n := &hearth.SessionNote{GroupID: g.ID, MeetingID: m.ID, AuthorID: "fac", Note: "themes: sleep"}
		noErr(t, db.CreateSessionNote(ctx, n))
		stored, err := db.StoredNote(ctx, "session_notes", n.ID)
		noErr(t, err)
		if strings.Contains(stored, "sleep") {
			t.Fatalf("session note stored in plain text: %q", stored)
		}
		ns, err := db.SessionNotes(ctx, []int64{m.ID})
		noErr(t, err)
		if len(ns) != 1 || ns[0].Note != "themes: sleep" {
			t.Fatalf("notes = %+v", ns)
		}
		p, err := db.PurgeOlderThan(ctx, "guild", testNow.Add(time.Hour))
		noErr(t, err)
		if p.Notes != 1 {
			t.Fatalf("purged %d notes, want 1", p.Notes)
		}
	})
}
