package scheduler_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/storage"
	"github.com/hearthbot/hearth/storage/storagetest"
)

// waitTimeout bounds every wait; a safety net, never a timing assertion.
const waitTimeout = 30 * time.Second

var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// clock is an injected clock tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// forEachDSN runs fn per database engine with a fresh empty database.
func forEachDSN(t *testing.T, fn func(t *testing.T, driver, dsn string)) {
	t.Helper()
	storagetest.ForEachDSN(t, fn)
}

// forEachDB runs fn per database engine with a fresh migrated database.
func forEachDB(t *testing.T, fn func(t *testing.T, db *storage.DB, clk *clock)) {
	t.Helper()
	forEachDSN(t, func(t *testing.T, driver, dsn string) {
		clk := &clock{now: start}
		fn(t, openDB(t, driver, dsn, clk.Now), clk)
	})
}

// openDB opens and migrates a database handle closed after the test.
func openDB(t *testing.T, driver, dsn string, now func() time.Time) *storage.DB {
	t.Helper()
	keys, err := storage.NewKeyring(bytes.Repeat([]byte{0x42}, storage.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(context.Background(), driver, dsn, storage.Options{Now: now, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// quietLog discards the engine's log lines.
func quietLog() *slog.Logger { return slog.New(slog.DiscardHandler) }

// enqueue stores one test job of kind due at due.
func enqueue(t *testing.T, db *storage.DB, kind hearth.JobKind, key string, due time.Time) {
	t.Helper()
	if err := db.EnqueueJobs(context.Background(), &hearth.Job{Kind: kind, Key: key, DueAt: due}); err != nil {
		t.Fatal(err)
	}
}

// job reads a job back by key.
func job(t *testing.T, db *storage.DB, key string) *hearth.Job {
	t.Helper()
	j, err := db.Job(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// runDue runs the jobs due now and returns how many ran.
func runDue(t *testing.T, e interface {
	RunDue(context.Context) (int, error)
}) int {
	t.Helper()
	n, err := e.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}
