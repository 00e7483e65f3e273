package main

// End-to-end tests run the real App — database, delivery engine, commands and
// the real discordgo client — against the fake Discord of package
// discordtest over loopback. They live in package main because the App's
// wiring is hearth's main; they assert only what users see.

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/commands"
	"github.com/hearthbot/hearth/discordtest"
)

// waitTimeout bounds every wait in an end-to-end test. It is a safety net
// for a broken test, never a timing assertion.
const waitTimeout = 30 * time.Second

// clock is an injected clock tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// syncBuffer is a log sink tests can read while the app writes.
type syncBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.changed != nil {
		close(b.changed)
		b.changed = nil
	}
	return b.buf.Write(p)
}

// waitFor blocks until the log contains s or ctx ends.
func (b *syncBuffer) waitFor(ctx context.Context, s string) error {
	for {
		b.mu.Lock()
		found := strings.Contains(b.buf.String(), s)
		if b.changed == nil {
			b.changed = make(chan struct{})
		}
		ch := b.changed
		b.mu.Unlock()
		if found {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("log line %q not written: %w", s, ctx.Err())
		}
	}
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// harness is one running hearth against one fake Discord with a server set
// up: an admin, two psychologists, members and a group channel.
type harness struct {
	t     testing.TB
	fake  *discordtest.Server
	app   *App
	clock *clock
	logs  *syncBuffer
	cfg   hearth.Config
	now   func() time.Time

	realClock bool

	guild, channel, staff string
	admin, fac, obs, lead string
	members               []string

	stop func()
}

type harnessOption func(*harness, *[]discordtest.Option)

// withConfig changes the configuration before the app starts.
func withConfig(fn func(*hearth.Config)) harnessOption {
	return func(h *harness, _ *[]discordtest.Option) { fn(&h.cfg) }
}

// withFake passes options to the fake Discord.
func withFake(opts ...discordtest.Option) harnessOption {
	return func(_ *harness, fo *[]discordtest.Option) { *fo = append(*fo, opts...) }
}

// withRealClock runs hearth and the fake on the wall clock, for benchmarks.
func withRealClock() harnessOption {
	return func(h *harness, _ *[]discordtest.Option) { h.realClock = true }
}

// start sets up a fake Discord with one server and starts hearth on a fresh
// SQLite database in a temporary directory.
func start(t testing.TB, opts ...harnessOption) *harness {
	t.Helper()
	clk := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	h := &harness{t: t, clock: clk, logs: &syncBuffer{}, cfg: hearth.DefaultConfig(), now: clk.Now}
	h.cfg.Database.DSN = filepath.Join(t.TempDir(), "hearth.db")
	h.cfg.HTTP.Listen = ""
	var fopts []discordtest.Option
	for _, o := range opts {
		o(h, &fopts)
	}
	if h.realClock {
		h.now = time.Now
	}
	fake := discordtest.NewServer(t, append([]discordtest.Option{discordtest.WithClock(h.now)}, fopts...)...)
	h.fake = fake
	h.cfg.Discord.Token = fake.Token
	h.cfg.Discord.APIBaseURL = fake.URL
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("hearth's log:\n%s", h.logs.String())
		}
	})
	h.guild = fake.AddGuild("", "Support Server")
	h.channel = fake.AddChannel(h.guild, "", "anxiety-group")
	h.staff = fake.AddChannel(h.guild, "", "staff")
	h.admin = h.user("admin")
	h.giveAdminRole() // role_test.go: a role high enough to hand out group roles
	h.fac = h.user("dr-facilitator")
	h.obs = h.user("dr-observer")
	h.lead = h.user("dr-lead")
	for i := range 5 {
		h.members = append(h.members, h.user(fmt.Sprintf("member%d", i+1)))
	}
	h.cfg.Discord.GuildID = h.guild
	h.startApp()
	return h
}

// user adds a user who is a member of the server.
func (h *harness) user(name string) string {
	id := h.fake.AddUser("", name, false)
	h.fake.AddMember(h.guild, id)
	return id
}

// startApp runs hearth until the test ends (or restart).
func (h *harness) startApp() {
	h.t.Helper()
	log := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	app, err := NewApp(ctx, h.cfg, AppOptions{Now: h.now, Logger: log, DeferAfter: 2 * time.Second})
	if err != nil {
		cancel()
		h.t.Fatalf("start hearth: %v", err)
	}
	h.app = app
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx) }()
	select {
	case <-app.Ready():
	case err := <-done:
		cancel()
		h.t.Fatalf("hearth stopped before ready: %v", err)
	case <-time.After(waitTimeout):
		cancel()
		h.t.Fatalf("hearth not ready after %s", waitTimeout)
	}
	stopped := false
	h.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			h.t.Errorf("hearth run: %v", err)
		}
		if err := app.Close(); err != nil {
			h.t.Errorf("close hearth: %v", err)
		}
	}
	h.t.Cleanup(h.stop)
}

// restart stops hearth and starts it again on the same database.
func (h *harness) restart() {
	h.t.Helper()
	h.stop()
	h.startApp()
}

func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	h.t.Cleanup(cancel)
	return ctx
}

// as returns the interaction spec of a user acting in the group channel;
// admins have Manage Server.
func (h *harness) as(user string) discordtest.InteractionSpec {
	perms := int64(discordgo.PermissionViewChannel | discordgo.PermissionSendMessages)
	if user == h.admin {
		perms |= commands.PermManageGuild | commands.PermManageRoles
	}
	return discordtest.InteractionSpec{GuildID: h.guild, ChannelID: h.channel, User: user, Permissions: perms}
}

