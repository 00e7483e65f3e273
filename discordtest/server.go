package discordtest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// discordEpoch is the first millisecond of 2015, the origin of snowflakes.
const discordEpoch = 1420070400000

// Server is a fake Discord: REST API and gateway on one loopback listener.
// Its exported fields are set by NewServer and must not be changed.
type Server struct {
	// URL is the REST base, e.g. http://127.0.0.1:1234; routes are served
	// both bare and under /api/v9 and /api/v10.
	URL string
	// Token is the bot token the server accepts, without the "Bot " prefix.
	Token string
	// AppID is the application id; the bot user has the same id, as on Discord.
	AppID string
	// BotUser is the bot's user, returned by GET /users/@me and in READY.
	BotUser *discordgo.User

	t      TB
	cfg    config
	hs     *httptest.Server
	routes []route
	schema Validator // nil when validation is off or unavailable

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change: a broadcast
	closed  bool
	lastID  int64

	world
	store
	faults
	gateway
	calls     []Call
	unhandled []Call
	ixByID    map[string]*Interaction
	ixByToken map[string]*Interaction
	commands  map[string][]*discordgo.ApplicationCommand // by guild id, "" = global
	events    map[string]*discordgo.GuildScheduledEvent
	eventIDs  []string
	nonces    nonceCache
	lost      []*lostResponse // LoseResponseNext faults
}

// TB is the part of testing.TB the fake uses, so that it also runs outside
// tests: `hearth demo` plays a week against it. The package does not import
// testing, so the simulator links into the hearth binary without it (a
// *testing.T satisfies TB; tb_test.go checks that).
type TB interface {
	Helper()
	Logf(format string, args ...any)
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// NewServer starts a fake Discord on 127.0.0.1 and closes it when the test
// ends. Validation failures and requests to routes the fake does not know are
// reported through t.Errorf.
func NewServer(t TB, opts ...Option) *Server {
	t.Helper()
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		t:         t,
		cfg:       cfg,
		Token:     cfg.token,
		changed:   make(chan struct{}),
		ixByID:    map[string]*Interaction{},
		ixByToken: map[string]*Interaction{},
		commands:  map[string][]*discordgo.ApplicationCommand{},
		events:    map[string]*discordgo.GuildScheduledEvent{},
	}
	s.world.init()
	s.store.init()
	s.gateway.init()
	s.AppID = cfg.appID
	if s.AppID == "" {
		s.AppID = s.NewID()
	}
	s.BotUser = &discordgo.User{ID: s.AppID, Username: "hearth-test", Discriminator: "0", Bot: true}
	s.users[s.AppID] = s.BotUser
	s.routes = s.buildRoutes()
	if cfg.validate {
		v, err := loadValidator()
		switch {
		case err != nil:
			t.Errorf("discordtest: loading Discord OpenAPI schema: %v", err)
		case v == nil:
			t.Logf("discordtest: no request validator (import discordtest/openapi, and see HEARTH_DISCORD_OPENAPI); request validation skipped")
		default:
			s.schema = v
		}
	}
	s.hs = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.hs.URL
	t.Cleanup(s.Close)
	return s
}

// Close drops every gateway connection and stops the listener. It is safe to
// call more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	conns := s.liveConns()
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range conns {
		c.kill()
	}
	s.hs.Close()
}

// NewID returns a fresh snowflake. Ids increase strictly, and each one moves
// the timestamp part by at least a millisecond so that consecutive guild ids
// spread over shards as real ones do.
func (s *Server) NewID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newIDLocked()
}

func (s *Server) newIDLocked() string {
	ms := s.cfg.now().UnixMilli() - discordEpoch
	if ms <= s.lastID {
		ms = s.lastID + 1
	}
	s.lastID = ms
	return strconv.FormatInt(ms<<22, 10)
}

func (s *Server) now() time.Time { return s.cfg.now().UTC() }

// notifyLocked wakes every WaitFor; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// report fails the test unless it has already ended; the gateway and HTTP
// goroutines outlive nothing but may race with the end of a test.
func (s *Server) report(format string, args ...any) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if !closed {
		s.t.Errorf(format, args...)
	}
}

// WaitFor blocks until cond returns true or ctx ends. cond is evaluated now
// and again after every recorded call and state change, so it may call any
// Server method. On timeout the error lists the most recent REST calls.
func (s *Server) WaitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("discordtest: condition not met: %w; recent calls:\n%s", ctx.Err(), s.recentCalls(15))
		}
	}
}

// WaitReady blocks until a gateway session is connected and has been sent
// READY or RESUMED.
func (s *Server) WaitReady(ctx context.Context) error {
	return s.WaitFor(ctx, func() bool { return s.Connections() > 0 })
}

func (s *Server) recentCalls(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	calls := s.calls
	if len(calls) > n {
		calls = calls[len(calls)-n:]
	}
	if len(calls) == 0 {
		return "  (none)"
	}
	var b strings.Builder
	for _, c := range calls {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	return b.String()
}
