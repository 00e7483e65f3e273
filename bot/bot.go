package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/commands"
)

// Options configure a Bot.
type Options struct {
	Discord hearth.DiscordConfig
	Router  *commands.Router
	Logger  *slog.Logger
	// Now is the clock handlers see as Request.Now; time.Now if nil.
	Now func() time.Time
	// DeferAfter is how long a handler may run before the bot defers the
	// interaction (Discord allows 3 s for the first answer); 1 s if zero.
	DeferAfter time.Duration
	// Transport is the base HTTP transport; http.DefaultTransport if nil.
	Transport http.RoundTripper
	// Rate is the outbound requests per second, sustained; DefaultRate if
	// zero. Burst is how many may go at once after a pause; DefaultBurst if
	// zero. Keep Rate + Burst under Discord's 50 per second.
	Rate  int
	Burst int
	// Observer is told of every interaction and REST response; nil
	// observes nothing.
	Observer Observer
	// Voice is told of voice states (SPEC §12); nil drops them all.
	Voice hearth.VoiceObserver
}

// Bot is a connected hearth bot: one discordgo session (one shard).
type Bot struct {
	s          *discordgo.Session
	router     *commands.Router
	log        *slog.Logger
	now        func() time.Time
	deferAfter time.Duration
	guildID    string

	seen      *seenSet
	ready     chan struct{}
	readyOnce sync.Once
	appID     atomic.Value // string
	connected atomic.Bool
	obs       Observer
	voice     hearth.VoiceObserver
	voiceT    voiceTracker

	inflight     sync.WaitGroup
	closing      atomic.Bool
	removers     []func()
	reconnecting atomic.Bool
	loops        sync.WaitGroup // the reconnect loop
	stop         chan struct{}  // closed by Close: stop reconnecting
	fatal        chan error     // a *GatewayError, once

	dmMu       sync.Mutex
	dmChannels map[string]string // user id → DM channel id
}