// slash runs a slash command as user and returns what the user finally saw.
func (h *harness) slash(user, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordtest.Reply {
	h.t.Helper()
	return h.slashAs(h.as(user), name, opts...)
}

func (h *harness) slashAs(spec discordtest.InteractionSpec, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordtest.Reply {
	h.t.Helper()
	ix := h.fake.SlashCommand(spec, name, opts...)
	r, err := ix.WaitFinal(h.ctx())
	if err != nil {
		h.t.Fatalf("/%s: no reply: %v", name, err)
	}
	return r
}

// press presses a button on msg as user (in a DM when msg is in one).
func (h *harness) press(user string, msg *discordgo.Message, customID string) *discordtest.Reply {
	h.t.Helper()
	spec := discordtest.InteractionSpec{User: user, ChannelID: msg.ChannelID}
	if msg.GuildID != "" {
		spec = h.as(user)
		spec.ChannelID = msg.ChannelID
	}
	ix := h.fake.Button(spec, msg, customID)
	r, err := ix.WaitFinal(h.ctx())
	if err != nil {
		h.t.Fatalf("press %s: no reply: %v", customID, err)
	}
	return r
}

// persisted drops ephemeral interaction replies: what remains is what
// Discord keeps.
func persisted(ms []*discordgo.Message) []*discordgo.Message {
	var out []*discordgo.Message
	for _, m := range ms {
		if m.Flags&discordgo.MessageFlagsEphemeral == 0 {
			out = append(out, m)
		}
	}
	return out
}

// dms returns the DMs a user received (not ephemeral replies).
func (h *harness) dms(user string) []*discordgo.Message { return persisted(h.fake.DMs(user)) }

// posts returns the messages in a channel (not ephemeral replies).
func (h *harness) posts(channel string) []*discordgo.Message {
	return persisted(h.fake.Messages(channel))
}

// waitDMs waits until user has at least n DMs and returns them.
func (h *harness) waitDMs(user string, n int) []*discordgo.Message {
	h.t.Helper()
	var dms []*discordgo.Message
	err := h.fake.WaitFor(h.ctx(), func() bool {
		dms = h.dms(user)
		return len(dms) >= n
	})
	if err != nil {
		h.t.Fatalf("waiting for %d DMs to %s, have %d: %v", n, user, len(dms), err)
	}
	return dms
}

// waitMessages waits until channel has at least n messages.
func (h *harness) waitMessages(channel string, n int) []*discordgo.Message {
	h.t.Helper()
	var ms []*discordgo.Message
	err := h.fake.WaitFor(h.ctx(), func() bool {
		ms = h.posts(channel)
		return len(ms) >= n
	})
	if err != nil {
		h.t.Fatalf("waiting for %d messages in %s, have %d: %v", n, channel, len(ms), err)
	}
	return ms
}

// advance lets the work due now finish, then moves the clock and wakes the
// engine, which looks at due work again.
func (h *harness) advance(d time.Duration) {
	h.t.Helper()
	if h.realClock {
		h.t.Fatalf("advance: this harness runs on the wall clock")
	}
	h.settle()
	h.clock.Advance(d)
	h.app.Engine.Wake()
}

// settle waits until the engine has finished every job due now, so a test
// can assert that something did NOT happen.
func (h *harness) settle() {
	h.t.Helper()
	if err := h.app.Engine.WaitIdle(h.ctx()); err != nil {
		h.t.Fatalf("wait for due jobs: %v", err)
	}
}

// text is everything a message shows: content, embeds and button labels.
func text(m *discordgo.Message) string {
	var b strings.Builder
	b.WriteString(m.Content)
	for _, e := range m.Embeds {
		b.WriteString("\n" + e.Title + "\n" + e.Description)
		for _, f := range e.Fields {
			b.WriteString("\n" + f.Name + ": " + f.Value)
		}
	}
	return b.String()
}

// replyText is everything a reply shows.
func replyText(r *discordtest.Reply) string {
	return text(&discordgo.Message{Content: r.Content, Embeds: r.Embeds})
}

// buttonIDs returns the custom ids of a message's buttons.
func buttonIDs(cs []discordgo.MessageComponent) []string {
	var ids []string
	for _, c := range cs {
		if row, ok := c.(*discordgo.ActionsRow); ok {
			for _, b := range row.Components {
				if btn, ok := b.(*discordgo.Button); ok {
					ids = append(ids, btn.CustomID)
				}
			}
		}
	}
	return ids
}

// buttonLabels returns the labels of a message's buttons.
func buttonLabels(cs []discordgo.MessageComponent) []string {
	var out []string
	for _, c := range cs {
		if row, ok := c.(*discordgo.ActionsRow); ok {
			for _, b := range row.Components {
				if btn, ok := b.(*discordgo.Button); ok {
					out = append(out, btn.Label)
				}
			}
		}
	}
	return out
}

// mustEphemeral fails unless the reply was ephemeral and mentions want.
func mustEphemeral(t testing.TB, r *discordtest.Reply, want ...string) {
	t.Helper()
	if !r.Ephemeral {
		t.Errorf("reply is not ephemeral: %q", r.Content)
	}
	got := replyText(r)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("reply %q does not say %q", got, w)
		}
	}
}
