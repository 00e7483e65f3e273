package storage_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
	"github.com/hearthbot/hearth/storage/storagetest"
)

// testNow is the clock of the test databases.
var testNow = time.Date(2025, 3, 30, 0, 30, 0, 0, time.UTC)

var (
	testKey = bytes.Repeat([]byte{0x42}, storage.KeySize)
	oldKey  = bytes.Repeat([]byte{0x17}, storage.KeySize)
)

// testOptions are the options of a test database: the fixed clock and a
// keyring with testKey.
func testOptions(t *testing.T) storage.Options {
	t.Helper()
	keys, err := storage.NewKeyring(testKey)
	if err != nil {
		t.Fatal(err)
	}
	return storage.Options{Now: func() time.Time { return testNow }, Keys: keys}
}

// forEachDSN runs fn per database engine with a fresh empty database.
func forEachDSN(t *testing.T, fn func(t *testing.T, driver, dsn string)) {
	t.Helper()
	storagetest.ForEachDSN(t, fn)
}

// forEachDB runs fn per database engine with a fresh migrated database.
func forEachDB(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	t.Helper()
	forEachDSN(t, func(t *testing.T, driver, dsn string) {
		fn(t, openMigrated(t, driver, dsn, testOptions(t)))
	})
}

// openTestDB returns a fresh migrated SQLite database in a temp file.
func openTestDB(t *testing.T) *storage.DB {
	t.Helper()
	return openMigrated(t, storage.DriverSQLite, filepath.Join(t.TempDir(), "hearth.db"), testOptions(t))
}

// openDB opens a handle closed at the end of the test.
func openDB(t *testing.T, driver, dsn string, opts storage.Options) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), driver, dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db
}

func openMigrated(t *testing.T, driver, dsn string, opts storage.Options) *storage.DB {
	t.Helper()
	db := openDB(t, driver, dsn, opts)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// wantCode fails the test unless err has the hearth error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := hearth.ErrorCode(err); got != code {
		t.Fatalf("error %v: code %q, want %q", err, got, code)
	}
}

// noErr fails the test on an error.
func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var errTest = errors.New("fn refused")

// newGroup stores a valid group named name in guild.
func newGroup(t *testing.T, db *storage.DB, guild, name string) *hearth.Group {
	t.Helper()
	g := &hearth.Group{
		GuildID: guild, Name: name, ChannelID: "c1", FacilitatorID: "fac", ObserverID: "obs",
		Timezone: "Europe/Madrid", LengthMinutes: 90, Sharers: 2,
		ReminderOffsets: []time.Duration{24 * time.Hour, time.Hour},
	}
	noErr(t, db.CreateGroup(context.Background(), g, hearth.AuditEntry{ActorID: "admin", Action: "group.create"}))
	return g
}

// newMeeting stores a scheduled meeting of g starting at start.
func newMeeting(t *testing.T, db *storage.DB, g *hearth.Group, start time.Time) *hearth.Meeting {
	t.Helper()
	m := &hearth.Meeting{GroupID: g.ID, StartsAt: start, EndsAt: start.Add(g.Length())}
	noErr(t, db.CreateMeeting(context.Background(), m))
	return m
}

// legacyGroupMeeting stores a group and a meeting starting at start with
// plain SQL, as a build of an older schema version wrote them: today's
// rows have columns older versions lack. The returned values are what
// newGroup and newMeeting would return.
func legacyGroupMeeting(t *testing.T, db *storage.DB, guild, name string, start time.Time) (*hearth.Group, *hearth.Meeting) {
	t.Helper()
	ctx := context.Background()
	noErr(t, db.Exec(ctx, `INSERT INTO "groups" (guild_id, name, name_key, channel_id, facilitator_id, observer_id, timezone, length_minutes, reminder_offsets, sharers, created_at, updated_at)
		VALUES (?, ?, ?, 'c1', 'fac', 'obs', 'Europe/Madrid', 90, '1440,60', 2, ?, ?)`, guild, name, strings.ToLower(name), start, start))
	gid, err := db.ScanInt64(ctx, `SELECT id FROM "groups" WHERE guild_id = ? AND name = ?`, guild, name)
	noErr(t, err)
	g := &hearth.Group{ID: gid, GuildID: guild, Name: name, ChannelID: "c1", FacilitatorID: "fac", ObserverID: "obs",
		Timezone: "Europe/Madrid", LengthMinutes: 90, Sharers: 2, ReminderOffsets: []time.Duration{24 * time.Hour, time.Hour}}
	end := start.Add(g.Length())
	noErr(t, db.Exec(ctx, `INSERT INTO meetings (group_id, starts_at, ends_at, status) VALUES (?, ?, ?, 'scheduled')`, gid, start.UTC(), end.UTC()))
	mid, err := db.ScanInt64(ctx, `SELECT id FROM meetings WHERE group_id = ?`, gid)
	noErr(t, err)
	return g, &hearth.Meeting{ID: mid, GroupID: gid, StartsAt: start.UTC(), EndsAt: end.UTC(), Status: hearth.MeetingScheduled}
}
