package main

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
	"github.com/hearthbot/hearth/storage"
)

// dbWithNote makes a SQLite database as `hearth run` leaves it: migrated,
// its key generated into the file beside it, and an alert with a note. It
// returns the environment that runs hearth on it and the key's id.
func dbWithNote(t *testing.T) (map[string]string, string, string) {
	t.Helper()
	fake := discordtest.NewServer(t)
	dsn := filepath.Join(t.TempDir(), "hearth.db")
	env := map[string]string{
		"HEARTH_DISCORD_TOKEN":        "not-the-token",
		"HEARTH_DISCORD_API_BASE_URL": fake.URL,
		"HEARTH_DATABASE_DSN":         dsn,
		"HEARTH_HTTP_LISTEN":          "",
	}
	if code, _, errOut := runMain(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: exit %d: %s", code, errOut)
	}
	keyFile := dsn + ".key"
	key, err := storage.LoadKeyFile(keyFile)
	if err != nil {
		t.Fatalf("no key generated for the new database: %v", err)
	}
	ring, err := storage.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, storage.DriverSQLite, dsn, storage.Options{Keys: ring})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	g := &hearth.Group{GuildID: "guild", Name: "Recovery", ChannelID: "c1", FacilitatorID: "fac", ObserverID: "obs",
		Timezone: "UTC", LengthMinutes: 60, Sharers: 2}
	if err := db.CreateGroup(ctx, g, hearth.AuditEntry{ActorID: "admin", Action: "group.create"}); err != nil {
		t.Fatal(err)
	}
	a := &hearth.Alert{GuildID: "guild", GroupID: g.ID, UserID: "member", Urgency: hearth.UrgencyNow, Note: "a private note"}
	if err := db.CreateAlert(ctx, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	return env, keyFile, storage.KeyID(key)
}

// TestRun_KeyNeverReplaced runs `hearth run` (and migrate, rekey) on a
// database holding a note, after the key was lost, changed or left
// readable by others: each refuses to start with exit status 78, naming
// the key id and the fix, and no new key file appears.
func TestRun_KeyNeverReplaced(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		env, _, _ := dbWithNote(t)
		if code, _, errOut := runMain(t, env, "migrate"); code != 0 {
			t.Fatalf("migrate with the right key: exit %d: %s", code, errOut)
		}
	})
	t.Run("ErrDeletedKeyFile", func(t *testing.T) {
		env, keyFile, id := dbWithNote(t)
		if err := os.Remove(keyFile); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range []string{"run", "migrate", "rekey"} {
			code, _, errOut := runMain(t, env, cmd)
			if code != exitConfig {
				t.Fatalf("%s: exit status %d, want %d: %s", cmd, code, exitConfig, errOut)
			}
			for _, want := range []string{id, keyFile, "Restore that key"} {
				if !strings.Contains(errOut, want) {
					t.Errorf("%s: message lacks %q: %s", cmd, want, errOut)
				}
			}
			if _, err := os.Stat(keyFile); !os.IsNotExist(err) {
				t.Fatalf("%s generated a new key file (%v)", cmd, err)
			}
		}
	})
	t.Run("ErrChangedKey", func(t *testing.T) {
		env, _, id := dbWithNote(t)
		env["HEARTH_SECURITY_ENCRYPTION_KEY"] = base64.StdEncoding.EncodeToString([]byte("another key of thirty-two bytes!"))
		for _, cmd := range []string{"run", "rekey"} {
			code, _, errOut := runMain(t, env, cmd)
			if code != exitConfig || !strings.Contains(errOut, id) || !strings.Contains(errOut, "old_encryption_keys") {
				t.Fatalf("%s: exit status %d, want %d naming %s and old_encryption_keys: %s", cmd, code, exitConfig, id, errOut)
			}
		}
	})
	t.Run("ErrKeyFileReadableByOthers", func(t *testing.T) {
		env, keyFile, _ := dbWithNote(t)
		if err := os.Chmod(keyFile, 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := runMain(t, env, "run")
		if code != exitConfig || !strings.Contains(errOut, keyFile) || !strings.Contains(errOut, "chmod 600") {
			t.Fatalf("exit status %d, want %d with the fix: %s", code, exitConfig, errOut)
		}
	})
}
