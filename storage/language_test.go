package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func TestDB_UserLanguage(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		t.Run("NoneStored", func(t *testing.T) {
			if l, err := db.UserLanguage(ctx, "g1", "u1"); err != nil || l != "" {
				t.Fatalf("got %q, %v", l, err)
			}
		})
		t.Run("LatestWins", func(t *testing.T) {
			noErr(t, db.SetUserLanguage(ctx, "g1", "u1", "es", at))
			noErr(t, db.SetUserLanguage(ctx, "g2", "u1", "en", at))
			if l, _ := db.UserLanguage(ctx, "g1", "u1"); l != "es" {
				t.Fatalf("got %q", l)
			}
			noErr(t, db.SetUserLanguage(ctx, "g1", "u1", "en", at.Add(time.Hour)))
			if l, _ := db.UserLanguage(ctx, "g1", "u1"); l != "en" {
				t.Fatalf("got %q after a change", l)
			}
			noErr(t, db.SetUserLanguage(ctx, "g1", "u1", "es", at.Add(2*time.Hour)))
		})
		t.Run("PrivacyShowsAndErases", func(t *testing.T) {
			d, err := db.UserData(ctx, "g1", "u1")
			noErr(t, err)
			if d.Language != "es" {
				t.Fatalf("user data language %q, want es", d.Language)
			}
			_, err = db.EraseUser(ctx, "g1", "u1", hearth.AuditEntry{ActorID: "u1", Action: hearth.AuditPrivacyDelete})
			noErr(t, err)
			if l, _ := db.UserLanguage(ctx, "g1", "u1"); l != "" {
				t.Fatalf("language %q survived the erasure", l)
			}
			// Another server's row is that server's data.
			if l, _ := db.UserLanguage(ctx, "g2", "u1"); l != "en" {
				t.Fatalf("other server's language %q", l)
			}
		})
	})
}

func TestDB_GroupLanguageAndCrisis(t *testing.T) {
	ctx := context.Background()
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		g := newGroup(t, db, "g1", "Ansiedad")
		_, err := db.UpdateGroup(ctx, g.ID, func(g *hearth.Group) error { g.Language = "es"; return nil },
			hearth.AuditEntry{ActorID: "admin", Action: "group.edit"})
		noErr(t, err)
		got, err := db.Group(ctx, g.ID)
		noErr(t, err)
		if got.Language != "es" {
			t.Fatalf("group language %q", got.Language)
		}
		_, err = db.UpdateGuildSettings(ctx, "g1", func(s *hearth.GuildSettings) error {
			s.CrisisTextES = "Llama al 112."
			return nil
		}, hearth.AuditEntry{ActorID: "admin", Action: "settings.crisis"})
		noErr(t, err)
		s, err := db.GuildSettings(ctx, "g1")
		noErr(t, err)
		if s.CrisisTextES != "Llama al 112." || s.CrisisText != "" {
			t.Fatalf("settings %+v", s)
		}
	})
}

func TestDB_LatestUserLanguage(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		if l, err := db.LatestUserLanguage(ctx, "lu1"); err != nil || l != "" {
			t.Fatalf("none stored: got %q, %v", l, err)
		}
		noErr(t, db.SetUserLanguage(ctx, "g1", "lu1", "en", at))
		noErr(t, db.SetUserLanguage(ctx, "g2", "lu1", "es", at.Add(time.Hour)))
		noErr(t, db.SetUserLanguage(ctx, "g1", "lu2", "en", at.Add(2*time.Hour)))
		if l, err := db.LatestUserLanguage(ctx, "lu1"); err != nil || l != "es" {
			t.Fatalf("got %q, %v; want the newest row, es", l, err)
		}
		noErr(t, db.SetUserLanguage(ctx, "g1", "lu1", "en", at.Add(3*time.Hour)))
		if l, _ := db.LatestUserLanguage(ctx, "lu1"); l != "en" {
			t.Fatalf("got %q after a newer interaction, want en", l)
		}
	})
}
