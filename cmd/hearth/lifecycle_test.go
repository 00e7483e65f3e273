package main

// Tests of the process around the commands: crash-loop backoff, fatal
// gateway closes, reconnects and graceful shutdown.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/bot"
	"github.com/hearthbot/hearth/commands"
	"github.com/hearthbot/hearth/discordtest"
)

// running is an App started by launch, whose Run result a test inspects.
type running struct {
	app    *App
	done   chan error
	cancel context.CancelFunc
	logs   *syncBuffer
}

// bareConfig is a configuration for fake on a fresh SQLite database.
func bareConfig(t *testing.T, fake *discordtest.Server) hearth.Config {
	cfg := hearth.DefaultConfig()
	cfg.Database.DSN = filepath.Join(t.TempDir(), "hearth.db")
	cfg.HTTP.Listen = ""
	cfg.Discord.Token = fake.Token
	cfg.Discord.APIBaseURL = fake.URL
	return cfg
}

// launch builds an App, lets setup change it (test
// commands), and runs it in the background; the test waits on done (or
// Ready) itself. Cleanup stops it and closes the database.
func launch(t *testing.T, cfg hearth.Config, o AppOptions, setup ...func(*App)) *running {
	t.Helper()
	r := &running{done: make(chan error, 1), logs: &syncBuffer{}}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	ctx, cancel := context.WithCancel(context.Background())
	app, err := NewApp(ctx, cfg, o)
	if err != nil {
		cancel()
		t.Fatalf("new app: %v", err)
	}
	r.app, r.cancel = app, cancel
	for _, f := range setup {
		f(app)
	}
	go func() { r.done <- app.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-r.done
		app.Close()
		if t.Failed() {
			t.Logf("hearth's log:\n%s", r.logs.String())
		}
	})
	return r
}

// result waits for Run to return.
func (r *running) result(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		r.done <- err // for Cleanup
		return err
	case <-time.After(waitTimeout):
		t.Fatalf("hearth still running after %s", waitTimeout)
		return nil
	}
}

func (r *running) ready(t *testing.T) {
	t.Helper()
	select {
	case <-r.app.Ready():
	case err := <-r.done:
		r.done <- err
		t.Fatalf("hearth stopped before ready: %v", err)
	case <-time.After(waitTimeout):
		t.Fatalf("hearth not ready after %s", waitTimeout)
	}
}

const badTokenMessage = "discord closed the gateway with 4004: the token is invalid — reset it in the Developer Portal and set discord.token"

func TestRun_FatalGatewayClose(t *testing.T) {
	t.Run("ErrBadToken", func(t *testing.T) {
		// The whole command, as an operator runs it, with JSON logs.
		prev := slog.Default()
		t.Cleanup(func() { slog.SetDefault(prev) })
		fake := discordtest.NewServer(t)
		env := map[string]string{
			"HEARTH_DISCORD_TOKEN":        "not-the-token",
			"HEARTH_DISCORD_API_BASE_URL": fake.URL,
			"HEARTH_DATABASE_DSN":         filepath.Join(t.TempDir(), "hearth.db"),
			"HEARTH_HTTP_LISTEN":          "",
			"HEARTH_LOG_FORMAT":           "json",
		}
		var stdout, stderr bytes.Buffer
		m := NewMain(&stdout, &stderr)
		m.Getenv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
		if code := m.Run(context.Background(), []string{"run"}); code != exitConfig {
			t.Fatalf("exit status %d, want %d; stderr:\n%s", code, exitConfig, stderr.String())
		}
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		if last := lines[len(lines)-1]; last != "hearth run: "+badTokenMessage {
			t.Errorf("last line = %q, want the fix", last)
		}
		if fake.Identifies() != 0 {
			t.Errorf("%d identifies succeeded", fake.Identifies())
		}
		// Every log line before it is JSON with ids only.
		seen := false
		for _, l := range lines[:len(lines)-1] {
			var rec map[string]any
			if err := json.Unmarshal([]byte(l), &rec); err != nil {
				t.Fatalf("log line is not JSON: %q", l)
			}
			if rec["msg"] == "gateway closed for good" && rec["code"] == float64(4004) && rec["level"] == "ERROR" {
				seen = true
			}
			if strings.Contains(l, "not-the-token") {
				t.Errorf("a log line shows the token: %q", l)
			}
		}
		if !seen {
			t.Errorf("no JSON log line for the close:\n%s", stderr.String())
		}
	})
	for _, tc := range []struct {
		code int
		want string
	}{
		{4004, badTokenMessage},
		{4014, "discord closed the gateway with 4014: the bot asked for intents it is not allowed"},
	} {
		t.Run(fmt.Sprintf("ErrWhileRunning%d", tc.code), func(t *testing.T) {
			fake := discordtest.NewServer(t)
			r := launch(t, bareConfig(t, fake), AppOptions{})
			r.ready(t)
			fake.CloseGateway(tc.code, "closed by the test")
			err := r.result(t)
			var ge *bot.GatewayError
			if !errors.As(err, &ge) || ge.Code != tc.code || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("Run = %v, want %q", err, tc.want)
			}
			if n := fake.Identifies(); n != 1 {
				t.Errorf("%d identifies, want only the first", n)
			}
		})
	}
}

