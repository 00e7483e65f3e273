package discordtest

import "time"

// Option configures a Server at construction.
type Option func(*config)

type config struct {
	heartbeat    time.Duration
	now          func() time.Time
	limiterNow   func() time.Time
	globalLimit  int
	routeLimit   int
	routeWindow  time.Duration
	dmOpenLimit  int
	dmOpenWindow time.Duration
	validate     bool
	token        string
	appID        string
}

func defaultConfig() config {
	return config{
		heartbeat:   41250 * time.Millisecond,
		now:         time.Now,
		limiterNow:  time.Now,
		globalLimit: 50,
		routeLimit:  50,
		routeWindow: time.Second,
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

// WithRouteRateLimit sets each per-route bucket (a route and its channel,
// guild, webhook or interaction) to limit requests per window, announced in
// the X-RateLimit-* headers of every answer; a request past it gets 429 with
// retry_after and scope "user". Discord does not publish its per-route
// numbers (clients learn them from the headers); the default, 50 per second,
// binds no client that also keeps the global limit, so tests that want a
// per-route 429 set a smaller one. 0 turns the buckets and their headers off.
func WithRouteRateLimit(limit int, window time.Duration) Option {
	return func(c *config) { c.routeLimit, c.routeWindow = limit, window }
}

// WithDMOpenLimit makes POST /users/@me/channels answer 403 code 40003
// ("You are opening direct messages too fast") once more than limit new DM
// channels were opened within window, on the rate-limit clock. Discord has
// such a limit but publishes no number, so it is off unless a test sets it.
func WithDMOpenLimit(limit int, window time.Duration) Option {
	return func(c *config) { c.dmOpenLimit, c.dmOpenWindow = limit, window }
}
