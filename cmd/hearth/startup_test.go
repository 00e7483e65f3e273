package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hearthbot/hearth/discordtest"
)

// TestRun_StartsThroughTransientErrors runs `hearth run` as an operator
// does: Discord's passing failures while starting delay it, and a refusal no
// restart can fix ends it with exit status 78 and what to change.
func TestRun_StartsThroughTransientErrors(t *testing.T) {
	run := func(t *testing.T, fake *discordtest.Server, token string, stopWhenRunning bool) (int, string) {
		t.Helper()
		env := map[string]string{
			"HEARTH_DISCORD_TOKEN":        token,
			"HEARTH_DISCORD_API_BASE_URL": fake.URL,
			"HEARTH_DATABASE_DSN":         filepath.Join(t.TempDir(), "hearth.db"),
			"HEARTH_HTTP_LISTEN":          "",
		}
		var stdout bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		stderr := &lineSignal{want: "hearth is running"}
		if stopWhenRunning {
			stderr.seen = cancel // SIGTERM, in effect: a clean stop once started
		}
		m := NewMain(&stdout, stderr)
		m.Getenv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
		code := m.Run(ctx, []string{"run"})
		return code, stderr.String()
	}
	t.Run("GatewayRateLimitedAndDown", func(t *testing.T) {
		fake := discordtest.NewServer(t)
		fake.RateLimitNext("/gateway", 1200*time.Millisecond, false, 1)
		fake.FailNext("GET", "/gateway", 502, 2) // discordgo itself retries a 502 once
		start := time.Now()
		code, stderr := run(t, fake, fake.Token, true)
		if code != 0 {
			t.Fatalf("exit status %d, want 0 (started, then stopped); stderr:\n%s", code, stderr)
		}
		if took := time.Since(start); took < 1200*time.Millisecond {
			t.Fatalf("started after %v: the 429's retry_after was not honoured", took)
		}
		if !strings.Contains(stderr, "hearth is running") || len(fake.Commands("")) == 0 {
			t.Fatalf("not started; stderr:\n%s", stderr)
		}
		if n := len(fake.CallsTo("GET", "/gateway")); n < 4 {
			t.Fatalf("%d GET /gateway, want the 3 refused and the one that worked", n)
		}
	})
	t.Run("ErrTokenRefusedOnRegistration", func(t *testing.T) {
		fake := discordtest.NewServer(t)
		fake.FailNext("PUT", "/applications/*/commands", 401, 1)
		code, stderr := run(t, fake, fake.Token, false)
		if code != exitConfig {
			t.Fatalf("exit status %d, want %d; stderr:\n%s", code, exitConfig, stderr)
		}
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if last := lines[len(lines)-1]; !strings.Contains(last, "HTTP 401") || !strings.Contains(last, "set discord.token") {
			t.Fatalf("last line = %q, want what to fix", last)
		}
	})
}

// lineSignal is a log destination that calls seen once a line containing
// want has been written.
type lineSignal struct {
	mu   sync.Mutex
	b    bytes.Buffer
	want string
	seen func()
}

func (l *lineSignal) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.b.Write(p)
	if l.seen != nil && strings.Contains(l.b.String(), l.want) {
		l.seen()
		l.seen = nil
	}
	return n, err
}

func (l *lineSignal) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
