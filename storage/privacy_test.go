package storage_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

// Users of the privacy tests: ids long enough that one never matches inside
// another value.
const (
	me    = "700000000000000001"
	other = "700000000000000002"
)

// privacyWorld is data of two members in two groups of guild g1 and of me
// in guild g2.
type privacyWorld struct {
	a, b, c             *hearth.Group // a, b in g1; c in g2
	m1, m2, m3          *hearth.Meeting
	myAlert, otherAlert *hearth.Alert
	g2Alert             *hearth.Alert
}

func newPrivacyWorld(t *testing.T, db *storage.DB) *privacyWorld {
	t.Helper()
	ctx := context.Background()
	w := &privacyWorld{}
	w.a = newGroup(t, db, "g1", "Anxiety")
	w.b = newGroup(t, db, "g1", "Recovery")
	w.c = newGroup(t, db, "g2", "Elsewhere")
	for _, j := range []struct {
		g *hearth.Group
		u string
	}{{w.a, me}, {w.b, me}, {w.c, me}, {w.a, other}} {
		noErr(t, db.Join(ctx, &hearth.Membership{GroupID: j.g.ID, UserID: j.u, DMReminders: j.g == w.b}))
	}
	w.m1 = newMeeting(t, db, w.a, testNow.Add(-2*time.Hour))
	w.m2 = newMeeting(t, db, w.b, testNow.Add(-time.Hour))
	w.m3 = newMeeting(t, db, w.c, testNow.Add(-time.Hour))
	for _, c := range []*hearth.CheckIn{
		{MeetingID: w.m1.ID, UserID: me, Mood: 2, Note: "my note in Anxiety"},
		{MeetingID: w.m2.ID, UserID: me, Mood: 4},
		{MeetingID: w.m3.ID, UserID: me, Mood: 3, Note: "my note in g2"},
		{MeetingID: w.m1.ID, UserID: other, Mood: 5, Note: "other's note"},
	} {
		noErr(t, db.CreateCheckIn(ctx, c))
	}
	w.myAlert = raiseBy(t, db, w.a, me, "my alert note")
	w.otherAlert = raiseBy(t, db, w.a, other, "other's alert note")
	w.g2Alert = raiseBy(t, db, w.c, me, "my g2 alert note")
	noErr(t, db.Exec(ctx, "UPDATE meetings SET rota = ? WHERE id = ?",
		`{"order":["`+me+`","`+other+`"],"sharers":["`+me+`"],"passed":["`+me+`"]}`, w.m1.ID))
	noErr(t, db.EnqueueJobs(ctx,
		// Jobs that name me in g1 in each way a job can.
		&hearth.Job{Kind: "reminder.dm", Key: "reminder:1:dm:" + me, GuildID: "g1", GroupID: w.a.ID, UserID: me, DueAt: testNow},
		&hearth.Job{Kind: "x", Key: "x:" + me + ":1", GroupID: w.b.ID, DueAt: testNow},
		&hearth.Job{Kind: "y", Key: "y:1", GuildID: "g1", Arg: me, DueAt: testNow},
		// Jobs that must stay: other's, and mine in g2.
		&hearth.Job{Kind: "reminder.dm", Key: "reminder:1:dm:" + other, GuildID: "g1", GroupID: w.a.ID, UserID: other, DueAt: testNow},
		&hearth.Job{Kind: "reminder.dm", Key: "reminder:3:dm:" + me, GuildID: "g2", GroupID: w.c.ID, UserID: me, DueAt: testNow},
	))
	return w
}

// raiseBy stores an open alert of g by user with its deliveries and jobs.
func raiseBy(t *testing.T, db *storage.DB, g *hearth.Group, user, note string) *hearth.Alert {
	t.Helper()
	a := &hearth.Alert{GuildID: g.GuildID, GroupID: g.ID, UserID: user, Urgency: hearth.UrgencyToday, Note: note, CreatedAt: testNow}
	ds, jobs := hearth.NewAlertWork(a, g, hearth.AlertsConfig{EscalateToday: 2 * time.Hour})
	noErr(t, db.CreateAlert(context.Background(), a, ds, jobs))
	return a
}

