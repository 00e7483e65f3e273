package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/bot"
	"github.com/hearthbot/hearth/commands"
	"github.com/hearthbot/hearth/monitor"
	"github.com/hearthbot/hearth/scheduler"
	"github.com/hearthbot/hearth/storage"
	"github.com/hearthbot/hearth/web"
)

// AppOptions are the seams of an App: tests and the demo inject a clock, a
// logger and a transport; production uses the defaults.
type AppOptions struct {
	Now        func() time.Time
	Logger     *slog.Logger
	Transport  http.RoundTripper
	DeferAfter time.Duration
	// Sleep waits before identifying when the process restarted many times
	// recently (see hearth.IdentifyDelay); a timer if nil. It returns early
	// with ctx's error.
	Sleep func(ctx context.Context, d time.Duration) error
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
	// Alerts is the one place that decides who may act on an alert, and
	// acknowledges, resolves and shows notes: the commands and buttons use
	// it, and so must the web dashboard.
	Alerts *hearth.AlertService
	// Retention purges data past each server's retention once a day.
	Retention *scheduler.Retention
	// Presence records voice presence around meetings (SPEC §12).
	Presence *scheduler.Presence
	// Monitor serves /healthz and /metrics; nil when [http] listen is empty.
	Monitor *monitor.Monitor
	// Web is the dashboard; nil when [web] listen is empty.
	Web *web.Server

	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
	ready chan struct{} // closed once connected and commands are registered
}

// Ready is closed once Run has connected and registered the commands.
func (a *App) Ready() <-chan struct{} { return a.ready }

// HTTPAddr is the address /healthz and /metrics are served on once Run has
// started ([http] listen with the port the system picked for port 0); empty
// when the HTTP server is disabled or not started yet.
func (a *App) HTTPAddr() string {
	if a.Monitor == nil {
		return ""
	}
	return a.Monitor.Addr()
}

// appGateway reports the bot's gateway connection to the monitor, which is
// built before the bot it observes.
type appGateway struct{ a *App }

func (g appGateway) Connected() bool { return g.a.Bot != nil && g.a.Bot.Connected() }

