package storage_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
	"github.com/hearthbot/hearth/storage/storagetest"
)

// view renders every cached read about group id and users u1–u3 of guild,
// errors as their codes, so two handles can be compared.
func view(t *testing.T, db *storage.DB, guild string, id int64, at time.Time) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	show := func(label string, v any, err error) {
		if err != nil {
			fmt.Fprintf(&b, "%s: error %s\n", label, hearth.ErrorCode(err))
			return
		}
		fmt.Fprintf(&b, "%s: %s\n", label, v)
	}
	g, err := db.Group(ctx, id)
	show("group", groupText(g), err)
	for _, name := range []string{"Anxiety", "Calm", "New"} {
		g, err := db.GroupByName(ctx, guild, name)
		show("by name "+name, groupText(g), err)
	}
	for _, u := range []string{"u1", "u2", "u3"} {
		gs, err := db.UserGroups(ctx, guild, u)
		var names []string
		for _, g := range gs {
			names = append(names, groupText(g))
		}
		show("groups of "+u, names, err)
		m, err := db.Membership(ctx, id, u)
		show("membership of "+u, m, err)
	}
	ms, err := db.Members(ctx, id)
	var members []string
	for _, m := range ms {
		members = append(members, fmt.Sprintf("%+v", *m))
	}
	show("members", members, err)
	coming, err := db.UpcomingMeetings(ctx, id, at, 3)
	var meetings []string
	for _, m := range coming {
		meetings = append(meetings, fmt.Sprintf("%d %s %s %v", m.ID, m.StartsAt, m.Status, m.Rota))
	}
	show("coming", meetings, err)
	for _, m := range coming {
		n, err := db.DoneMeetings(ctx, id, m.StartsAt)
		show(fmt.Sprintf("done before %d", m.ID), n, err)
	}
	return b.String()
}

func groupText(g *hearth.Group) string {
	if g == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%d %s %s %v", g.ID, g.Name, g.Schedule, g.ReminderOffsets)
}

// TestCache_EveryWriteIsSeen fills the cache before each kind of write to
// groups, memberships and meetings, and checks that every read afterwards
// answers what a handle without a cache reads from the database.
func TestCache_EveryWriteIsSeen(t *testing.T) {
	forEachDSN(t, func(t *testing.T, driver, dsn string) {
		ctx := context.Background()
		db := openMigrated(t, driver, dsn, testOptions(t))
		waitLive(t, db)
		g := newGroup(t, db, "guild", "Anxiety")
		for _, u := range []string{"u1", "u2"} {
			noErr(t, db.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: u}))
		}
		m1 := newMeeting(t, db, g, testNow.Add(time.Hour))
		m2 := newMeeting(t, db, g, testNow.Add(25*time.Hour))
		at := testNow

		writes := []struct {
			name  string
			write func() error
		}{
			{"join", func() error { return db.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: "u3"}) }},
			{"update membership", func() error {
				_, err := db.UpdateMembership(ctx, g.ID, "u1", func(m *hearth.Membership) error { m.Shares = 5; return nil })
				return err
			}},
			{"dm reminders", func() error { _, err := db.SetDMReminders(ctx, "guild", "u1", true); return err }},
			{"away", func() error {
				_, _, err := db.SetAway(ctx, g.ID, "u2", testNow, m2.StartsAt.Add(time.Second))
				return err
			}},
			{"meeting done", func() error {
				_, err := db.UpdateMeeting(ctx, m1.ID, func(m *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
					m.Status = hearth.MeetingDone
					return nil, nil, nil
				})
				return err
			}},
			{"rota fixed", func() error {
				_, err := db.UpdateMeeting(ctx, m2.ID, func(m *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
					m.Rota = &hearth.Rota{Order: []string{"u3", "u1"}, Sharers: []string{"u3"}}
					return nil, nil, nil
				})
				return err
			}},
			{"time passes", func() error { at = m1.EndsAt; return nil }},
			{"create meeting", func() error {
				return db.CreateMeeting(ctx, &hearth.Meeting{GroupID: g.ID, StartsAt: testNow.Add(3 * time.Hour), EndsAt: testNow.Add(4 * time.Hour)})
			}},
			{"plan meetings", func() error {
				_, err := db.PlanMeetings(ctx, []*hearth.Meeting{{GroupID: g.ID, StartsAt: testNow.Add(5 * time.Hour), EndsAt: testNow.Add(6 * time.Hour)}}, nil)
				return err
			}},
			{"ensure meetings", func() error {
				_, err := db.EnsureMeetings(ctx, &hearth.Meeting{GroupID: g.ID, StartsAt: testNow.Add(7 * time.Hour), EndsAt: testNow.Add(8 * time.Hour)})
				return err
			}},
			{"rename", func() error {
				_, err := db.UpdateGroup(ctx, g.ID, func(g *hearth.Group) error { g.Name, g.Schedule = "Calm", "every monday at 18:00"; return nil }, hearth.AuditEntry{})
				return err
			}},
			{"create group", func() error { newGroup(t, db, "guild", "New"); return nil }},
			{"leave", func() error { return db.Leave(ctx, g.ID, "u1") }},
			{"erase user", func() error { _, err := db.EraseUser(ctx, "guild", "u3", hearth.AuditEntry{}); return err }},
			{"delete group", func() error { return db.DeleteGroup(ctx, g.ID, hearth.AuditEntry{}) }},
		}
		for _, w := range writes {
			before := view(t, db, "guild", g.ID, at)
			if again := view(t, db, "guild", g.ID, at); again != before {
				t.Fatalf("before %s, a second read differs:\n%s\nvs\n%s", w.name, before, again)
			}
			noErr(t, w.write())
			got := view(t, db, "guild", g.ID, at)
			want := view(t, openDB(t, driver, dsn, testOptions(t)), "guild", g.ID, at)
			if got != want {
				t.Fatalf("after %s, the cached handle reads\n%s\nbut the database holds\n%s", w.name, got, want)
			}
			if got == before && w.name != "create group" {
				t.Fatalf("%s changed nothing a read shows:\n%s", w.name, got)
			}
		}
	})
}

