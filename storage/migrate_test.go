package storage_test

import (
	"context"
	"sync"
	"testing"

	"github.com/hearthbot/hearth/storage"
)

func TestDB_Migrate(t *testing.T) {
	ctx := context.Background()
	t.Run("Fresh", func(t *testing.T) {
		forEachDSN(t, func(t *testing.T, driver, dsn string) {
			db := openDB(t, driver, dsn, testOptions(t))
			v, err := db.SchemaVersion(ctx)
			noErr(t, err)
			if v != 0 {
				t.Fatalf("empty database at version %d", v)
			}
			noErr(t, db.Migrate(ctx))
			if v, _ = db.SchemaVersion(ctx); v != storage.LatestVersion() {
				t.Fatalf("version %d, want %d", v, storage.LatestVersion())
			}
			newGroup(t, db, "guild", "Fresh")
		})
	})
	t.Run("Upgrade", func(t *testing.T) {
		forEachDSN(t, func(t *testing.T, driver, dsn string) {
			db := openDB(t, driver, dsn, testOptions(t))
			noErr(t, db.MigrateTo(ctx, 1))
			if v, _ := db.SchemaVersion(ctx); v != 1 {
				t.Fatalf("version %d, want 1", v)
			}
			if db.HasIndex("jobs", "jobs_status_due") || !db.HasIndex("jobs", "jobs_claim") {
				t.Fatal("version 1 is not as it was released")
			}
			// Written as a build of version 1 wrote it: today's group rows
			// have columns version 1 lacks.
			noErr(t, db.Exec(ctx, `INSERT INTO "groups" (guild_id, name, name_key, channel_id, facilitator_id, observer_id, timezone, length_minutes, reminder_offsets, sharers, created_at, updated_at)
				VALUES ('guild', 'Before upgrade', 'before upgrade', 'c', 'f', 'o', 'UTC', 90, '1440,60', 2, '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00')`))
			g, err := db.GroupByName(ctx, "guild", "Before upgrade")
			noErr(t, err)

			// A second process of a newer build upgrades it.
			db2 := openDB(t, driver, dsn, testOptions(t))
			noErr(t, db2.Migrate(ctx))
			if v, _ := db2.SchemaVersion(ctx); v != storage.LatestVersion() {
				t.Fatalf("version %d, want %d", v, storage.LatestVersion())
			}
			if !db2.HasIndex("jobs", "jobs_status_due") || !db2.HasIndex("alerts", "alerts_group_status") {
				t.Fatal("upgrade did not add version 2's indexes")
			}
			if db2.HasIndex("jobs", "jobs_claim") {
				t.Fatal("upgrade did not drop jobs_claim (version 7)")
			}
			if !db2.HasIndex("jobs", "jobs_held_lease") {
				t.Fatal("upgrade did not add jobs_held_lease (version 8)")
			}
			if got, err := db2.Group(ctx, g.ID); err != nil || got.Name != "Before upgrade" || got.Language != "" {
				t.Fatalf("data lost in upgrade: %+v, %v", got, err)
			}
		})
	})
	t.Run("Idempotent", func(t *testing.T) {
		forEachDB(t, func(t *testing.T, db *storage.DB) {
			g := newGroup(t, db, "guild", "Twice")
			noErr(t, db.Migrate(ctx))
			noErr(t, db.MigrateTo(ctx, 1)) // never goes back
			if v, _ := db.SchemaVersion(ctx); v != storage.LatestVersion() {
				t.Fatalf("version %d", v)
			}
			if _, err := db.Group(ctx, g.ID); err != nil {
				t.Fatal(err)
			}
		})
	})
	t.Run("Concurrent", func(t *testing.T) {
		forEachDSN(t, func(t *testing.T, driver, dsn string) {
			dbs := []*storage.DB{openDB(t, driver, dsn, testOptions(t)), openDB(t, driver, dsn, testOptions(t))}
			var wg sync.WaitGroup
			errs := make([]error, len(dbs))
			for i, db := range dbs {
				wg.Go(func() { errs[i] = db.Migrate(ctx) })
			}
			wg.Wait()
			for _, err := range errs {
				noErr(t, err)
			}
			if v, _ := dbs[0].SchemaVersion(ctx); v != storage.LatestVersion() {
				t.Fatalf("version %d", v)
			}
		})
	})
	t.Run("ErrVersion", func(t *testing.T) {
		db := openTestDB(t)
		if err := db.MigrateTo(ctx, storage.LatestVersion()+1); err == nil {
			t.Fatal("unknown version accepted")
		}
		noErr(t, db.Exec(ctx, "INSERT INTO schema_migrations (version, applied_at) VALUES (999, '2025-01-01 00:00:00+00:00')"))
		if err := db.Migrate(ctx); err == nil {
			t.Fatal("a database newer than the build was migrated")
		}
	})
}