// New builds a bot from its options; it does not connect.
func New(o Options) (*Bot, error) {
	if o.Router == nil {
		o.Router = commands.NewRouter()
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.DeferAfter <= 0 {
		o.DeferAfter = time.Second
	}
	if o.Transport == nil {
		o.Transport = http.DefaultTransport
	}
	if o.Discord.RequestTimeout <= 0 {
		o.Discord.RequestTimeout = 10 * time.Second
	}
	s, err := discordgo.New("Bot " + o.Discord.Token)
	if err != nil {
		return nil, fmt.Errorf("new discord session: %w", err)
	}
	base := o.Discord.APIBaseURL
	if base == "" {
		base = hearth.DefaultAPIBaseURL
	}
	rt, err := newRewriteTransport(base, o.Transport)
	if err != nil {
		return nil, err
	}
	if o.Rate <= 0 {
		o.Rate = DefaultRate
	}
	if o.Burst <= 0 {
		o.Burst = DefaultBurst
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	// Every REST call has a deadline, counted from when the request leaves
	// the outbound queue (an http.Client timeout would count the wait too).
	s.Client = &http.Client{Transport: &limitTransport{lim: newLimiter(float64(o.Rate), o.Burst), timeout: o.Discord.RequestTimeout, next: rt, observe: o.Observer.RESTResponse}}
	// discordgo would otherwise sleep and retry a 429 without bound; hearth
	// decides itself when to try again.
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 1
	// The bot reconnects itself (gateway.go), so that a close no reconnect
	// can fix (a bad token) stops hearth instead of looping.
	s.ShouldReconnectOnError = false
	// GUILD_VOICE_STATES is not privileged; intents are fixed when the
	// connection identifies, so hearth always asks for it (SPEC §12).
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildVoiceStates
	// discordgo's state keeps the current voice states in memory, in
	// order (see voice.go); the voice observer stores only a group's
	// members in its meeting's window.
	s.State.TrackVoice = true
	if o.Discord.ShardCount > 1 {
		s.ShardID = o.Discord.ShardID
		s.ShardCount = o.Discord.ShardCount
		s.Identify.Shard = &[2]int{o.Discord.ShardID, o.Discord.ShardCount}
	}
	s.LogLevel = discordgo.LogWarning
	installLogger()

	b := &Bot{
		s:          s,
		router:     o.Router,
		log:        o.Logger,
		now:        o.Now,
		deferAfter: o.DeferAfter,
		guildID:    o.Discord.GuildID,
		seen:       newSeenSet(4096),
		ready:      make(chan struct{}),
		dmChannels: map[string]string{},
		obs:        o.Observer,
		voice:      o.Voice,
		stop:       make(chan struct{}),
		fatal:      make(chan error, 1),
	}
	b.removers = append(b.removers,
		s.AddHandler(b.onReady),
		s.AddHandler(func(*discordgo.Session, *discordgo.Connect) { b.connected.Store(true) }),
		s.AddHandler(b.onDisconnect),
		s.AddHandler(func(*discordgo.Session, *discordgo.Resumed) { b.connected.Store(true) }),
		s.AddHandler(b.onInteraction),
		s.AddHandler(b.onVoiceState),
		s.AddHandler(b.onGuildCreate),
	)
	return b, nil
}

func (b *Bot) onReady(_ *discordgo.Session, r *discordgo.Ready) {
	b.connected.Store(true)
	if r.Application != nil && r.Application.ID != "" {
		b.appID.Store(r.Application.ID)
	} else if r.User != nil {
		b.appID.Store(r.User.ID)
	}
	b.readyOnce.Do(func() { close(b.ready) })
	b.log.Info("gateway ready", "session", r.SessionID, "guilds", len(r.Guilds))
}

// Open connects to the gateway, waits for READY and registers every command
// definition in one bulk overwrite (in guild_id when set, else globally).
// Discord's transient failures on the way (a network error, a 5xx or a 429
// on GET /gateway, a gateway close a reconnect can fix, the same on
// registration) are retried with backoff honouring retry_after, until ctx
// ends: under a process manager an exit would be a crash loop, and alerts
// raised meanwhile would wait. What no restart can fix comes back as a
// *GatewayError or *RefusedError.
func (b *Bot) Open(ctx context.Context) error {
	if err := b.openGateway(ctx); err != nil {
		var ge *GatewayError
		if errors.As(err, &ge) {
			return ge
		}
		if errors.As(err, new(*RefusedError)) {
			return err
		}
		return fmt.Errorf("open gateway: %w", err)
	}
	select {
	case <-b.ready:
	case <-ctx.Done():
		b.closing.Store(true)
		return errors.Join(fmt.Errorf("wait for ready: %w", ctx.Err()), b.s.Close())
	}
	if err := b.retryStart(ctx, "command registration", func() error { return b.SyncCommands(ctx) }); err != nil {
		// Closing fires a disconnect; without this the reconnect loop
		// would bring the gateway of a failed start back.
		b.closing.Store(true)
		return errors.Join(err, b.s.Close())
	}
	return nil
}

// AppID returns the application id learnt from READY.
func (b *Bot) AppID() string {
	id, _ := b.appID.Load().(string)
	return id
}

// Connected reports whether the gateway connection is up.
func (b *Bot) Connected() bool { return b.connected.Load() }

// SyncCommands overwrites the application's commands with the router's
// definitions in one request.
func (b *Bot) SyncCommands(ctx context.Context) error {
	defs := make([]*discordgo.ApplicationCommand, 0, len(b.router.Commands()))
	for _, c := range b.router.Commands() {
		defs = append(defs, toApplicationCommand(c))
	}
	_, err := b.s.ApplicationCommandBulkOverwrite(b.AppID(), b.guildID, defs, discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("register commands: %w", classify(err))
	}
	b.log.Info("commands registered", "count", len(defs), "guild", b.guildID)
	return nil
}

// Close stops taking interactions, waits for those in flight to be answered
// (or ctx to end), stops reconnecting and closes the gateway.
func (b *Bot) Close(ctx context.Context) error {
	b.closing.Store(true)
	done := make(chan struct{})
	go func() { b.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		b.log.Warn("closing with interactions still in flight")
	}
	for _, remove := range b.removers {
		remove()
	}
	close(b.stop)
	b.loops.Wait()
	return b.s.Close()
}

// installLogger routes discordgo's own log lines (a package-level hook) to
// slog's default logger once per process. Raw gateway payloads, which can hold
// what members typed, are cut off: only the text before "Data:", "Packet:" or
// a newline is kept.
var loggerOnce sync.Once

func installLogger() {
	loggerOnce.Do(func() {
		discordgo.Logger = func(level, caller int, format string, a ...any) {
			msg := fmt.Sprintf(format, a...)
			for _, cut := range []string{"Data:", "\n", "Packet:"} {
				if i := strings.Index(msg, cut); i >= 0 {
					msg = msg[:i]
				}
			}
			lv := slog.LevelInfo
			switch level {
			case discordgo.LogError:
				lv = slog.LevelError
			case discordgo.LogWarning:
				lv = slog.LevelWarn
			case discordgo.LogDebug:
				lv = slog.LevelDebug
			}
			slog.Default().Log(context.Background(), lv, "discordgo", "detail", strings.TrimSpace(msg))
		}
	})
}