func TestDB_UserData(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		w := newPrivacyWorld(t, db)
		noErr(t, db.Audit(ctx, hearth.AuditEntry{GuildID: "g1", ActorID: me, Action: "alert.view_note", Target: "alert:99"}))

		t.Run("OK", func(t *testing.T) {
			d, err := db.UserData(ctx, "g1", me)
			noErr(t, err)
			if len(d.Memberships) != 2 || d.Memberships[0].GroupID != w.a.ID || d.Memberships[1].GroupID != w.b.ID || !d.Memberships[1].DMReminders {
				t.Errorf("memberships = %+v", d.Memberships)
			}
			if len(d.CheckIns) != 2 || d.CheckIns[0].Note != "my note in Anxiety" || d.CheckIns[0].Mood != 2 || d.CheckIns[1].MeetingID != w.m2.ID {
				t.Errorf("check-ins = %+v", d.CheckIns)
			}
			if len(d.Alerts) != 1 || d.Alerts[0].ID != w.myAlert.ID || d.Alerts[0].Note != "my alert note" {
				t.Errorf("alerts = %+v", d.Alerts)
			}
			if ds := d.Deliveries[w.myAlert.ID]; len(ds) != 2 || ds[0].RecipientID != "fac" || ds[0].Status != hearth.DeliveryPending {
				t.Errorf("deliveries = %+v", d.Deliveries)
			}
			if len(d.Deliveries) != 1 {
				t.Errorf("deliveries of %d alerts, want 1", len(d.Deliveries))
			}
			if len(d.Groups) != 2 || d.Groups[0].Name != "Anxiety" || d.Groups[1].Name != "Recovery" {
				t.Errorf("groups = %v", names(d.Groups))
			}
			if len(d.Actions) != 1 || d.Actions[0].Action != "alert.view_note" {
				t.Errorf("actions = %+v", d.Actions)
			}
			if !d.HasNotes() {
				t.Error("HasNotes = false")
			}
		})
		t.Run("OtherGuild", func(t *testing.T) {
			d, err := db.UserData(ctx, "g2", me)
			noErr(t, err)
			if len(d.Memberships) != 1 || len(d.CheckIns) != 1 || d.CheckIns[0].Note != "my note in g2" ||
				len(d.Alerts) != 1 || d.Alerts[0].ID != w.g2Alert.ID || len(d.Actions) != 0 {
				t.Errorf("g2 data = %+v", d)
			}
		})
		t.Run("Nothing", func(t *testing.T) {
			d, err := db.UserData(ctx, "g1", "700000000000000009")
			noErr(t, err)
			if len(d.Memberships)+len(d.CheckIns)+len(d.Alerts)+len(d.Groups)+len(d.Deliveries) != 0 || d.HasNotes() {
				t.Errorf("a stranger has data: %+v", d)
			}
		})
	})
}