// TestRun_Reconnects checks that the bot, which reconnects the gateway
// itself rather than through discordgo, comes back after every kind of
// disconnect and still answers.
func TestRun_Reconnects(t *testing.T) {
	tests := []struct {
		name       string
		fault      func(*discordtest.Server)
		identifies int // 1: the session was resumed
		resumes    int
	}{
		{"Drop", (*discordtest.Server).DropConnections, 1, 1},
		{"Op7Reconnect", (*discordtest.Server).SendReconnect, 1, 1},
		{"Op9InvalidSession", func(s *discordtest.Server) { s.SendInvalidSession(false) }, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := start(t)
			h.setupGroup()
			tt.fault(h.fake)
			err := h.fake.WaitFor(h.ctx(), func() bool {
				return h.fake.Identifies() == tt.identifies && h.fake.Resumes() == tt.resumes && h.fake.Connections() == 1
			})
			if err != nil {
				t.Fatalf("not reconnected: identifies %d resumes %d connections %d: %v", h.fake.Identifies(), h.fake.Resumes(), h.fake.Connections(), err)
			}
			r := struggle(h, h.members[0], "later", false, "")
			mustEphemeral(t, r, "<@"+h.fac+">")
		})
	}
}

// TestRun_SilentGateway checks the heartbeat watchdog: a connection that
// stays open but stops acknowledging heartbeats (a half-dead link) is given
// up after five missed ACKs and replaced, and the bot keeps answering.
func TestRun_SilentGateway(t *testing.T) {
	h := start(t, withFake(discordtest.WithHeartbeatInterval(100*time.Millisecond)))
	h.setupGroup()
	sessions := func() int { return h.fake.Identifies() + h.fake.Resumes() }
	before := sessions()
	h.fake.SilenceHeartbeatACKs(true)
	if err := h.fake.WaitFor(h.ctx(), func() bool { return sessions() > before }); err != nil {
		t.Fatalf("no new session while heartbeats went unanswered: %v", err)
	}
	h.fake.SilenceHeartbeatACKs(false)
	if err := h.fake.WaitFor(h.ctx(), func() bool { return h.fake.Connections() == 1 }); err != nil {
		t.Fatalf("not reconnected: %v", err)
	}
	r := struggle(h, h.members[0], "later", false, "")
	mustEphemeral(t, r, "<@"+h.fac+">")
	h.waitDMs(h.fac, 1)
}

