package main

import (
	"context"
	"fmt"
)

// runRekey re-encrypts every note stored under an old key with the current
// one, so the old key can then be dropped from security.old_encryption_keys.
// It prints counts and key ids only, never a note.
func (m *Main) runRekey(ctx context.Context, args []string) error {
	fs, path := m.flags("rekey")
	cfg, err := m.parse(fs, path, args)
	if err != nil {
		return err
	}
	log := newLogger(cfg.Log, m.Stderr)
	unlock, err := lockDatabase(cfg)
	if err != nil {
		return err
	}
	defer unlock()
	db, err := openDB(ctx, cfg, nil, log)
	if err != nil {
		return err
	}
	defer db.Close()
	// An empty schema means a mistyped dsn: say so instead of creating one.
	if v, err := db.SchemaVersion(ctx); err != nil {
		return err
	} else if v == 0 {
		return fmt.Errorf("database %s has no hearth tables: check database.dsn", cfg.Database.Driver)
	}
	n, err := db.Rekey(ctx)
	if err != nil {
		return fmt.Errorf("re-encrypted %d notes, then: %w", n, err)
	}
	fmt.Fprintf(m.Stdout, "re-encrypted %d notes with key %s\n", n, db.KeyID())
	return nil
}
