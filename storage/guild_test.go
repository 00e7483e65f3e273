package storage_test

import (
	"context"
	"testing"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func TestDB_GuildSettings(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		t.Run("Defaults", func(t *testing.T) {
			s, err := db.GuildSettings(ctx, "guild")
			noErr(t, err)
			if *s != *hearth.DefaultGuildSettings("guild") {
				t.Fatalf("settings = %+v", s)
			}
		})
		t.Run("OK", func(t *testing.T) {
			audit := hearth.AuditEntry{ActorID: "admin", Action: "settings.crisis", Target: "guild"}
			s, err := db.UpdateGuildSettings(ctx, "guild", func(s *hearth.GuildSettings) error {
				s.CrisisText, s.RetentionDays, s.GuildID = "Call 112", 90, "hijack"
				return nil
			}, audit)
			noErr(t, err)
			if s.GuildID != "guild" || !s.UpdatedAt.Equal(testNow) {
				t.Fatalf("updated = %+v", s)
			}
			s, err = db.UpdateGuildSettings(ctx, "guild", func(s *hearth.GuildSettings) error {
				s.LeadID = "lead"
				return nil
			}, audit)
			noErr(t, err)
			got, err := db.GuildSettings(ctx, "guild")
			noErr(t, err)
			if got.CrisisText != "Call 112" || got.RetentionDays != 90 || got.LeadID != "lead" || *got != *s {
				t.Fatalf("stored = %+v", got)
			}
			log, _ := db.AuditLog(ctx, "guild", 0, 0)
			if len(log) != 2 {
				t.Fatalf("audit log has %d entries", len(log))
			}
		})
		t.Run("ErrFn", func(t *testing.T) {
			_, err := db.UpdateGuildSettings(ctx, "fresh", func(s *hearth.GuildSettings) error {
				s.LeadID = "x"
				return errTest
			}, hearth.AuditEntry{Action: "settings.lead"})
			if err != errTest {
				t.Fatalf("error %v", err)
			}
			s, _ := db.GuildSettings(ctx, "fresh")
			if s.LeadID != "" {
				t.Fatal("fn's error did not roll back")
			}
			if log, _ := db.AuditLog(ctx, "fresh", 0, 0); len(log) != 0 {
				t.Fatal("audit entry saved despite the error")
			}
		})
	})
}

func TestDB_LeadGuilds(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		audit := hearth.AuditEntry{ActorID: "admin", Action: "settings.lead"}
		for _, g := range []string{"g2", "g1", "g3"} {
			lead := "lead-a"
			if g == "g3" {
				lead = "lead-b"
			}
			_, err := db.UpdateGuildSettings(ctx, g, func(s *hearth.GuildSettings) error { s.LeadID = lead; return nil }, audit)
			noErr(t, err)
		}
		got, err := db.LeadGuilds(ctx, "lead-a")
		noErr(t, err)
		if len(got) != 2 || got[0] != "g1" || got[1] != "g2" {
			t.Fatalf("lead-a leads %v, want [g1 g2]", got)
		}
		if got, _ := db.LeadGuilds(ctx, "nobody"); len(got) != 0 {
			t.Fatalf("nobody leads %v", got)
		}
		if got, _ := db.LeadGuilds(ctx, ""); len(got) != 0 {
			t.Fatalf("the empty id leads %v", got)
		}
	})
}
