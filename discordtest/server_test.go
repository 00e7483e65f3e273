package discordtest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/hearthbot/hearth/discordtest"
)

// rewrite sends discordgo's https://discord.com/api/v9 requests to the fake.
type rewrite struct{ base string }

func (rw rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	u := r.URL.String()
	if rest, found := strings.CutPrefix(u, discordgo.EndpointAPI); found {
		r = r.Clone(r.Context())
		nu, err := r.URL.Parse(rw.base + "/" + rest)
		if err != nil {
			return nil, err
		}
		r.URL, r.Host = nu, nu.Host
	}
	return http.DefaultTransport.RoundTrip(r)
}

// bot is a real discordgo session connected to the fake, with the events a
// test waits on delivered to channels.
type bot struct {
	*discordgo.Session
	ready        chan *discordgo.Ready
	guilds       chan *discordgo.GuildCreate
	interactions chan *discordgo.Interaction
}

func newSession(t *testing.T, srv *discordtest.Server) *discordgo.Session {
	t.Helper()
	s, err := discordgo.New("Bot " + srv.Token)
	if err != nil {
		t.Fatal(err)
	}
	s.Client = &http.Client{Transport: rewrite{srv.URL}, Timeout: 10 * time.Second}
	s.ShouldRetryOnRateLimit = false
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMembers
	return s
}

// connect opens a session (setup may adjust it first) and waits for READY.
func connect(t *testing.T, srv *discordtest.Server, setup ...func(*discordgo.Session)) *bot {
	t.Helper()
	b := &bot{
		Session:      newSession(t, srv),
		ready:        make(chan *discordgo.Ready, 16),
		guilds:       make(chan *discordgo.GuildCreate, 16),
		interactions: make(chan *discordgo.Interaction, 16),
	}
	for _, f := range setup {
		f(b.Session)
	}
	b.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { b.ready <- r })
	b.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { b.guilds <- g })
	b.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { b.interactions <- i.Interaction })
	if err := b.Open(); err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = b.Close() })
	recv(t, b.ready)
	return b
}

// recv waits for one value, failing the test after a generous deadline.
func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		var zero T
		t.Fatalf("timed out waiting for %T", zero)
		return zero
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// world is the guild most tests use.
type world struct {
	guild, channel, role, alice, bob string
}

func setup(srv *discordtest.Server) world {
	w := world{guild: srv.AddGuild("", "Support")}
	w.channel = srv.AddChannel(w.guild, "", "general")
	w.role = srv.AddRole(w.guild, "", "members")
	w.alice = srv.AddUser("", "alice", false)
	w.bob = srv.AddUser("", "bob", false)
	srv.AddMember(w.guild, w.alice)
	srv.AddMember(w.guild, w.bob)
	return w
}

// recorder stands in for testing.TB so a test can see the failures the fake
// reports without failing itself.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }

func (r *recorder) errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

func restCode(t *testing.T, err error) (int, int) {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		t.Fatalf("want *discordgo.RESTError, got %T %v", err, err)
	}
	code := 0
	if re.Message != nil {
		code = re.Message.Code
	}
	return re.Response.StatusCode, code
}

func TestServer_Gateway(t *testing.T) {
	t.Parallel()
	t.Run("ReadyAndGuildCreate", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		w := setup(srv)
		b := connect(t, srv)
		g := recv(t, b.guilds)
		if g.ID != w.guild || g.Name != "Support" || len(g.Channels) != 1 || g.Channels[0].ID != w.channel {
			t.Fatalf("guild create = %+v", g.Guild)
		}
		if len(g.Roles) != 2 || len(g.Members) != 3 {
			t.Fatalf("roles %d members %d, want 2 and 3", len(g.Roles), len(g.Members))
		}
		if b.State.User.ID != srv.AppID || !b.State.User.Bot {
			t.Fatalf("ready user = %+v", b.State.User)
		}
		if srv.Identifies() != 1 || srv.Connections() != 1 {
			t.Fatalf("identifies %d connections %d", srv.Identifies(), srv.Connections())
		}
	})
	t.Run("Shards", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		g0 := srv.AddGuild(fmt.Sprint(int64(10)<<22), "even")
		g1 := srv.AddGuild(fmt.Sprint(int64(11)<<22), "odd")
		b := connect(t, srv, func(s *discordgo.Session) { s.ShardID, s.ShardCount = 1, 2 })
		if g := recv(t, b.guilds); g.ID != g1 {
			t.Fatalf("shard 1 got guild %s, want %s (not %s)", g.ID, g1, g0)
		}
		if len(b.State.Guilds) != 1 {
			t.Fatalf("ready listed %d guilds, want 1", len(b.State.Guilds))
		}
	})
	t.Run("BadToken", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		s := newSession(t, srv)
		s.Token, s.ShouldReconnectOnError = "Bot wrong", false
		s.Identify.Token = "Bot wrong"
		s.Client = &http.Client{Transport: rewrite{srv.URL}}
		// GET /gateway needs no token, so Open gets as far as IDENTIFY.
		if err := s.Open(); err == nil {
			t.Fatal("open with a bad token succeeded")
		}
		if srv.Identifies() != 0 {
			t.Fatal("bad token identified")
		}
	})
}
