package discordtest

import "time"

// Option configures a Server at construction.
type Option func(*config)

type config struct {
	heartbeat   time.Duration
	now         func() time.Time
	limiterNow  func() time.Time
	globalLimit int
	validate    bool
	token       string
	appID       string
}

func defaultConfig() config {
	return config{
		heartbeat:   41250 * time.Millisecond,
		now:         time.Now,
		limiterNow:  time.Now,
		globalLimit: 50,
		validate:    true,
		token:       "test-bot-token",
	}
}

// WithHeartbeatInterval sets the heartbeat_interval announced in HELLO, so
// tests of missed heartbeat ACKs do not wait Discord's 41.25 s.
func WithHeartbeatInterval(d time.Duration) Option {
	return func(c *config) { c.heartbeat = d }
}

// WithClock replaces the clock used for timestamps, snowflakes, nonce expiry
// and the 3-second interaction deadline, so tests can move time without
// sleeping. It does not move the global rate-limit window (see
// WithRateLimitClock): that limit is about real throughput, and a frozen test
// clock would otherwise rate-limit a long test forever.
func WithClock(now func() time.Time) Option {
	return func(c *config) { c.now = now }
}

// WithRateLimitClock replaces the clock of the global rate limiter's sliding
// one-second window, for deterministic tests of the limiter itself.
func WithRateLimitClock(now func() time.Time) Option {
	return func(c *config) { c.limiterNow = now }
}

// WithGlobalRateLimit sets how many authorized requests per sliding second
// the server admits before answering 429 with global=true; 0 turns the
// limiter off. Discord's default for bots is 50. Interaction callbacks and
// webhook routes are exempt, as on Discord.
func WithGlobalRateLimit(n int) Option {
	return func(c *config) { c.globalLimit = n }
}

// WithoutValidation skips OpenAPI request validation, which costs a few
// milliseconds per request; meant for benchmarks.
func WithoutValidation() Option {
	return func(c *config) { c.validate = false }
}

// WithToken sets the bot token the server accepts instead of a generated one.
func WithToken(token string) Option {
	return func(c *config) { c.token = token }
}

// WithAppID sets the application id (also the bot user's id) instead of a
// generated snowflake.
func WithAppID(id string) Option {
	return func(c *config) { c.appID = id }
}