// TestCache_Serves checks that answers do come from the cache, and that
// what a caller does to an answer does not change the next one.
func TestCache_Serves(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		waitLive(t, db)
		g := newGroup(t, db, "guild", "Anxiety")
		noErr(t, db.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: "u1"}))
		m := newMeeting(t, db, g, testNow.Add(time.Hour))
		_, err := db.UpdateMeeting(ctx, m.ID, func(m *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
			m.Rota = &hearth.Rota{Order: []string{"u1"}, Sharers: []string{"u1"}}
			return nil, nil, nil
		})
		noErr(t, err)

		ms, err := db.Members(ctx, g.ID)
		noErr(t, err)
		ms[0].Shares = 99
		coming, err := db.UpcomingMeetings(ctx, g.ID, testNow, 1)
		noErr(t, err)
		coming[0].Rota.Order[0] = "mallory"
		gr, err := db.Group(ctx, g.ID)
		noErr(t, err)
		gr.ReminderOffsets[0] = 0

		// Changed behind the cache's back: the cached answers stay.
		noErr(t, db.ExecBehindCache(ctx, "UPDATE memberships SET shares = 7"))
		ms, err = db.Members(ctx, g.ID)
		noErr(t, err)
		if ms[0].Shares != 0 {
			t.Fatalf("Members served Shares = %d, want the cached 0 (not the caller's 99 nor the hidden 7)", ms[0].Shares)
		}
		coming, err = db.UpcomingMeetings(ctx, g.ID, testNow, 1)
		noErr(t, err)
		if coming[0].Rota.Order[0] != "u1" {
			t.Fatalf("UpcomingMeetings served rota %v", coming[0].Rota)
		}
		gr, err = db.Group(ctx, g.ID)
		noErr(t, err)
		if gr.ReminderOffsets[0] != 24*time.Hour {
			t.Fatalf("Group served offsets %v", gr.ReminderOffsets)
		}
		// A write to the group makes its answers be read again.
		noErr(t, db.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: "u2"}))
		ms, err = db.Members(ctx, g.ID)
		noErr(t, err)
		if len(ms) != 2 || ms[0].Shares != 7 {
			t.Fatalf("after a join, Members = %+v, %+v", ms[0], ms[len(ms)-1])
		}
	})
}

// TestCache_ConcurrentWrites races readers against writers: once the
// writers are done, every read answers the last write.
func TestCache_ConcurrentWrites(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		waitLive(t, db)
		g := newGroup(t, db, "guild", "Anxiety")
		noErr(t, db.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: "u1"}))
		const writes = 40
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for range 2 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					if _, err := db.Membership(ctx, g.ID, "u1"); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		for i := 1; i <= writes; i++ {
			_, err := db.UpdateMembership(ctx, g.ID, "u1", func(m *hearth.Membership) error { m.Shares = i; return nil })
			noErr(t, err)
		}
		close(stop)
		wg.Wait()
		m, err := db.Membership(ctx, g.ID, "u1")
		noErr(t, err)
		if m.Shares != writes {
			t.Fatalf("after %d writes, Membership reads Shares = %d", writes, m.Shares)
		}
	})
}

