package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func TestDB_WebSession(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := &hearth.WebSession{ID: "hash1", UserID: "u1", UserName: "Ana", CSRF: "tok", CreatedAt: testNow, ExpiresAt: testNow.Add(12 * time.Hour)}
		noErr(t, db.CreateWebSession(ctx, s))
		t.Run("OK", func(t *testing.T) {
			got, err := db.WebSession(ctx, "hash1", testNow.Add(time.Hour))
			noErr(t, err)
			if got.UserID != "u1" || got.UserName != "Ana" || got.CSRF != "tok" || !got.ExpiresAt.Equal(s.ExpiresAt) {
				t.Fatalf("session = %+v", got)
			}
		})
		t.Run("Timezone", func(t *testing.T) {
			noErr(t, db.SetWebSessionTimezone(ctx, "hash1", "Europe/Madrid"))
			got, err := db.WebSession(ctx, "hash1", testNow)
			noErr(t, err)
			if got.Timezone != "Europe/Madrid" {
				t.Fatalf("zone = %q", got.Timezone)
			}
		})
		t.Run("ErrExpired", func(t *testing.T) {
			_, err := db.WebSession(ctx, "hash1", testNow.Add(12*time.Hour))
			wantCode(t, err, hearth.ENOTFOUND)
		})
		t.Run("ErrUnknown", func(t *testing.T) {
			_, err := db.WebSession(ctx, "nope", testNow)
			wantCode(t, err, hearth.ENOTFOUND)
		})
		t.Run("Revoked", func(t *testing.T) {
			noErr(t, db.DeleteWebSession(ctx, "hash1"))
			_, err := db.WebSession(ctx, "hash1", testNow)
			wantCode(t, err, hearth.ENOTFOUND)
		})
		t.Run("Purge", func(t *testing.T) {
			for _, id := range []string{"a", "b"} {
				noErr(t, db.CreateWebSession(ctx, &hearth.WebSession{ID: id, UserID: "u2", CSRF: "x", CreatedAt: testNow, ExpiresAt: testNow.Add(time.Hour)}))
			}
			noErr(t, db.CreateWebSession(ctx, &hearth.WebSession{ID: "c", UserID: "u2", CSRF: "x", CreatedAt: testNow, ExpiresAt: testNow.Add(48 * time.Hour)}))
			n, err := db.PurgeWebSessions(ctx, testNow.Add(2*time.Hour))
			noErr(t, err)
			if n != 2 {
				t.Errorf("purged %d, want 2", n)
			}
			noErr(t, db.DeleteUserWebSessions(ctx, "u2"))
			_, err = db.WebSession(ctx, "c", testNow)
			wantCode(t, err, hearth.ENOTFOUND)
		})
	})
}

func TestDB_DashboardLookups(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a := newGroup(t, db, "g1", "Alpha")
		b := newGroup(t, db, "g2", "Beta")
		other := newGroup(t, db, "g2", "Gamma")
		noErr(t, db.Join(ctx, &hearth.Membership{GroupID: b.ID, UserID: "m1"}))
		t.Run("PsychologistGroups", func(t *testing.T) {
			gs, err := db.PsychologistGroups(ctx, a.FacilitatorID)
			noErr(t, err)
			if len(gs) != 3 { // newGroup gives every group the same psychologists
				t.Fatalf("groups = %v", names(gs))
			}
			gs, err = db.PsychologistGroups(ctx, "m1")
			noErr(t, err)
			if len(gs) != 0 {
				t.Fatalf("a member coordinates %v", names(gs))
			}
		})
		t.Run("MemberGroups", func(t *testing.T) {
			gs, err := db.MemberGroups(ctx, "m1")
			noErr(t, err)
			if len(gs) != 1 || gs[0].ID != b.ID {
				t.Fatalf("groups = %v", names(gs))
			}
		})
		t.Run("RecentAlerts", func(t *testing.T) {
			mk := func(g *hearth.Group, at time.Time, status hearth.AlertStatus) *hearth.Alert {
				al := &hearth.Alert{GuildID: g.GuildID, GroupID: g.ID, UserID: "m1", Urgency: hearth.UrgencyToday, Status: status, CreatedAt: at, Note: "secret"}
				noErr(t, db.CreateAlert(ctx, al, nil, nil))
				return al
			}
			old := mk(b, testNow.Add(-60*24*time.Hour), hearth.AlertResolved)
			oldOpen := mk(b, testNow.Add(-50*24*time.Hour), hearth.AlertOpen)
			recent := mk(b, testNow.Add(-time.Hour), hearth.AlertResolved)
			mk(other, testNow, hearth.AlertOpen)
			as, err := db.RecentAlerts(ctx, []int64{b.ID}, testNow.Add(-30*24*time.Hour), 10)
			noErr(t, err)
			if len(as) != 2 || as[0].ID != recent.ID || as[1].ID != oldOpen.ID {
				t.Fatalf("alerts = %+v (old %d)", as, old.ID)
			}
		})
	})
}
