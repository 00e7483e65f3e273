package storage_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func names(gs []*hearth.Group) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Name
	}
	return out
}

func TestDB_CreateGroup(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		t.Run("OK", func(t *testing.T) {
			g := newGroup(t, db, "guild", "Anxiety")
			if g.ID == 0 || !g.CreatedAt.Equal(testNow) {
				t.Fatalf("created group = %+v", g)
			}
			got, err := db.Group(ctx, g.ID)
			noErr(t, err)
			if got.Name != "Anxiety" || got.Timezone != "Europe/Madrid" || got.Sharers != 2 ||
				!slices.Equal(got.ReminderOffsets, []time.Duration{24 * time.Hour, time.Hour}) {
				t.Fatalf("stored group = %+v", got)
			}
			log, err := db.AuditLog(ctx, "guild", 10, 0)
			noErr(t, err)
			if len(log) != 1 || log[0].Action != "group.create" || log[0].Target != "group:"+itoa(g.ID) || !log[0].At.Equal(testNow) {
				t.Fatalf("audit log = %+v", log)
			}
		})
		t.Run("ErrConflict", func(t *testing.T) {
			err := db.CreateGroup(ctx, &hearth.Group{GuildID: "guild", Name: " ANXIETY "}, hearth.AuditEntry{Action: "group.create"})
			wantCode(t, err, hearth.ECONFLICT)
			if msg := hearth.ErrorMessage(err); msg != `A group named "ANXIETY" already exists in this server.` {
				t.Errorf("message %q", msg)
			}
			// The failed create left no audit entry.
			log, _ := db.AuditLog(ctx, "guild", 10, 0)
			if len(log) != 1 {
				t.Fatalf("audit log has %d entries", len(log))
			}
			// Another server may use the name.
			newGroup(t, db, "other-guild", "Anxiety")
		})
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func TestDB_GroupByName(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Recovery Tuesday")
		t.Run("OK", func(t *testing.T) {
			got, err := db.GroupByName(ctx, "guild", "recovery TUESDAY ")
			noErr(t, err)
			if got.ID != g.ID {
				t.Fatalf("got group %d", got.ID)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := db.GroupByName(ctx, "other-guild", "Recovery Tuesday")
			wantCode(t, err, hearth.ENOTFOUND)
			_, err = db.Group(ctx, 12345)
			wantCode(t, err, hearth.ENOTFOUND)
		})
	})
}

func TestDB_Groups(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		for _, n := range []string{"beta", "Alpha", "gamma"} {
			newGroup(t, db, "guild", n)
		}
		newGroup(t, db, "other", "Aardvark")
		got, err := db.Groups(context.Background(), "guild")
		noErr(t, err)
		if want := []string{"Alpha", "beta", "gamma"}; !slices.Equal(names(got), want) {
			t.Fatalf("groups %v, want %v", names(got), want)
		}
	})
}

func TestDB_UpdateGroup(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		newGroup(t, db, "guild", "Phobia")
		audit := hearth.AuditEntry{ActorID: "admin", Action: "group.edit", Target: "group:x"}
		t.Run("OK", func(t *testing.T) {
			got, err := db.UpdateGroup(ctx, g.ID, func(g *hearth.Group) error {
				g.Name, g.Sharers, g.GuildID = "Anxiety (evening)", 3, "hijack"
				g.ReminderOffsets = []time.Duration{30 * time.Minute}
				g.ScheduleSetAt = testNow.Add(time.Hour)
				return nil
			}, audit)
			noErr(t, err)
			if got.GuildID != "guild" || got.Name != "Anxiety (evening)" {
				t.Fatalf("updated group = %+v", got)
			}
			stored, err := db.GroupByName(ctx, "guild", "anxiety (EVENING)")
			noErr(t, err)
			if stored.Sharers != 3 || !slices.Equal(stored.ReminderOffsets, []time.Duration{30 * time.Minute}) ||
				!stored.ScheduleSetAt.Equal(testNow.Add(time.Hour)) {
				t.Fatalf("stored group = %+v", stored)
			}
		})
		t.Run("ErrFn", func(t *testing.T) {
			_, err := db.UpdateGroup(ctx, g.ID, func(g *hearth.Group) error {
				g.Sharers = 9
				return errTest
			}, audit)
			if err != errTest {
				t.Fatalf("error %v, want fn's error as is", err)
			}
			stored, _ := db.Group(ctx, g.ID)
			if stored.Sharers != 3 {
				t.Fatal("fn's error did not roll back")
			}
		})
		t.Run("ErrConflict", func(t *testing.T) {
			_, err := db.UpdateGroup(ctx, g.ID, func(g *hearth.Group) error { g.Name = "PHOBIA"; return nil }, audit)
			wantCode(t, err, hearth.ECONFLICT)
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := db.UpdateGroup(ctx, 999, func(*hearth.Group) error { return nil }, audit)
			wantCode(t, err, hearth.ENOTFOUND)
		})
		log, err := db.AuditLog(ctx, "guild", 0, 0)
		noErr(t, err)
		if n := len(log); n != 3 { // two creates and one successful edit
			t.Fatalf("audit log has %d entries, want 3", n)
		}
	})
}

