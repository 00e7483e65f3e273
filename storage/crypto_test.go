package storage_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

const canary = "CANARY-4f1d-my-private-note"

// TestDB_NotesEncrypted writes a canary note in a check-in and an alert and
// looks for it in the SQLite database and WAL files.
func TestDB_NotesEncrypted(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hearth.db")
	db := openMigrated(t, storage.DriverSQLite, path, testOptions(t))
	g := newGroup(t, db, "guild", "Recovery")
	m := newMeeting(t, db, g, testNow)
	c := &hearth.CheckIn{MeetingID: m.ID, UserID: "u1", Mood: 1, Note: canary + " check-in"}
	noErr(t, db.CreateCheckIn(ctx, c))
	a, _, _ := raise(t, db, g, canary+" alert")

	for _, f := range []string{path, path + "-wal"} {
		data, err := os.ReadFile(f)
		noErr(t, err)
		if len(data) == 0 {
			t.Fatalf("%s is empty", f)
		}
		if bytes.Contains(data, []byte("CANARY")) {
			t.Errorf("%s holds the note in plain text", filepath.Base(f))
		}
	}
	stored, err := db.StoredNote(ctx, "alerts", a.ID)
	noErr(t, err)
	if want := "v2:" + storage.KeyID(testKey) + ":"; !strings.HasPrefix(stored, want) {
		t.Fatalf("stored note %q lacks prefix %q", stored, want)
	}
	gotC, err := db.CheckIn(ctx, m.ID, "u1")
	noErr(t, err)
	gotA, err := db.AlertNote(ctx, a.ID)
	noErr(t, err)
	if gotC.Note != canary+" check-in" || gotA != canary+" alert" {
		t.Fatalf("decrypted %q / %q", gotC.Note, gotA)
	}
}

func TestDB_Rekey(t *testing.T) {
	forEachDSN(t, func(t *testing.T, driver, dsn string) {
		ctx := context.Background()
		oldRing, err := storage.NewKeyring(oldKey)
		noErr(t, err)
		opts := testOptions(t)
		opts.Keys = oldRing
		old := openMigrated(t, driver, dsn, opts)
		g := newGroup(t, old, "guild", "Recovery")
		m := newMeeting(t, old, g, testNow)
		noErr(t, old.CreateCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, UserID: "u1", Note: "old check-in"}))
		a, _, _ := raise(t, old, g, "old alert")
		raise(t, old, newGroup(t, old, "guild", "Empty note"), "")

		t.Run("OldKeyDecrypts", func(t *testing.T) {
			ring, err := storage.NewKeyring(testKey, oldKey)
			noErr(t, err)
			opts.Keys = ring
			db := openDB(t, driver, dsn, opts)
			got, err := db.AlertNote(ctx, a.ID)
			noErr(t, err)
			if got != "old alert" {
				t.Fatalf("note %q", got)
			}
			n, err := db.Rekey(ctx)
			noErr(t, err)
			if n != 2 {
				t.Fatalf("rekeyed %d notes, want 2", n)
			}
			if n, _ = db.Rekey(ctx); n != 0 {
				t.Fatalf("second rekey rewrote %d", n)
			}
			stored, _ := db.StoredNote(ctx, "check_ins", 1)
			if !strings.HasPrefix(stored, "v2:"+storage.KeyID(testKey)+":") {
				t.Fatalf("check-in note not under the new key: %.12s…", stored)
			}
		})
		t.Run("NewKeyOnly", func(t *testing.T) {
			db := openDB(t, driver, dsn, testOptions(t)) // the old key is gone
			got, err := db.CheckIn(ctx, m.ID, "u1")
			noErr(t, err)
			if got.Note != "old check-in" {
				t.Fatalf("note %q", got.Note)
			}
		})
		t.Run("ErrUnknownKey", func(t *testing.T) {
			opts.Keys = oldRing
			db := openDB(t, driver, dsn, opts)
			_, err := db.AlertNote(ctx, a.ID)
			wantCode(t, err, hearth.EINTERNAL)
			if strings.Contains(err.Error(), "old alert") {
				t.Fatal("error reveals the note")
			}
			// Acting on the alert needs no key: only its note does.
			got, err := db.Alert(ctx, a.ID)
			noErr(t, err)
			if !got.HasNote || got.Note != "" {
				t.Fatalf("alert without key: has note %v, note %q", got.HasNote, got.Note)
			}
		})
		t.Run("ErrNoKeys", func(t *testing.T) {
			opts.Keys = nil
			db := openDB(t, driver, dsn, opts)
			wantCode(t, db.CreateCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, UserID: "u2", Note: "x"}), hearth.EINTERNAL)
			noErr(t, db.CreateCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, UserID: "u3"}))
		})
	})
}

func TestNewKeyring(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		k, err := storage.NewKeyring(testKey, oldKey, testKey)
		noErr(t, err)
		if k.CurrentID() != storage.KeyID(testKey) || len(k.CurrentID()) != 8 {
			t.Fatalf("current id %q", k.CurrentID())
		}
	})
	t.Run("ErrSize", func(t *testing.T) {
		if _, err := storage.NewKeyring(testKey[:16]); err == nil {
			t.Fatal("AES-128 key accepted")
		}
		if _, err := storage.NewKeyring(testKey, []byte("short")); err == nil {
			t.Fatal("short old key accepted")
		}
	})
}

func TestKeyFile(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "hearth.key")
		key, err := storage.CreateKeyFile(path)
		noErr(t, err)
		if len(key) != storage.KeySize {
			t.Fatalf("%d bytes", len(key))
		}
		fi, err := os.Stat(path)
		noErr(t, err)
		if fi.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v", fi.Mode().Perm())
		}
		again, err := storage.LoadKeyFile(path)
		noErr(t, err)
		if !bytes.Equal(again, key) {
			t.Fatal("load read another key")
		}
		if _, err := storage.CreateKeyFile(path); !errors.Is(err, fs.ErrExist) {
			t.Fatalf("a second create replaced the key: %v", err)
		}
	})
	t.Run("ErrMissing", func(t *testing.T) {
		_, err := storage.LoadKeyFile(filepath.Join(t.TempDir(), "hearth.key"))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrReadableByOthers", func(t *testing.T) {
		for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o601} {
			path := filepath.Join(t.TempDir(), "hearth.key")
			noErr(t, os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(testKey)), 0o600))
			noErr(t, os.Chmod(path, mode))
			_, err := storage.LoadKeyFile(path)
			var ke *storage.KeyError
			if !errors.As(err, &ke) || !strings.Contains(err.Error(), "chmod 600") {
				t.Fatalf("mode %04o: err = %v", mode, err)
			}
		}
	})
	t.Run("ErrBadFile", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "hearth.key")
		noErr(t, os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString([]byte("too short"))), 0o600))
		if _, err := storage.LoadKeyFile(path); err == nil {
			t.Fatal("short key accepted")
		}
	})
	t.Run("DecodeKey", func(t *testing.T) {
		key, err := storage.DecodeKey(" " + base64.StdEncoding.EncodeToString(testKey) + "\n")
		noErr(t, err)
		if !bytes.Equal(key, testKey) {
			t.Fatal("decoded another key")
		}
		if _, err := storage.DecodeKey("not base64!"); err == nil {
			t.Fatal("garbage accepted")
		}
	})
}
