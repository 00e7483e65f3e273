package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

// TestDB_NotesBoundToRow copies a note's ciphertext into another row and
// another column, as someone with write access to the database might: it
// must not decrypt there.
func TestDB_NotesBoundToRow(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		g := newGroup(t, db, "guild", "Recovery")
		m := newMeeting(t, db, g, testNow)
		noErr(t, db.CreateCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, UserID: "u1", Note: "u1's private check-in"}))
		noErr(t, db.CreateCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, UserID: "u2", Note: "u2's own"}))
		secret, _, _ := raise(t, db, g, "the secret alert")
		other, _, _ := raise(t, db, g, "a harmless note")

		t.Run("OK", func(t *testing.T) {
			c, err := db.CheckIn(ctx, m.ID, "u1")
			noErr(t, err)
			note, err := db.AlertNote(ctx, secret.ID)
			noErr(t, err)
			if c.Note != "u1's private check-in" || note != "the secret alert" {
				t.Fatalf("notes %q, %q", c.Note, note)
			}
		})
		t.Run("ErrCopiedToAnotherAlert", func(t *testing.T) {
			blob, err := db.StoredNote(ctx, "alerts", secret.ID)
			noErr(t, err)
			noErr(t, db.Exec(ctx, "UPDATE alerts SET note = ? WHERE id = ?", blob, other.ID))
			got, err := db.AlertNote(ctx, other.ID)
			wantCode(t, err, hearth.EINTERNAL)
			if strings.Contains(err.Error()+got, "secret") {
				t.Fatal("the copied note was shown")
			}
		})
		t.Run("ErrCopiedToAnotherColumn", func(t *testing.T) {
			blob, err := db.StoredNote(ctx, "alerts", secret.ID)
			noErr(t, err)
			noErr(t, db.Exec(ctx, "UPDATE alerts SET resolution_note = ? WHERE id = ?", blob, secret.ID))
			_, err = db.UserData(ctx, "guild", secret.UserID)
			wantCode(t, errors.Unwrap(err), hearth.EINTERNAL)
		})
		t.Run("ErrCopiedToAnotherTable", func(t *testing.T) {
			// The alert and a check-in share a row id: the table tells them apart.
			c, err := db.CheckIn(ctx, m.ID, "u1")
			noErr(t, err)
			if c.ID != secret.ID {
				t.Fatalf("check-in %d and alert %d: the fresh database should number both from 1", c.ID, secret.ID)
			}
			blob, err := db.StoredNote(ctx, "alerts", secret.ID)
			noErr(t, err)
			noErr(t, db.Exec(ctx, "UPDATE check_ins SET note = ? WHERE id = ?", blob, c.ID))
			_, err = db.CheckIn(ctx, m.ID, "u1")
			wantCode(t, err, hearth.EINTERNAL)
		})
	})
}

