package bot_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/bot"
	"github.com/hearthbot/hearth/commands"
	"github.com/hearthbot/hearth/discordtest"
)

const waitTimeout = 30 * time.Second

type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// fixture is a bot with a test router connected to a fake Discord.
type fixture struct {
	fake         *discordtest.Server
	bot          *bot.Bot
	logs         *logBuffer
	guild, chans string
	user         string
}

func newFixture(t *testing.T, rt *commands.Router, opts ...func(*bot.Options)) *fixture {
	t.Helper()
	fake := discordtest.NewServer(t)
	f := &fixture{fake: fake, logs: &logBuffer{}}
	f.guild = fake.AddGuild("", "Guild")
	f.chans = fake.AddChannel(f.guild, "", "general")
	f.user = fake.AddUser("", "someone", false)
	fake.AddMember(f.guild, f.user)
	o := bot.Options{
		Discord: hearth.DiscordConfig{Token: fake.Token, APIBaseURL: fake.URL, GuildID: f.guild, RequestTimeout: 10 * time.Second},
		Router:  rt,
		Logger:  slog.New(slog.NewTextHandler(f.logs, nil)),
	}
	for _, fn := range opts {
		fn(&o)
	}
	b, err := bot.New(o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := b.Open(ctx); err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		if err := b.Close(ctx); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	f.bot = b
	return f
}

func (f *fixture) spec() discordtest.InteractionSpec {
	return discordtest.InteractionSpec{GuildID: f.guild, ChannelID: f.chans, User: f.user, Permissions: discordgo.PermissionViewChannel}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), waitTimeout)
	t.Cleanup(cancel)
	return c
}

func echoRouter() *commands.Router {
	rt := commands.NewRouter()
	rt.Define(commands.Command{Name: "echo", Description: "Echo", Options: []commands.OptionDef{commands.Str("text", "Text", true, 100)}})
	rt.Define(commands.Command{Name: "admin", Description: "Admin only", AdminOnly: true})
	rt.Handle("echo", func(_ context.Context, r *commands.Request) (*commands.Response, error) {
		return commands.Ephemeralf("you said %s", r.String("text")), nil
	})
	rt.Handle("admin", func(context.Context, *commands.Request) (*commands.Response, error) {
		return commands.Ephemeral("ok"), nil
	})
	return rt
}