// NewApp opens and migrates the database and builds every component. It
// does not connect to Discord; Run does.
func NewApp(ctx context.Context, cfg hearth.Config, o AppOptions) (*App, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	db, err := openDB(ctx, cfg, o.Now, o.Logger)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	a := &App{Config: cfg, DB: db, Log: o.Logger, Router: commands.NewRouter(), now: o.Now, sleep: o.Sleep, ready: make(chan struct{})}
	var observer bot.Observer
	if cfg.HTTP.Listen != "" {
		a.Monitor = monitor.New(monitor.Options{Store: db, Gateway: appGateway{a}, Now: o.Now, Log: o.Logger})
		observer = a.Monitor
	}
	a.Engine = scheduler.NewEngine(db, o.Now, o.Logger)
	a.Planner = scheduler.NewPlanner(db, o.Now, cfg.Scheduler.Horizon, o.Logger)
	a.Planner.Wake = a.Engine.Wake
	a.Alerts = &hearth.AlertService{Store: db, Config: cfg.Alerts, Now: o.Now, Wake: a.Engine.Wake}
	a.Planner.BriefBefore = cfg.Meetings.BriefBefore
	a.Presence = &scheduler.Presence{Store: db, Now: o.Now, PresentFor: time.Duration(cfg.Meetings.PresentMinutes) * time.Minute, Log: o.Logger}
	svc := &commands.Service{Store: db, AlertConfig: cfg.Alerts, Alerts: a.Alerts, Wake: a.Engine.Wake, Replan: a.Planner.Replan, Skip: a.Planner.Skip, Log: o.Logger, VoiceChanged: a.Presence.Forget}
	svc.Register(a.Router)
	a.Bot, err = bot.New(bot.Options{
		Discord:    cfg.Discord,
		Router:     a.Router,
		Logger:     o.Logger,
		Now:        o.Now,
		DeferAfter: o.DeferAfter,
		Transport:  o.Transport,
		Observer:   observer,
		Voice:      a.Presence,
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	svc.Discord = a.Bot
	alerts := &scheduler.Alerts{Engine: a.Engine, Store: db, Discord: a.Bot, Config: cfg.Alerts, Log: o.Logger}
	alerts.Register()
	cleanup := &scheduler.AlertCleanup{Engine: a.Engine, Discord: a.Bot, Log: o.Logger}
	cleanup.Register()
	roles := &scheduler.GroupRoles{Engine: a.Engine, Store: db, Discord: a.Bot}
	roles.Register()
	a.Retention = &scheduler.Retention{Engine: a.Engine, Store: db, Log: o.Logger}
	a.Retention.Register()
	summaries := &scheduler.Summaries{Engine: a.Engine, Store: db, Discord: a.Bot, Log: o.Logger}
	summaries.Register()
	failures := &scheduler.Failures{Engine: a.Engine, Store: db, Discord: a.Bot, Log: o.Logger}
	if a.Monitor != nil {
		failures.Count = func(kind hearth.JobKind, exhausted bool) { a.Monitor.JobFailed(string(kind), exhausted) }
	}
	meetings := &scheduler.Meetings{Engine: a.Engine, Store: db, Discord: a.Bot, CatchUp: cfg.Scheduler.CatchUp, Log: o.Logger,
		Rounds: db, Presence: a.Presence, Failures: failures}
	meetings.Register()
	briefs := &scheduler.Briefs{Engine: a.Engine, Store: db, Discord: a.Bot, Log: o.Logger}
	briefs.Register()
	a.Engine.DefaultMaxAttempts = cfg.Scheduler.MaxAttempts
	a.Engine.Deadline = meetings.Deadline
	failures.Register()
	a.Engine.Failed = failures.Report
	events := &scheduler.Events{Engine: a.Engine, Store: db, Discord: a.Bot, Max: cfg.Scheduler.MaxEvents, Log: o.Logger}
	events.Register()
	if err := a.newWeb(); err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

// openDB opens the configured database with the note encryption keys, and
// refuses (a *storage.KeyError) a database holding notes under a key id
// the keys lack: hearth never silently replaces the key. A key file is
// generated only for a database that holds no note yet.
func openDB(ctx context.Context, cfg hearth.Config, now func() time.Time, log *slog.Logger) (*storage.DB, error) {
	keys, keyFile, err := keyring(cfg)
	if err != nil {
		return nil, err
	}
	db, err := storage.Open(ctx, cfg.Database.Driver, cfg.Database.DSN, storage.Options{Now: now, Keys: keys, Log: log})
	if err != nil {
		return nil, err
	}
	if err := db.CheckKeys(ctx, keys, keyFile); err != nil {
		db.Close()
		return nil, err
	}
	if keys == nil {
		key, err := storage.CreateKeyFile(keyFile)
		if err == nil {
			keys, err = storage.NewKeyring(key)
		}
		if err != nil {
			db.Close()
			return nil, err
		}
		db.SetKeys(keys)
		log.Warn("generated a new encryption key for notes; back it up: without it the notes cannot be read", "path", keyFile, "key_id", keys.CurrentID())
	}
	return db, nil
}

// keyring builds the note keys: the configured key (and old keys), or, for
// SQLite only, the key in a 0600 file beside the database. With no key
// file it returns nil keys and the file's path: openDB generates the key
// there only if the database holds no note. Several PostgreSQL processes
// must share one configured key.
func keyring(cfg hearth.Config) (*storage.Keyring, string, error) {
	var old [][]byte
	for _, k := range cfg.Security.OldEncryptionKeys {
		b, err := storage.DecodeKey(k)
		if err != nil {
			return nil, "", fmt.Errorf("security.old_encryption_keys: %w", err)
		}
		old = append(old, b)
	}
	if cfg.Security.EncryptionKey != "" {
		key, err := storage.DecodeKey(cfg.Security.EncryptionKey)
		if err != nil {
			return nil, "", fmt.Errorf("security.encryption_key: %w", err)
		}
		k, err := storage.NewKeyring(key, old...)
		return k, "", err
	}
	if cfg.Database.Driver != "sqlite" {
		return nil, "", errors.New("security.encryption_key is required with database.driver = \"postgres\": every process must encrypt notes with the same key (generate one with `openssl rand -base64 32`)")
	}
	path := keyFilePath(cfg.Database.DSN)
	key, err := storage.LoadKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, path, nil
	}
	if err != nil {
		return nil, path, err
	}
	k, err := storage.NewKeyring(key, old...)
	return k, path, err
}

// keyFilePath puts the generated key beside the SQLite database file.
func keyFilePath(dsn string) string {
	path := strings.TrimPrefix(strings.SplitN(dsn, "?", 2)[0], "file:")
	if path == "" || strings.Contains(path, ":memory:") {
		return "hearth.key"
	}
	return filepath.Join(filepath.Dir(path), filepath.Base(path)+".key")
}

// Run serves /healthz and /metrics, waits out the crash-loop backoff,
// connects the bot and runs the delivery engine until ctx ends or the
// gateway closes for good (a *bot.GatewayError, returned), then shuts down
// in order: no new interactions, answers in flight drained, jobs in hand
// finished, gateway closed, HTTP server stopped.
func (a *App) Run(ctx context.Context) error {
	if a.Monitor != nil {
		if err := a.Monitor.Listen(a.Config.HTTP.Listen); err != nil {
			return err
		}
		go func() {
			if err := a.Monitor.Serve(); err != nil {
				a.Log.Error("http server stopped", "error", err)
			}
		}()
		a.Log.Info("serving /healthz and /metrics", "addr", a.Monitor.Addr())
		defer func() {
			stop, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := a.Monitor.Shutdown(stop); err != nil {
				a.Log.Warn("unable to stop the http server", "error", err)
			}
		}()
	}
	if err := a.backOff(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while waiting: nothing to shut down
		}
		return err
	}
	if err := a.Retention.Schedule(ctx); err != nil {
		return err
	}
	if err := a.Bot.Open(ctx); err != nil {
		return err
	}
	stopWeb, werr := a.startWeb()
	if werr != nil {
		return werr
	}
	defer stopWeb()
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
	var fatal error
	select {
	case <-ctx.Done():
	case fatal = <-a.Bot.Fatal():
	}
	a.Log.Info("shutting down")
	drain, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := a.Bot.Close(drain)
	stopEngine()
	wg.Wait()
	return errors.Join(fatal, err)
}

// backOff delays the gateway IDENTIFY when this shard started many times
// recently (a crash loop), then records this start. Discord resets a token
// after 1,000 identifies a day.
func (a *App) backOff(ctx context.Context) error {
	now := a.now()
	recent, err := a.DB.Identifies(ctx, now.Add(-24*time.Hour))
	if err != nil {
		return err
	}
	shard := a.Config.Discord.ShardID
	if d := hearth.IdentifyDelay(recent, shard, now); d > 0 {
		a.Log.Warn("restarted often recently; waiting before connecting to Discord", "shard", shard, "identifies_24h", len(recent), "delay", d)
		if err := a.sleep(ctx, d); err != nil {
			return err
		}
		now = a.now()
	}
	return a.DB.RecordIdentify(ctx, shard, now)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
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
