package storage_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
)

func TestOpen_SQLite(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		db := openTestDB(t)
		// synchronous: NORMAL (1) for most writes, FULL (2) for alerts.
		for pragma, want := range map[string]string{
			"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "5000", "secure_delete": "1", "synchronous": "1",
		} {
			got, err := db.Pragma(ctx, pragma)
			noErr(t, err)
			if got != want {
				t.Errorf("PRAGMA %s = %q, want %q", pragma, got, want)
			}
			if pragma == "synchronous" {
				want = "2"
			}
			got, err = db.DurablePragma(ctx, pragma)
			noErr(t, err)
			if got != want {
				t.Errorf("durable connection: PRAGMA %s = %q, want %q", pragma, got, want)
			}
		}
		noErr(t, db.Ping(ctx))
	})
	t.Run("Memory", func(t *testing.T) {
		db := openMigrated(t, storage.DriverSQLite, ":memory:", testOptions(t))
		newGroup(t, db, "guild", "Anxiety")
		if gs, err := db.Groups(ctx, "guild"); err != nil || len(gs) != 1 {
			t.Fatalf("in-memory database lost data between connections: %v, %d groups", err, len(gs))
		}
		fk, err := db.Pragma(ctx, "foreign_keys")
		noErr(t, err)
		if fk != "1" {
			t.Errorf("foreign_keys = %q", fk)
		}
	})
	t.Run("ErrDriver", func(t *testing.T) {
		if _, err := storage.Open(ctx, "mysql", "x", storage.Options{}); err == nil {
			t.Fatal("unknown driver accepted")
		}
	})
	t.Run("ErrPath", func(t *testing.T) {
		dsn := filepath.Join(t.TempDir(), "missing", "dir", "hearth.db")
		if _, err := storage.Open(ctx, storage.DriverSQLite, dsn, storage.Options{}); err == nil {
			t.Fatal("database in a missing directory opened")
		}
	})
}

func TestSQLiteDSN(t *testing.T) {
	for in, want := range map[string]string{
		"hearth.db":              "hearth.db?_journal_mode=WAL&_busy_timeout=5000&_txlock=immediate&_foreign_keys=on&_secure_delete=on",
		"file:x.db?cache=shared": "file:x.db?cache=shared&_journal_mode=WAL&_busy_timeout=5000&_txlock=immediate&_foreign_keys=on&_secure_delete=on",
	} {
		if got := storage.SQLiteDSN(in); got != want {
			t.Errorf("SQLiteDSN(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDB_UTC stores times in other zones, with nanoseconds, and reads them
// back in UTC at microsecond precision.
func TestDB_UTC(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		madrid, err := time.LoadLocation("Europe/Madrid")
		noErr(t, err)
		start := time.Date(2025, 3, 30, 19, 0, 0, 123456789, madrid) // the day DST starts
		g := newGroup(t, db, "guild", "UTC")
		m := newMeeting(t, db, g, start)
		got, err := db.Meeting(ctx, m.ID)
		noErr(t, err)
		want := start.UTC().Truncate(time.Microsecond)
		if !got.StartsAt.Equal(want) || got.StartsAt.Location() != time.UTC {
			t.Errorf("StartsAt = %v, want %v in UTC", got.StartsAt, want)
		}
		if got.EndsAt.Location() != time.UTC {
			t.Errorf("EndsAt location = %v", got.EndsAt.Location())
		}
		ng, err := db.Group(ctx, g.ID)
		noErr(t, err)
		if !ng.CreatedAt.Equal(testNow) || ng.CreatedAt.Location() != time.UTC || !ng.ScheduleSetAt.IsZero() {
			t.Errorf("CreatedAt = %v, ScheduleSetAt = %v", ng.CreatedAt, ng.ScheduleSetAt)
		}
		// Comparisons in SQL use the stored instants, whatever zone the argument has.
		up, err := db.UpcomingMeetings(ctx, g.ID, want.Add(time.Hour).In(madrid), 5)
		noErr(t, err)
		if len(up) != 1 {
			t.Fatalf("upcoming = %d meetings, want 1", len(up))
		}
		up, err = db.UpcomingMeetings(ctx, g.ID, want.Add(g.Length()).In(madrid), 5)
		noErr(t, err)
		if len(up) != 0 {
			t.Fatalf("upcoming after the end = %d meetings, want 0", len(up))
		}
	})
}

// TestDB_WriterQueue checks that on SQLite writes wait for the transaction
// in hand in this process's queue, not in SQLite's busy handler (the busy
// timeout here is 1 ms), and that a write begun inside a transaction fails
// once its wait is over instead of hanging.
func TestDB_WriterQueue(t *testing.T) {
	ctx := context.Background()
	entry := hearth.AuditEntry{GuildID: "guild", Action: "test.write"}
	open := func(t *testing.T) *storage.DB {
		return openMigrated(t, storage.DriverSQLite, filepath.Join(t.TempDir(), "hearth.db")+"?_busy_timeout=1", testOptions(t))
	}
	t.Run("OK", func(t *testing.T) {
		db := open(t)
		queued := make(chan struct{}, 2)
		db.OnWriterQueue(func() { queued <- struct{}{} }, time.Minute)
		release, held := make(chan struct{}), make(chan error, 1)
		inTx := make(chan struct{})
		go func() { held <- db.InWriteTx(ctx, func() error { close(inTx); <-release; return nil }) }()
		<-inTx
		wrote, txWrote := make(chan error, 1), make(chan error, 1)
		go func() { wrote <- db.Audit(ctx, entry) }()
		go func() { txWrote <- db.InWriteTx(ctx, func() error { return nil }) }()
		<-queued
		<-queued
		close(release)
		noErr(t, <-held)
		noErr(t, <-wrote)
		noErr(t, <-txWrote)
		log, err := db.AuditLog(ctx, "guild", 0, 0)
		noErr(t, err)
		if len(log) != 1 {
			t.Fatalf("%d audit entries, want 1", len(log))
		}
	})
	t.Run("ErrNested", func(t *testing.T) {
		db := open(t)
		db.OnWriterQueue(nil, time.Millisecond)
		if err := db.InWriteTx(ctx, func() error { return db.Audit(ctx, entry) }); err == nil {
			t.Fatal("a write inside a transaction succeeded")
		}
	})
	t.Run("ErrCanceled", func(t *testing.T) {
		db := open(t)
		wctx, cancel := context.WithCancel(ctx)
		db.OnWriterQueue(cancel, time.Minute)
		err := db.InWriteTx(ctx, func() error { return db.InWriteTx(wctx, func() error { return nil }) })
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
	})
}
