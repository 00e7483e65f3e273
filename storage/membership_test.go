package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func TestDB_Join(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		t.Run("OK", func(t *testing.T) {
			for _, u := range []string{"u1", "u2", "u3"} {
				noErr(t, db.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: u, AgreedAt: testNow}))
			}
			noErr(t, db.Leave(ctx, g.ID, "u1"))
			m := &hearth.Membership{GroupID: g.ID, UserID: "u1"}
			noErr(t, db.Join(ctx, m)) // back of the queue
			if m.Seq != 4 || !m.JoinedAt.Equal(testNow) {
				t.Fatalf("rejoined = %+v", m)
			}
			ms, err := db.Members(ctx, g.ID)
			noErr(t, err)
			var order []string
			for _, m := range ms {
				order = append(order, m.UserID)
			}
			if len(order) != 3 || order[0] != "u2" || order[1] != "u3" || order[2] != "u1" {
				t.Fatalf("members in order %v", order)
			}
			if !ms[0].AgreedAt.Equal(testNow) || !ms[2].AgreedAt.IsZero() {
				t.Fatalf("AgreedAt = %v / %v", ms[0].AgreedAt, ms[2].AgreedAt)
			}
		})
		t.Run("ErrConflict", func(t *testing.T) {
			err := db.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: "u2"})
			wantCode(t, err, hearth.ECONFLICT)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			wantCode(t, db.Join(ctx, &hearth.Membership{GroupID: 999, UserID: "u2"}), hearth.ENOTFOUND)
			wantCode(t, db.Leave(ctx, g.ID, "stranger"), hearth.ENOTFOUND)
			_, err := db.Membership(ctx, g.ID, "stranger")
			wantCode(t, err, hearth.ENOTFOUND)
		})
	})
}

func TestDB_UserGroups(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		b, a := newGroup(t, db, "guild", "B"), newGroup(t, db, "guild", "a")
		newGroup(t, db, "guild", "c")
		other := newGroup(t, db, "other", "A")
		for _, g := range []*hearth.Group{b, a, other} {
			noErr(t, db.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: "u1"}))
		}
		gs, err := db.UserGroups(ctx, "guild", "u1")
		noErr(t, err)
		if got := names(gs); len(got) != 2 || got[0] != "a" || got[1] != "B" {
			t.Fatalf("groups %v", got)
		}
		t.Run("SetDMReminders", func(t *testing.T) {
			n, err := db.SetDMReminders(ctx, "guild", "u1", true)
			noErr(t, err)
			if n != 2 {
				t.Fatalf("updated %d memberships, want 2", n)
			}
			m, _ := db.Membership(ctx, a.ID, "u1")
			o, _ := db.Membership(ctx, other.ID, "u1")
			if !m.DMReminders || o.DMReminders {
				t.Fatalf("flags %v (guild) %v (other guild)", m.DMReminders, o.DMReminders)
			}
		})
	})
}

func TestDB_UpdateMembership(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		noErr(t, db.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: "u1"}))
		t.Run("OK", func(t *testing.T) {
			m, err := db.UpdateMembership(ctx, g.ID, "u1", func(m *hearth.Membership) error {
				m.Shares++
				m.LastShared = testNow
				m.AwayUntil = testNow.Add(7 * 24 * time.Hour)
				m.UserID = "hijack"
				return nil
			})
			noErr(t, err)
			got, err := db.Membership(ctx, g.ID, "u1")
			noErr(t, err)
			if *got != *m || got.Shares != 1 || !got.LastShared.Equal(testNow) || !got.Away(testNow.Add(time.Hour)) {
				t.Fatalf("stored %+v, returned %+v", got, m)
			}
		})
		t.Run("ErrFn", func(t *testing.T) {
			_, err := db.UpdateMembership(ctx, g.ID, "u1", func(m *hearth.Membership) error { m.Shares = 50; return errTest })
			if err != errTest {
				t.Fatalf("error %v", err)
			}
			if got, _ := db.Membership(ctx, g.ID, "u1"); got.Shares != 1 {
				t.Fatal("not rolled back")
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := db.UpdateMembership(ctx, g.ID, "u2", func(*hearth.Membership) error { return nil })
			wantCode(t, err, hearth.ENOTFOUND)
		})
	})
}

// TestDB_Membership_Concurrent checks that concurrent joins get distinct
// places in the queue and concurrent updates lose nothing (row locks on
// PostgreSQL, immediate transactions on SQLite).
func TestDB_Membership_Concurrent(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Busy")
		const n = 8
		var wg sync.WaitGroup
		errs := make(chan error, 2*n)
		for i := range n {
			wg.Go(func() { errs <- db.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: fmt.Sprintf("u%d", i)}) })
		}
		wg.Wait()
		for range n {
			wg.Go(func() {
				_, err := db.UpdateMembership(ctx, g.ID, "u0", func(m *hearth.Membership) error { m.Shares++; return nil })
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			noErr(t, err)
		}
		ms, err := db.Members(ctx, g.ID)
		noErr(t, err)
		for i, m := range ms {
			if m.Seq != int64(i+1) {
				t.Fatalf("member %d has seq %d", i, m.Seq)
			}
		}
		m, _ := db.Membership(ctx, g.ID, "u0")
		if m.Shares != n {
			t.Fatalf("shares %d after %d increments", m.Shares, n)
		}
	})
}