func TestDB_EraseUser(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		w := newPrivacyWorld(t, db)
		before, err := db.UserData(ctx, "g1", other)
		noErr(t, err)

		t.Run("OK", func(t *testing.T) {
			e, err := db.EraseUser(ctx, "g1", me, hearth.AuditEntry{ActorID: me, Action: hearth.AuditPrivacyDelete})
			noErr(t, err)
			if e.Memberships != 2 || e.CheckIns != 2 || e.Alerts != 1 || e.Jobs != 6 || len(e.Groups) != 2 {
				// Jobs: the alert's two DMs and escalation, and three jobs naming me.
				t.Errorf("erasure = %+v", e)
			}
			d, err := db.UserData(ctx, "g1", me)
			noErr(t, err)
			if len(d.Memberships)+len(d.CheckIns)+len(d.Alerts) != 0 {
				t.Errorf("left after erasure: %+v", d)
			}
			for _, table := range []string{"alert_deliveries", "jobs"} {
				n, err := db.Count(ctx, table, "alert_id = ?", w.myAlert.ID)
				noErr(t, err)
				if n != 0 {
					t.Errorf("%d rows of %s refer to the erased alert", n, table)
				}
			}
			log, err := db.AuditLog(ctx, "g1", 1, 0)
			noErr(t, err)
			if log[0].Action != hearth.AuditPrivacyDelete || log[0].ActorID != me || log[0].Target != "" {
				t.Errorf("audit entry = %+v", log[0])
			}
		})
		t.Run("NothingLeftInG1", func(t *testing.T) {
			// Every row of every table that names me, in any column: only
			// g2's data and the audit entry of the erasure may remain.
			got, err := db.Mentions(ctx, me)
			noErr(t, err)
			want := map[string]int64{"memberships": 1, "check_ins": 1, "alerts": 1, "jobs": 1, "audit_log": 1}
			if !maps.Equal(got, want) {
				t.Errorf("rows naming the erased user, by table: %v, want %v", got, want)
			}
			n, err := db.Count(ctx, "jobs", "guild_id = ? AND (user_id = ? OR key LIKE ?)", "g1", me, "%"+me+"%")
			noErr(t, err)
			if n != 0 {
				t.Errorf("%d g1 jobs still name the user", n)
			}
			m, err := db.Meeting(ctx, w.m1.ID)
			noErr(t, err)
			if !slices.Equal(m.Rota.Order, []string{other}) || len(m.Rota.Sharers) != 0 || len(m.Rota.Passed) != 0 {
				t.Errorf("rota after erasure = %+v", m.Rota)
			}
		})
		t.Run("OthersUntouched", func(t *testing.T) {
			after, err := db.UserData(ctx, "g1", other)
			noErr(t, err)
			if len(after.Memberships) != len(before.Memberships) || len(after.CheckIns) != 1 || after.CheckIns[0].Note != "other's note" ||
				len(after.Alerts) != 1 || len(after.Deliveries[w.otherAlert.ID]) != 2 {
				t.Errorf("other's data changed: %+v", after)
			}
			if _, err := db.Job(ctx, hearth.AlertKey(w.otherAlert.ID, "escalate", "1")); err != nil {
				t.Errorf("other's alert lost its escalation: %v", err)
			}
			g2, err := db.UserData(ctx, "g2", me)
			noErr(t, err)
			if len(g2.Memberships) != 1 || len(g2.CheckIns) != 1 || len(g2.Alerts) != 1 {
				t.Errorf("g2 data changed: %+v", g2)
			}
		})
		t.Run("Again", func(t *testing.T) {
			e, err := db.EraseUser(ctx, "g1", me, hearth.AuditEntry{ActorID: me, Action: hearth.AuditPrivacyDelete})
			noErr(t, err)
			if e.Memberships+e.CheckIns+e.Alerts+e.Jobs != 0 {
				t.Errorf("second erasure removed %+v", e)
			}
		})
		t.Run("ErrNoUser", func(t *testing.T) {
			if _, err := db.EraseUser(ctx, "g1", "", hearth.AuditEntry{Action: hearth.AuditPrivacyDelete}); err == nil {
				t.Fatal("erased the empty user")
			}
		})
	})
}