func TestBot_SlashCommand(t *testing.T) {
	f := newFixture(t, echoRouter())

	t.Run("Registered", func(t *testing.T) {
		cmds := f.fake.Commands(f.guild)
		if len(cmds) != 2 {
			t.Fatalf("registered %d commands in the guild, want 2 in one bulk overwrite", len(cmds))
		}
		if n := len(f.fake.CallsTo("PUT", "/applications/*/guilds/*/commands")); n != 1 {
			t.Errorf("%d bulk overwrites, want 1", n)
		}
		for _, c := range cmds {
			if c.Name == "admin" && (c.DefaultMemberPermissions == nil || *c.DefaultMemberPermissions != commands.PermManageGuild) {
				t.Errorf("admin command default_member_permissions = %v, want Manage Server", c.DefaultMemberPermissions)
			}
		}
	})

	t.Run("OK", func(t *testing.T) {
		r, err := f.fake.SlashCommand(f.spec(), "echo", discordtest.Str("text", "hello")).WaitFinal(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if !r.Ephemeral || r.Content != "you said hello" {
			t.Errorf("reply = %q ephemeral=%v", r.Content, r.Ephemeral)
		}
		if len(r.AllowedMentions.Parse) != 0 {
			t.Errorf("allowed mentions parse = %v, want none", r.AllowedMentions.Parse)
		}
	})

	t.Run("DeliveredTwice", func(t *testing.T) {
		ix := f.fake.SlashCommand(f.spec(), "echo", discordtest.Str("text", "once"))
		if _, err := ix.Wait(ctx(t)); err != nil {
			t.Fatal(err)
		}
		before := len(f.fake.CallsTo("POST", "/interactions/*/*/callback"))
		f.fake.Redeliver(ix)
		// A second, different interaction is answered after the duplicate, so
		// once it is, the duplicate was handled.
		if _, err := f.fake.SlashCommand(f.spec(), "echo", discordtest.Str("text", "next")).Wait(ctx(t)); err != nil {
			t.Fatal(err)
		}
		if n := len(f.fake.CallsTo("POST", "/interactions/*/*/callback")) - before; n != 1 {
			t.Errorf("%d callbacks after a redelivery and one new command, want 1", n)
		}
	})
}

func TestBot_Reconnect(t *testing.T) {
	f := newFixture(t, echoRouter())
	identifies := f.fake.Identifies()
	f.fake.DropConnections()
	err := f.fake.WaitFor(ctx(t), func() bool {
		return f.fake.Connections() == 1 && (f.fake.Resumes() > 0 || f.fake.Identifies() > identifies)
	})
	if err != nil {
		t.Fatalf("no reconnection: %v", err)
	}
	r, err := f.fake.SlashCommand(f.spec(), "echo", discordtest.Str("text", "still here")).WaitFinal(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.Content != "you said still here" {
		t.Errorf("after reconnect: %q", r.Content)
	}
}

func TestBot_DefersSlowHandler(t *testing.T) {
	release := make(chan struct{})
	rt := commands.NewRouter()
	rt.Define(commands.Command{Name: "slow", Description: "Slow"})
	rt.Handle("slow", func(ctx context.Context, _ *commands.Request) (*commands.Response, error) {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return commands.Ephemeral("done at last"), nil
	})
	f := newFixture(t, rt, func(o *bot.Options) { o.DeferAfter = 10 * time.Millisecond })
	ix := f.fake.SlashCommand(f.spec(), "slow")
	first, err := ix.Wait(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if first.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource || !first.Ephemeral {
		t.Errorf("first answer type %d ephemeral=%v, want an ephemeral deferral", first.Type, first.Ephemeral)
	}
	close(release)
	final, err := ix.WaitFinal(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if final.Content != "done at last" {
		t.Errorf("final = %q", final.Content)
	}
}

func TestBot_ErrorsAndPanics(t *testing.T) {
	var calls atomic.Int32
	rt := commands.NewRouter()
	rt.Define(commands.Command{Name: "bad", Description: "Bad input"})
	rt.Define(commands.Command{Name: "boom", Description: "Panics"})
	rt.Define(commands.Command{Name: "broken", Description: "Internal error"})
	rt.Handle("bad", func(context.Context, *commands.Request) (*commands.Response, error) {
		return nil, hearth.Errorf(hearth.EINVALID, "Mood must be from 1 to 5.")
	})
	rt.Handle("boom", func(context.Context, *commands.Request) (*commands.Response, error) {
		calls.Add(1)
		var m map[string]int
		m["secret note"]++ // a nil map write: a runtime panic
		return nil, nil
	})
	rt.Handle("broken", func(context.Context, *commands.Request) (*commands.Response, error) {
		return nil, context.DeadlineExceeded
	})
	f := newFixture(t, rt)

	t.Run("ErrInvalid", func(t *testing.T) {
		r, err := f.fake.SlashCommand(f.spec(), "bad").WaitFinal(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if !r.Ephemeral || r.Content != "Mood must be from 1 to 5." {
			t.Errorf("reply = %q ephemeral=%v", r.Content, r.Ephemeral)
		}
	})
	t.Run("ErrPanic", func(t *testing.T) {
		ix := f.fake.SlashCommand(f.spec(), "boom")
		r, err := ix.WaitFinal(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if !r.Ephemeral || !strings.Contains(r.Content, "Sorry") {
			t.Errorf("reply = %q ephemeral=%v", r.Content, r.Ephemeral)
		}
		logs := f.logs.String()
		if !strings.Contains(logs, "handler panicked") || !strings.Contains(logs, "interaction="+ix.ID) || !strings.Contains(logs, "user="+f.user) {
			t.Errorf("no panic log line with ids:\n%s", logs)
		}
		if strings.Contains(logs, "secret note") {
			t.Errorf("the log holds handler data")
		}
	})
	t.Run("ErrInternal", func(t *testing.T) {
		r, err := f.fake.SlashCommand(f.spec(), "broken").WaitFinal(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if !r.Ephemeral || !strings.Contains(r.Content, "Sorry") || strings.Contains(r.Content, "deadline") {
			t.Errorf("reply = %q", r.Content)
		}
	})
}
