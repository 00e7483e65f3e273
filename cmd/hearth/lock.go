package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hearthbot/hearth"
)

// errLocked says another process holds the database: exit status 78, since
// starting again cannot help while that process runs.
type errLocked struct{ path string }

func (e *errLocked) Error() string {
	return fmt.Sprintf("another hearth process is using the SQLite database %s (its lock %s is held): stop it first; only one process may use a SQLite file",
		strings.TrimSuffix(e.path, ".lock"), e.path)
}

// lockDatabase takes the lock of a SQLite database file, so a second `hearth
// run`, `migrate` or `rekey` on the same file refuses to start: it would
// serve reads from its own stale cache. The lock is an flock on
// "<db>.lock", which the kernel releases when the process ends, even by a
// crash, so a stale lock never blocks a restart. PostgreSQL and in-memory
// databases need no lock. The returned func releases it.
func lockDatabase(cfg hearth.Config) (func(), error) {
	path := lockFilePath(cfg.Database)
	if path == "" {
		return func() {}, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open database lock: %w", err)
	}
	if err := flock(f); err != nil {
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, &errLocked{path: path}
		}
		return nil, fmt.Errorf("lock database %s: %w", path, err)
	}
	return func() { f.Close() }, nil // closing the file releases the lock
}

// lockFilePath is "<db>.lock" beside a SQLite file, or "" when there is no
// file to guard.
func lockFilePath(c hearth.DatabaseConfig) string {
	if c.Driver != "sqlite" {
		return ""
	}
	path := strings.TrimPrefix(strings.SplitN(c.DSN, "?", 2)[0], "file:")
	if path == "" || strings.Contains(path, ":memory:") || strings.Contains(c.DSN, "mode=memory") {
		return ""
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return abs + ".lock"
}