func TestDB_PurgeOlderThan(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "g1", "Anxiety")
		g2 := newGroup(t, db, "g2", "Elsewhere")
		cutoff := testNow.AddDate(0, 0, -30)
		oldM := newMeeting(t, db, g, cutoff.Add(-48*time.Hour))
		newM := newMeeting(t, db, g, cutoff.Add(time.Hour))
		otherM := newMeeting(t, db, g2, cutoff.Add(-48*time.Hour))
		checkIns := map[string]*hearth.CheckIn{
			"old":      {MeetingID: oldM.ID, UserID: me, Note: "old", CreatedAt: cutoff.Add(-time.Second)},
			"boundary": {MeetingID: newM.ID, UserID: me, Note: "boundary", CreatedAt: cutoff},
			"new":      {MeetingID: newM.ID, UserID: other, Note: "new", CreatedAt: cutoff.Add(time.Hour)},
			"g2":       {MeetingID: otherM.ID, UserID: me, Note: "g2", CreatedAt: cutoff.Add(-time.Hour)},
		}
		for _, c := range checkIns {
			noErr(t, db.CreateCheckIn(ctx, c))
		}
		resolve := func(a *hearth.Alert, at time.Time) {
			_, err := db.TransitionAlert(ctx, a.ID, func(cur *hearth.Alert) ([]*hearth.Job, *hearth.AuditEntry, error) {
				cur.Status, cur.ResolvedBy, cur.ResolvedAt = hearth.AlertResolved, "fac", at
				return nil, nil, nil
			})
			noErr(t, err)
		}
		oldResolved := raiseBy(t, db, g, me, "old resolved")
		resolve(oldResolved, cutoff.Add(-time.Minute))
		newResolved := raiseBy(t, db, g, me, "recently resolved")
		resolve(newResolved, cutoff.Add(time.Minute))
		oldOpen := raiseBy(t, db, g, other, "old but open")
		noErr(t, db.Exec(ctx, "UPDATE alerts SET created_at = ? WHERE id = ?", cutoff.AddDate(-1, 0, 0), oldOpen.ID))
		g2Resolved := raiseBy(t, db, g2, me, "g2 resolved")
		resolve(g2Resolved, cutoff.Add(-time.Minute))

		p, err := db.PurgeOlderThan(ctx, "g1", cutoff)
		noErr(t, err)
		if p.CheckIns != 1 || p.Alerts != 1 || p.Jobs != 3 {
			t.Errorf("purge = %+v", p)
		}
		for name, c := range checkIns {
			_, err := db.CheckIn(ctx, c.MeetingID, c.UserID)
			if gone := hearth.ErrorCode(err) == hearth.ENOTFOUND; gone != (name == "old") {
				t.Errorf("check-in %s: gone = %v (%v)", name, gone, err)
			}
		}
		for _, a := range []*hearth.Alert{oldResolved, newResolved, oldOpen, g2Resolved} {
			_, err := db.Alert(ctx, a.ID)
			if gone := hearth.ErrorCode(err) == hearth.ENOTFOUND; gone != (a == oldResolved) {
				t.Errorf("alert %q: gone = %v (%v)", a.Note, gone, err)
			}
			for _, table := range []string{"alert_deliveries", "jobs"} {
				n, err := db.Count(ctx, table, "alert_id = ?", a.ID)
				noErr(t, err)
				if (n == 0) != (a == oldResolved) {
					t.Errorf("alert %q: %d rows of %s", a.Note, n, table)
				}
			}
		}
		t.Run("Idempotent", func(t *testing.T) {
			p, err := db.PurgeOlderThan(ctx, "g1", cutoff)
			noErr(t, err)
			if *p != (hearth.Purge{}) {
				t.Errorf("second purge = %+v", p)
			}
		})
	})
}

func TestDB_GuildIDs(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		newGroup(t, db, "g2", "Anxiety")
		newGroup(t, db, "g1", "Anxiety")
		newGroup(t, db, "g1", "Recovery")
		_, err := db.UpdateGuildSettings(ctx, "g3", func(s *hearth.GuildSettings) error { s.RetentionDays = 30; return nil },
			hearth.AuditEntry{ActorID: "admin", Action: "settings.retention"})
		noErr(t, err)
		got, err := db.GuildIDs(ctx)
		noErr(t, err)
		if !slices.Equal(got, []string{"g1", "g2", "g3"}) {
			t.Errorf("GuildIDs = %v", got)
		}
	})
}