func TestApp_CrashLoopBackoff(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clk := &clock{now: now}
	// prime stores n identifies of shard 0, one a minute, before the app runs.
	prime := func(t *testing.T, cfg hearth.Config, n int) {
		db, err := openDB(context.Background(), cfg, clk.Now, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if err := db.RecordIdentify(context.Background(), 0, now.Add(-time.Duration(n-i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Run("FirstStartsAtOnce", func(t *testing.T) {
		fake := discordtest.NewServer(t, discordtest.WithClock(clk.Now))
		cfg := bareConfig(t, fake)
		prime(t, cfg, 2)
		r := launch(t, cfg, AppOptions{Now: clk.Now, Sleep: func(context.Context, time.Duration) error {
			t.Error("waited before the third start in an hour")
			return nil
		}})
		r.ready(t)
	})
	t.Run("BacksOff", func(t *testing.T) {
		fake := discordtest.NewServer(t, discordtest.WithClock(clk.Now))
		cfg := bareConfig(t, fake)
		prime(t, cfg, 5)
		var mu sync.Mutex
		var waited []time.Duration
		r := launch(t, cfg, AppOptions{Now: clk.Now, Sleep: func(_ context.Context, d time.Duration) error {
			mu.Lock()
			waited = append(waited, d)
			mu.Unlock()
			return nil
		}})
		r.ready(t)
		mu.Lock()
		defer mu.Unlock()
		if len(waited) != 1 || waited[0] != 20*time.Second {
			t.Errorf("waited %v, want 20s (the sixth start in an hour)", waited)
		}
		ids, err := r.app.DB.Identifies(context.Background(), now.Add(-time.Hour))
		if err != nil || len(ids) != 6 {
			t.Errorf("recorded identifies = %d %v, want 6", len(ids), err)
		}
		if !strings.Contains(r.logs.String(), "restarted often recently") {
			t.Error("the wait is not logged")
		}
	})
	t.Run("StopWhileWaiting", func(t *testing.T) {
		fake := discordtest.NewServer(t, discordtest.WithClock(clk.Now))
		cfg := bareConfig(t, fake)
		prime(t, cfg, 10)
		waiting := make(chan struct{})
		r := launch(t, cfg, AppOptions{Now: clk.Now, Sleep: func(ctx context.Context, _ time.Duration) error {
			close(waiting)
			<-ctx.Done()
			return ctx.Err()
		}})
		wait(t, waiting)
		r.cancel()
		if err := r.result(t); err != nil {
			t.Fatalf("Run = %v, want a clean stop", err)
		}
		if n := fake.Identifies(); n != 0 {
			t.Errorf("identified %d times while backing off", n)
		}
	})
}

// signalWriter closes seen the first time a write contains want.
type signalWriter struct {
	syncBuffer
	want string
	once sync.Once
	seen chan struct{}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(w.want)) {
		w.once.Do(func() { close(w.seen) })
	}
	return w.syncBuffer.Write(p)
}

func TestApp_ShutdownDrainsInteractions(t *testing.T) {
	fake := discordtest.NewServer(t)
	guild := fake.AddGuild("", "Support Server")
	channel := fake.AddChannel(guild, "", "general")
	user := fake.AddUser("", "member", false)
	fake.AddMember(guild, user)
	logs := &signalWriter{want: "shutting down", seen: make(chan struct{})}
	cfg := bareConfig(t, fake)
	cfg.Discord.GuildID = guild
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	app, err := NewApp(ctx, cfg, AppOptions{Logger: slog.New(slog.NewTextHandler(logs, nil)), DeferAfter: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	// A command whose handler is in flight until the test lets it finish.
	started, release := make(chan struct{}), make(chan struct{})
	app.Router.Define(commands.Command{Name: "slowtest", Description: "waits for the test"})
	app.Router.Handle("slowtest", func(context.Context, *commands.Request) (*commands.Response, error) {
		close(started)
		<-release
		return commands.Ephemeral("answered after the signal"), nil
	})
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx) }()
	select {
	case <-app.Ready():
	case err := <-done:
		t.Fatalf("stopped before ready: %v", err)
	case <-time.After(waitTimeout):
		t.Fatal("not ready")
	}
	ix := fake.SlashCommand(discordtest.InteractionSpec{GuildID: guild, ChannelID: channel, User: user}, "slowtest")
	wait(t, started)
	cancel() // what SIGTERM does to hearth run's context
	wait(t, logs.seen)
	// A shutdown that does not drain returns now, with the handler still
	// blocked, and fails here; one that drains waits for the handler, so
	// the grace period ends first and the handler is let go.
	select {
	case err := <-done:
		close(release)
		t.Fatalf("Run returned (%v) while an interaction was in flight", err)
	case <-time.After(2 * time.Second):
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
	// Run returned: the answer must already be with Discord, not still on
	// its way from a handler the process would kill when main returns.
	gone, cancelNow := context.WithCancel(context.Background())
	cancelNow()
	r, err := ix.Wait(gone)
	if err != nil {
		t.Fatalf("Run returned before the interaction in flight was answered: %v", err)
	}
	mustEphemeral(t, r, "answered after the signal")
}

// wait waits for ch to close, failing the test after waitTimeout.
func wait(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(waitTimeout):
		t.Fatalf("gave up after %s", waitTimeout)
	}
}