// TestCache_OtherProcessWrites: on PostgreSQL a write by another process
// reaches this process's cache by NOTIFY.
func TestCache_OtherProcessWrites(t *testing.T) {
	if os.Getenv(storagetest.PostgresEnv) == "" {
		t.Skip("PostgreSQL only: set " + storagetest.PostgresEnv)
	}
	ctx := context.Background()
	dsn := storagetest.PostgresSchema(t)
	a := openMigrated(t, storage.DriverPostgres, dsn, testOptions(t))
	b := openDB(t, storage.DriverPostgres, dsn, testOptions(t))
	waitLive(t, a)
	g := newGroup(t, a, "guild", "Anxiety")
	noErr(t, a.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: "u1"}))
	ms, err := a.Members(ctx, g.ID)
	noErr(t, err)
	if len(ms) != 1 {
		t.Fatalf("members = %d", len(ms))
	}
	var heard int
	noErr(t, a.WaitCache(ctx, func(_ bool, n int) bool { heard = n; return true }))

	noErr(t, b.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: "u2"}))
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	noErr(t, a.WaitCache(wait, func(_ bool, n int) bool { return n > heard }))
	ms, err = a.Members(ctx, g.ID)
	noErr(t, err)
	if len(ms) != 2 {
		t.Fatalf("after another process's join, members = %d, want 2", len(ms))
	}
}

// TestCache_ListenerReconnects: when the listener's connection is lost, the
// cache stops serving (changes may be missed) and comes back once the
// listener has reconnected.
func TestCache_ListenerReconnects(t *testing.T) {
	if os.Getenv(storagetest.PostgresEnv) == "" {
		t.Skip("PostgreSQL only: set " + storagetest.PostgresEnv)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dsn := storagetest.PostgresSchema(t)
	a := openMigrated(t, storage.DriverPostgres, dsn, testOptions(t))
	b := openDB(t, storage.DriverPostgres, dsn, testOptions(t))
	waitLive(t, a)
	g := newGroup(t, a, "guild", "Anxiety")
	_, err := a.Members(ctx, g.ID)
	noErr(t, err)

	pid := a.ListenerPID()
	noErr(t, b.Exec(ctx, "SELECT pg_terminate_backend(?)", pid))
	noErr(t, a.WaitCache(ctx, func(live bool, _ int) bool { return !live }))
	// Not serving: a change no one was told of is read at once.
	noErr(t, b.ExecBehindCache(ctx, "UPDATE memberships SET shares = 1"))
	noErr(t, b.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: "u1"}))
	ms, err := a.Members(ctx, g.ID)
	noErr(t, err)
	if len(ms) != 1 {
		t.Fatalf("while the listener is down, members = %d, want 1", len(ms))
	}
	noErr(t, a.WaitCache(ctx, func(live bool, _ int) bool { return live }))
	if a.ListenerPID() == pid {
		t.Fatal("the listener is live on the terminated connection")
	}
	var heard int
	noErr(t, a.WaitCache(ctx, func(_ bool, n int) bool { heard = n; return true }))
	_, err = a.Members(ctx, g.ID)
	noErr(t, err)
	noErr(t, b.Leave(ctx, g.ID, "u1"))
	noErr(t, a.WaitCache(ctx, func(_ bool, n int) bool { return n > heard }))
	ms, err = a.Members(ctx, g.ID)
	noErr(t, err)
	if len(ms) != 0 {
		t.Fatalf("after reconnecting, a leave elsewhere left members = %d", len(ms))
	}
}

// waitLive waits until db's cache serves answers: at once on SQLite, once
// the listener is connected on PostgreSQL.
func waitLive(t *testing.T, db *storage.DB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	noErr(t, db.WaitCache(ctx, func(live bool, _ int) bool { return live }))
}

func TestCacheChannel_IsAnIdentifier(t *testing.T) {
	short := storage.CacheChannel("public")
	long := storage.CacheChannel(strings.Repeat("s", 63))
	if short != "hearth_cache_public" || len(long) > 63 || long == storage.CacheChannel(strings.Repeat("t", 63)) {
		t.Fatalf("channels %q, %q", short, long)
	}
}