func TestDB_DeleteGroup(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Anxiety")
		keep := newGroup(t, db, "guild", "Keep")
		m := newMeeting(t, db, g, testNow.Add(time.Hour))
		noErr(t, db.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: "u1"}))
		noErr(t, db.Join(ctx, &hearth.Membership{GroupID: keep.ID, UserID: "u1"}))
		noErr(t, db.CreateCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, UserID: "u1", Mood: 3, Note: "fine"}))
		a := &hearth.Alert{GuildID: "guild", GroupID: g.ID, UserID: "u1", Urgency: hearth.UrgencyToday}
		noErr(t, db.CreateAlert(ctx, a, []*hearth.AlertDelivery{{RecipientID: "fac"}},
			[]*hearth.Job{{Kind: "alert.dm", Key: "alert:{alert}:dm", DueAt: testNow, GroupID: g.ID}}))
		noErr(t, db.EnqueueJobs(ctx, &hearth.Job{Kind: "remind", Key: "other", DueAt: testNow, GroupID: keep.ID}))

		t.Run("OK", func(t *testing.T) {
			noErr(t, db.DeleteGroup(ctx, g.ID, hearth.AuditEntry{ActorID: "admin", Action: "group.delete"}))
			_, err := db.Group(ctx, g.ID)
			wantCode(t, err, hearth.ENOTFOUND)
			_, err = db.Meeting(ctx, m.ID)
			wantCode(t, err, hearth.ENOTFOUND)
			_, err = db.CheckIn(ctx, m.ID, "u1")
			wantCode(t, err, hearth.ENOTFOUND)
			_, err = db.Alert(ctx, a.ID)
			wantCode(t, err, hearth.ENOTFOUND)
			ds, err := db.Deliveries(ctx, a.ID)
			noErr(t, err)
			if len(ds) != 0 {
				t.Fatal("deliveries survived")
			}
			if ms, _ := db.Members(ctx, g.ID); len(ms) != 0 {
				t.Fatal("memberships survived")
			}
			j, err := db.Job(ctx, "alert:"+itoa(a.ID)+":dm")
			noErr(t, err)
			if j.Status != hearth.JobCancelled {
				t.Fatalf("group's job is %s, want cancelled", j.Status)
			}
			if j, _ := db.Job(ctx, "other"); j.Status != hearth.JobPending {
				t.Fatal("another group's job was cancelled")
			}
			if gs, _ := db.UserGroups(ctx, "guild", "u1"); len(gs) != 1 || gs[0].ID != keep.ID {
				t.Fatal("other group's membership lost")
			}
			log, _ := db.AuditLog(ctx, "guild", 1, 0)
			if log[0].Action != "group.delete" || log[0].Target != "group:"+itoa(g.ID) {
				t.Fatalf("audit = %+v", log[0])
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			wantCode(t, db.DeleteGroup(ctx, g.ID, hearth.AuditEntry{Action: "group.delete"}), hearth.ENOTFOUND)
		})
	})
}