// TestDB_MigrateBindsNotes stores notes as schema version 8 did (format
// v1, unbound), migrates, and checks every note was sealed again, bound to
// its row, and reads back; has_note is backfilled.
func TestDB_MigrateBindsNotes(t *testing.T) {
	forEachDSN(t, func(t *testing.T, driver, dsn string) {
		ctx := context.Background()
		oldRing, err := storage.NewKeyring(oldKey)
		noErr(t, err)
		opts := testOptions(t)
		opts.Keys = oldRing
		old := openDB(t, driver, dsn, opts)
		noErr(t, old.MigrateTo(ctx, 8))
		g, m := legacyGroupMeeting(t, old, "guild", "Recovery", testNow)
		noErr(t, old.Exec(ctx, `INSERT INTO check_ins (meeting_id, group_id, user_id, created_at) VALUES (?, ?, 'u1', ?)`, m.ID, g.ID, testNow))
		noErr(t, old.Exec(ctx, "UPDATE check_ins SET note = ?", oldRing.SealLegacy("old check-in")))
		for i, note := range []string{oldRing.SealLegacy("old alert"), ""} {
			noErr(t, old.Exec(ctx, `INSERT INTO alerts (guild_id, group_id, user_id, urgency, note, resolution_note, status, created_at)
				VALUES ('guild', ?, 'u1', 'now', ?, ?, 'resolved', ?)`, g.ID, note, oldRing.SealLegacy("closed "+string(rune('a'+i))), testNow))
		}

		t.Run("ErrNoKeys", func(t *testing.T) {
			o := testOptions(t)
			o.Keys = nil
			noKeys := openDB(t, driver, dsn, o)
			if err := noKeys.Migrate(ctx); err == nil {
				t.Fatal("migrated notes without a key")
			}
			if v, _ := noKeys.SchemaVersion(ctx); v != 9 {
				t.Fatalf("version %d after a failed migration, want 9", v)
			}
		})
		t.Run("OK", func(t *testing.T) {
			// The new build runs with a new key and the old one kept.
			ring, err := storage.NewKeyring(testKey, oldKey)
			noErr(t, err)
			o := testOptions(t)
			o.Keys = ring
			db := openDB(t, driver, dsn, o)
			noErr(t, db.Migrate(ctx))
			for _, table := range []string{"check_ins", "alerts"} {
				n, err := db.Count(ctx, table, "note LIKE 'v1:%'")
				noErr(t, err)
				if n != 0 {
					t.Fatalf("%s: %d notes left unbound", table, n)
				}
			}
			n, err := db.Count(ctx, "alerts", "resolution_note LIKE ?", "v2:"+storage.KeyID(testKey)+":%")
			noErr(t, err)
			if n != 2 {
				t.Fatalf("%d closing notes sealed again, want 2", n)
			}
			c, err := db.CheckIn(ctx, m.ID, "u1")
			noErr(t, err)
			if c.Note != "old check-in" {
				t.Fatalf("check-in note %q", c.Note)
			}
			a1, err := db.Alert(ctx, 1)
			noErr(t, err)
			a2, err := db.Alert(ctx, 2)
			noErr(t, err)
			if !a1.HasNote || a2.HasNote {
				t.Fatalf("has_note %v, %v; want true, false", a1.HasNote, a2.HasNote)
			}
			note, err := db.AlertNote(ctx, 1)
			noErr(t, err)
			d, err := db.UserData(ctx, "guild", "u1")
			noErr(t, err)
			if note != "old alert" || d.Alerts[1].ResolutionNote != "closed b" {
				t.Fatalf("notes %q, %q", note, d.Alerts[1].ResolutionNote)
			}
		})
	})
}

func TestDB_CheckKeys(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		noErr(t, db.CheckKeys(ctx, nil, "x.key")) // no note yet: a key may be generated
		g := newGroup(t, db, "guild", "Recovery")
		raise(t, db, g, "a note")
		ring, _ := storage.NewKeyring(testKey)
		noErr(t, db.CheckKeys(ctx, ring, ""))
		rotated, _ := storage.NewKeyring(oldKey, testKey)
		noErr(t, db.CheckKeys(ctx, rotated, ""))

		t.Run("ErrChangedKey", func(t *testing.T) {
			other, _ := storage.NewKeyring(oldKey)
			err := db.CheckKeys(ctx, other, "")
			var ke *storage.KeyError
			if !errors.As(err, &ke) || len(ke.Missing) != 1 || ke.Missing[0] != storage.KeyID(testKey) {
				t.Fatalf("err = %v", err)
			}
			if !strings.Contains(err.Error(), storage.KeyID(testKey)) || !strings.Contains(err.Error(), "old_encryption_keys") {
				t.Fatalf("message does not say how to fix it: %v", err)
			}
		})
		t.Run("ErrNoKeyFile", func(t *testing.T) {
			err := db.CheckKeys(ctx, nil, "/data/hearth.db.key")
			if err == nil || !strings.Contains(err.Error(), "/data/hearth.db.key") || !strings.Contains(err.Error(), storage.KeyID(testKey)) {
				t.Fatalf("err = %v", err)
			}
		})
	})
}
