package main

import (
	"context"
	"fmt"
	"log/slog"
)

func (m *Main) runBot(ctx context.Context, args []string) error {
	fs, path := m.flags("run")
	cfg, err := m.parse(fs, path, args)
	if err != nil {
		return err
	}
	if cfg.Discord.Token == "" {
		return fmt.Errorf("discord.token is empty: set it in the configuration file or HEARTH_DISCORD_TOKEN (see the README: create an application and copy its bot token)")
	}
	log := newLogger(cfg.Log, m.Stderr)
	slog.SetDefault(log)
	unlock, err := lockDatabase(cfg)
	if err != nil {
		return err
	}
	defer unlock()
	app, err := NewApp(ctx, cfg, AppOptions{Logger: log})
	if err != nil {
		return err
	}
	defer app.Close()
	return app.Run(ctx)
}

func (m *Main) runMigrate(ctx context.Context, args []string) error {
	fs, path := m.flags("migrate")
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
	before, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	after, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "database schema at version %d (was %d)\n", after, before)
	return nil
}
