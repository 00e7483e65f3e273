package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

// writeOldNotes stores a check-in and an alert with canary notes in a new
// SQLite database, encrypted under key, and returns the database path.
func writeOldNotes(t *testing.T, key []byte) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hearth.db")
	keys, err := storage.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(ctx, storage.DriverSQLite, path, storage.Options{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	g := &hearth.Group{GuildID: "1", Name: "Anxiety", ChannelID: "2", FacilitatorID: "3", ObserverID: "4", LengthMinutes: 90}
	if err := db.CreateGroup(ctx, g, hearth.AuditEntry{ActorID: "5", Action: "group.create"}); err != nil {
		t.Fatal(err)
	}
	m := &hearth.Meeting{GroupID: g.ID, StartsAt: time.Date(2026, 3, 2, 19, 0, 0, 0, time.UTC), EndsAt: time.Date(2026, 3, 2, 20, 0, 0, 0, time.UTC)}
	if err := db.CreateMeeting(ctx, m); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, UserID: "6", Mood: 2, Note: canary + " check-in"}); err != nil {
		t.Fatal(err)
	}
	a := &hearth.Alert{GuildID: "1", GroupID: g.ID, UserID: "6", Urgency: hearth.UrgencyLater, Note: canary + " alert"}
	if err := db.CreateAlert(ctx, a, nil, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

// rekey runs `hearth rekey` with the given environment.
func rekey(env map[string]string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	m := NewMain(&out, &errb)
	m.Getenv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	code = m.Run(context.Background(), []string{"rekey"})
	return code, out.String(), errb.String()
}

func TestMain_Rekey(t *testing.T) {
	oldKey, newKey := bytes.Repeat([]byte{1}, storage.KeySize), bytes.Repeat([]byte{2}, storage.KeySize)
	b64 := base64.StdEncoding.EncodeToString
	path := writeOldNotes(t, oldKey)
	env := map[string]string{
		"HEARTH_DATABASE_DSN":                 path,
		"HEARTH_SECURITY_ENCRYPTION_KEY":      b64(newKey),
		"HEARTH_SECURITY_OLD_ENCRYPTION_KEYS": b64(oldKey),
	}

	t.Run("ErrOldKeyMissing", func(t *testing.T) {
		code, _, stderr := rekey(map[string]string{"HEARTH_DATABASE_DSN": path, "HEARTH_SECURITY_ENCRYPTION_KEY": b64(newKey)})
		if code != exitConfig || !strings.Contains(stderr, storage.KeyID(oldKey)) || !strings.Contains(stderr, "old_encryption_keys") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
		if strings.Contains(stderr, "CANARY") {
			t.Errorf("the error shows a note: %q", stderr)
		}
	})
	t.Run("OK", func(t *testing.T) {
		code, stdout, stderr := rekey(env)
		if want := "re-encrypted 2 notes with key " + storage.KeyID(newKey) + "\n"; code != 0 || stdout != want {
			t.Fatalf("exit %d, stdout %q (want %q), stderr %q", code, stdout, want, stderr)
		}
		// The new key alone now reads every note.
		keys, err := storage.NewKeyring(newKey)
		if err != nil {
			t.Fatal(err)
		}
		db, err := storage.Open(context.Background(), storage.DriverSQLite, path, storage.Options{Keys: keys})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		note, err := db.AlertNote(context.Background(), 1)
		if err != nil || note != canary+" alert" {
			t.Fatalf("alert under the new key: %v", err)
		}
		c, err := db.CheckIn(context.Background(), 1, "6")
		if err != nil || c.Note != canary+" check-in" {
			t.Fatalf("check-in under the new key: %v", err)
		}
	})
	t.Run("Again", func(t *testing.T) {
		if code, stdout, _ := rekey(env); code != 0 || !strings.HasPrefix(stdout, "re-encrypted 0 notes") {
			t.Errorf("second run: exit %d, %q", code, stdout)
		}
	})
	t.Run("ErrNoDatabase", func(t *testing.T) {
		code, _, stderr := rekey(map[string]string{"HEARTH_DATABASE_DSN": filepath.Join(t.TempDir(), "typo.db"), "HEARTH_SECURITY_ENCRYPTION_KEY": b64(newKey)})
		if code != 1 || !strings.Contains(stderr, "check database.dsn") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})
}
