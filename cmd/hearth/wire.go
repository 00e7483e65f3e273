package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/bot"
	"github.com/hearthbot/hearth/commands"
	"github.com/hearthbot/hearth/scheduler"
	"github.com/hearthbot/hearth/storage"
)

// AppOptions are the seams of an App: tests and the demo inject a clock, a
// logger and a transport; production uses the defaults.
type AppOptions struct {
	Now        func() time.Time
	Logger     *slog.Logger
	Transport  http.RoundTripper
	DeferAfter time.Duration
}

// App is hearth wired together: database, delivery engine, alert handlers,
// commands and the Discord bot.
type App struct {
	Config hearth.Config
	DB     *storage.DB
	Engine *scheduler.Engine
	// Planner stores meetings ahead and re-plans groups that change.
	Planner *scheduler.Planner
	Bot     *bot.Bot
	Router  *commands.Router
	Log     *slog.Logger

	ready chan struct{} // closed once connected and commands are registered
}

// Ready is closed once Run has connected and registered the commands.
func (a *App) Ready() <-chan struct{} { return a.ready }

// NewApp opens and migrates the database and builds every component. It
// does not connect to Discord; Run does.
func NewApp(ctx context.Context, cfg hearth.Config, o AppOptions) (*App, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	db, err := openDB(ctx, cfg, o.Now, o.Logger)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	a := &App{Config: cfg, DB: db, Log: o.Logger, Router: commands.NewRouter(), ready: make(chan struct{})}
	a.Engine = scheduler.NewEngine(db, o.Now, o.Logger)
	a.Planner = scheduler.NewPlanner(db, o.Now, cfg.Scheduler.Horizon, o.Logger)
	a.Planner.Wake = a.Engine.Wake
	svc := &commands.Service{Store: db, Config: cfg, Wake: a.Engine.Wake, Replan: a.Planner.Replan, Log: o.Logger}
	svc.Register(a.Router)
	a.Bot, err = bot.New(bot.Options{
		Discord:    cfg.Discord,
		Router:     a.Router,
		Logger:     o.Logger,
		Now:        o.Now,
		DeferAfter: o.DeferAfter,
		Transport:  o.Transport,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	svc.Discord = a.Bot
	alerts := &scheduler.Alerts{Engine: a.Engine, Store: db, Discord: a.Bot, Config: cfg.Alerts, Log: o.Logger}
	alerts.Register()
	meetings := &scheduler.Meetings{Engine: a.Engine, Store: db, Discord: a.Bot, CatchUp: cfg.Scheduler.CatchUp, Log: o.Logger}
	meetings.Register()
	return a, nil
}

// openDB opens the configured database with the note encryption keys.
func openDB(ctx context.Context, cfg hearth.Config, now func() time.Time, log *slog.Logger) (*storage.DB, error) {
	keys, err := keyring(cfg, log)
	if err != nil {
		return nil, err
	}
	return storage.Open(ctx, cfg.Database.Driver, cfg.Database.DSN, storage.Options{Now: now, Keys: keys})
}

// keyring builds the note keys: the configured key (and old keys), or, for
// SQLite only, a key generated on first run into a 0600 file beside the
// database. Several PostgreSQL processes must share one configured key.
func keyring(cfg hearth.Config, log *slog.Logger) (*storage.Keyring, error) {
	var old [][]byte
	for _, k := range cfg.Security.OldEncryptionKeys {
		b, err := storage.DecodeKey(k)
		if err != nil {
			return nil, fmt.Errorf("security.old_encryption_keys: %w", err)
		}
		old = append(old, b)
	}
	if cfg.Security.EncryptionKey != "" {
		key, err := storage.DecodeKey(cfg.Security.EncryptionKey)
		if err != nil {
			return nil, fmt.Errorf("security.encryption_key: %w", err)
		}
		return storage.NewKeyring(key, old...)
	}
	if cfg.Database.Driver != "sqlite" {
		return nil, errors.New("security.encryption_key is required with database.driver = \"postgres\": every process must encrypt notes with the same key (generate one with `openssl rand -base64 32`)")
	}
	path := keyFilePath(cfg.Database.DSN)
	key, created, err := storage.LoadOrCreateKeyFile(path)
	if err != nil {
		return nil, err
	}
	if created {
		log.Warn("generated a new encryption key for notes; back it up: without it the notes cannot be read", "path", path)
	}
	return storage.NewKeyring(key, old...)
}

// keyFilePath puts the generated key beside the SQLite database file.
func keyFilePath(dsn string) string {
	path := strings.TrimPrefix(strings.SplitN(dsn, "?", 2)[0], "file:")
	if path == "" || strings.Contains(path, ":memory:") {
		return "hearth.key"
	}
	return filepath.Join(filepath.Dir(path), filepath.Base(path)+".key")
}

// Run connects the bot and runs the delivery engine until ctx ends, then
// shuts down in order: no new interactions, answers in flight drained, jobs
// in hand finished, gateway closed.
func (a *App) Run(ctx context.Context) error {
	if err := a.Bot.Open(ctx); err != nil {
		return err
	}
	engineCtx, stopEngine := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := a.Engine.Run(engineCtx); err != nil {
			a.Log.Error("delivery engine stopped", "error", err)
		}
	}()
	go func() {
		defer wg.Done()
		if err := a.Planner.Run(engineCtx); err != nil {
			a.Log.Error("meeting planner stopped", "error", err)
		}
	}()
	a.Log.Info("hearth is running", "app", a.Bot.AppID())
	close(a.ready)
	<-ctx.Done()
	a.Log.Info("shutting down")
	drain, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := a.Bot.Close(drain)
	stopEngine()
	wg.Wait()
	return err
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// newLogger builds the process logger from [log].
func newLogger(cfg hearth.LogConfig, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Level)) // validated at start
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
