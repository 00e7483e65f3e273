package hearth

import (
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Config is hearth's whole configuration (SPEC §7). It is built once at
// start: DefaultConfig, then the TOML file laid over it, then HEARTH_* environment
// overrides, then Validate. Nothing reads configuration from anywhere else.
type Config struct {
	Discord   DiscordConfig   `toml:"discord"`
	Database  DatabaseConfig  `toml:"database"`
	Scheduler SchedulerConfig `toml:"scheduler"`
	Alerts    AlertsConfig    `toml:"alerts"`
	Meetings  MeetingsConfig  `toml:"meetings"`
	Security  SecurityConfig  `toml:"security"`
	HTTP      HTTPConfig      `toml:"http"`
	Log       LogConfig       `toml:"log"`
	Web       WebConfig       `toml:"web"`
}

// DiscordConfig is the [discord] section.
type DiscordConfig struct {
	Token          string        `toml:"token" secret:"true"`
	APIBaseURL     string        `toml:"api_base_url"`
	GuildID        string        `toml:"guild_id"`
	ShardID        int           `toml:"shard_id"`
	ShardCount     int           `toml:"shard_count"`
	RequestTimeout time.Duration `toml:"request_timeout"`
	// ClientID is the OAuth2 client id of the dashboard's login; empty: the
	// application's id, read from Discord.
	ClientID string `toml:"client_id"`
	// ClientSecret is the OAuth2 client secret, required when [web] listen is set.
	ClientSecret string `toml:"client_secret" secret:"true"`
	// OAuthAuthorizeURL is where a visitor is sent to log in.
	OAuthAuthorizeURL string `toml:"oauth_authorize_url"`
	// OAuthAPIURL is where the code is exchanged (/oauth2/token) and the
	// user read (/users/@me); empty: api_base_url.
	OAuthAPIURL string `toml:"oauth_api_url"`
}

// DatabaseConfig is the [database] section.
type DatabaseConfig struct {
	Driver string `toml:"driver"`
	DSN    string `toml:"dsn" secret:"dsn"`
}

// SchedulerConfig is the [scheduler] section.
type SchedulerConfig struct {
	Horizon time.Duration `toml:"horizon"`
	CatchUp time.Duration `toml:"catch_up"`
	// MaxAttempts is how many times work that keeps failing for transient
	// reasons is tried before it is kept as failed and reported.
	MaxAttempts int `toml:"max_attempts"`
	// MaxEvents is how many of its own scheduled events hearth keeps in one
	// server (Discord allows 100 in all).
	MaxEvents int `toml:"max_events"`
}

// AlertsConfig is the [alerts] section: how long an alert of each urgency may
// stay unacknowledged before it escalates.
type AlertsConfig struct {
	EscalateNow   time.Duration `toml:"escalate_now"`
	EscalateToday time.Duration `toml:"escalate_today"`
	EscalateLater time.Duration `toml:"escalate_later"`
}

// MeetingsConfig is the [meetings] section: running the meeting (SPEC §12).
type MeetingsConfig struct {
	// PresentMinutes is how long a member must be in the group's voice
	// channel during a meeting to count as attended.
	PresentMinutes int `toml:"present_minutes"`
	// BriefBefore is how long before each meeting both psychologists get
	// the pre-meeting brief by DM.
	BriefBefore time.Duration `toml:"brief_before"`
}

// SecurityConfig is the [security] section.
type SecurityConfig struct {
	// EncryptionKey is the base64 of the 32-byte key that encrypts new notes.
	EncryptionKey string `toml:"encryption_key" secret:"true"`
	// OldEncryptionKeys still decrypt notes written before a key rotation.
	OldEncryptionKeys []string `toml:"old_encryption_keys" secret:"true"`
}

// HTTPConfig is the [http] section.
type HTTPConfig struct {
	Listen string `toml:"listen"`
}

// WebConfig is the [web] section: the dashboard (SPEC §11).
type WebConfig struct {
	// Listen is the dashboard's address; empty turns it off.
	Listen string `toml:"listen"`
	// PublicURL is the address people reach it at; the OAuth2 redirect URI
	// is <public_url>/auth/callback. Empty: http://<listen>.
	PublicURL string `toml:"public_url"`
	// SessionTTL is how long a login lasts.
	SessionTTL time.Duration `toml:"session_ttl"`
}

// DefaultOAuthAuthorizeURL is Discord's OAuth2 authorization page.
const DefaultOAuthAuthorizeURL = "https://discord.com/oauth2/authorize"

// OAuthAPI returns the base of the OAuth2 token endpoint and of /users/@me.
func (c DiscordConfig) OAuthAPI() string {
	if c.OAuthAPIURL != "" {
		return c.OAuthAPIURL
	}
	return c.APIBaseURL
}

// BaseURL returns the dashboard's public address without a trailing slash.
func (c WebConfig) BaseURL() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	return "http://" + c.Listen
}

// LogConfig is the [log] section.
type LogConfig struct {
	Level  string `toml:"level"`
	Format string `toml:"format"`
}

// DefaultAPIBaseURL is the REST base discordgo v0.29 speaks to.
const DefaultAPIBaseURL = "https://discord.com/api/v9"

// DefaultConfig returns the configuration used when nothing is set.
func DefaultConfig() Config {
	return Config{
		Discord: DiscordConfig{
			APIBaseURL:        DefaultAPIBaseURL,
			ShardCount:        1,
			RequestTimeout:    10 * time.Second,
			OAuthAuthorizeURL: DefaultOAuthAuthorizeURL,
		},
		Database:  DatabaseConfig{Driver: "sqlite", DSN: "hearth.db"},
		Scheduler: SchedulerConfig{Horizon: 336 * time.Hour, CatchUp: 15 * time.Minute, MaxAttempts: 10, MaxEvents: 80},
		Alerts: AlertsConfig{
			EscalateNow:   10 * time.Minute,
			EscalateToday: 2 * time.Hour,
			EscalateLater: 24 * time.Hour,
		},
		Meetings: MeetingsConfig{PresentMinutes: 10, BriefBefore: time.Hour},
		HTTP:     HTTPConfig{Listen: "127.0.0.1:9090"},
		Log:      LogConfig{Level: "info", Format: "text"},
		Web:      WebConfig{SessionTTL: 12 * time.Hour},
	}
}

// ApplyEnv overrides fields from environment variables named
// HEARTH_<SECTION>_<KEY> (upper case TOML names), looked up with lookup
// (os.LookupEnv in production). A list takes comma-separated values.
func (c *Config) ApplyEnv(lookup func(string) (string, bool)) error {
	return eachField(c, func(section, key string, f reflect.Value, _ reflect.StructField) error {
		name := "HEARTH_" + strings.ToUpper(section) + "_" + strings.ToUpper(key)
		v, ok := lookup(name)
		if !ok {
			return nil
		}
		if err := setField(f, v); err != nil {
			return fmt.Errorf("%s (environment %s): %w", section+"."+key, name, err)
		}
		return nil
	})
}

// Validate checks every key once at start and names the key and the accepted
// values in its error.
func (c *Config) Validate() error {
	var errs []string
	bad := func(key, format string, args ...any) {
		errs = append(errs, key+": "+fmt.Sprintf(format, args...))
	}
	if u, err := url.Parse(c.Discord.APIBaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("discord.api_base_url", "%q is not an absolute http(s) URL (default %s)", c.Discord.APIBaseURL, DefaultAPIBaseURL)
	}
	if c.Discord.GuildID != "" && !isSnowflake(c.Discord.GuildID) {
		bad("discord.guild_id", "%q is not a Discord id (digits only) or empty", c.Discord.GuildID)
	}
	if c.Discord.ShardCount < 1 {
		bad("discord.shard_count", "must be 1 or more, got %d", c.Discord.ShardCount)
	}
	if c.Discord.ShardID < 0 || c.Discord.ShardID >= max(c.Discord.ShardCount, 1) {
		bad("discord.shard_id", "must be from 0 to shard_count-1 (%d), got %d", c.Discord.ShardCount-1, c.Discord.ShardID)
	}
	if c.Discord.RequestTimeout < time.Second || c.Discord.RequestTimeout > 5*time.Minute {
		bad("discord.request_timeout", "must be from 1s to 5m, got %s", c.Discord.RequestTimeout)
	}
	switch c.Database.Driver {
	case "sqlite", "postgres":
	default:
		bad("database.driver", "%q is not accepted: use \"sqlite\" or \"postgres\"", c.Database.Driver)
	}
	if c.Database.DSN == "" {
		bad("database.dsn", "must not be empty (a file path for sqlite, a connection string for postgres)")
	}
	if c.Scheduler.Horizon < 24*time.Hour || c.Scheduler.Horizon > 90*24*time.Hour {
		bad("scheduler.horizon", "must be from 24h to 2160h, got %s", c.Scheduler.Horizon)
	}
	if c.Scheduler.CatchUp < 0 || c.Scheduler.CatchUp > 24*time.Hour {
		bad("scheduler.catch_up", "must be from 0s to 24h, got %s", c.Scheduler.CatchUp)
	}
	if c.Scheduler.MaxAttempts < 1 || c.Scheduler.MaxAttempts > 100 {
		bad("scheduler.max_attempts", "must be from 1 to 100, got %d", c.Scheduler.MaxAttempts)
	}
	if c.Scheduler.MaxEvents < 0 || c.Scheduler.MaxEvents > 100 {
		bad("scheduler.max_events", "must be from 0 (no events) to 100, got %d", c.Scheduler.MaxEvents)
	}
	for _, a := range []struct {
		key string
		d   time.Duration
	}{{"alerts.escalate_now", c.Alerts.EscalateNow}, {"alerts.escalate_today", c.Alerts.EscalateToday}, {"alerts.escalate_later", c.Alerts.EscalateLater}} {
		if a.d < time.Minute || a.d > 7*24*time.Hour {
			bad(a.key, "must be from 1m to 168h, got %s", a.d)
		}
	}
	if c.Meetings.PresentMinutes < 1 || c.Meetings.PresentMinutes > 480 {
		bad("meetings.present_minutes", "must be from 1 to 480, got %d", c.Meetings.PresentMinutes)
	}
	if c.Meetings.BriefBefore < 5*time.Minute || c.Meetings.BriefBefore > 7*24*time.Hour {
		bad("meetings.brief_before", "must be from 5m to 168h, got %s", c.Meetings.BriefBefore)
	}
	if c.Security.EncryptionKey != "" && !isKey(c.Security.EncryptionKey) {
		bad("security.encryption_key", "must be the base64 of exactly 32 bytes (for example the output of `openssl rand -base64 32`)")
	}
	for i, k := range c.Security.OldEncryptionKeys {
		if !isKey(k) {
			bad(fmt.Sprintf("security.old_encryption_keys[%d]", i), "must be the base64 of exactly 32 bytes")
		}
	}
	if c.HTTP.Listen != "" {
		if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
			bad("http.listen", "%q is not host:port (empty disables the HTTP server)", c.HTTP.Listen)
		}
	}
	if c.Web.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Web.Listen); err != nil {
			bad("web.listen", "%q is not host:port (empty turns the dashboard off)", c.Web.Listen)
		}
		if c.Discord.ClientSecret == "" {
			bad("discord.client_secret", "is required when web.listen is set (the OAuth2 secret from the Developer Portal; prefer HEARTH_DISCORD_CLIENT_SECRET)")
		}
	}
	if c.Web.PublicURL != "" {
		if u, err := url.Parse(c.Web.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("web.public_url", "%q is not an absolute http(s) URL", c.Web.PublicURL)
		}
	}
	if c.Web.SessionTTL < 5*time.Minute || c.Web.SessionTTL > 30*24*time.Hour {
		bad("web.session_ttl", "must be from 5m to 720h, got %s", c.Web.SessionTTL)
	}
	for _, k := range []struct{ key, v string }{{"discord.oauth_authorize_url", c.Discord.OAuthAuthorizeURL}, {"discord.oauth_api_url", c.Discord.OAuthAPIURL}} {
		if k.v == "" && k.key == "discord.oauth_api_url" {
			continue
		}
		if u, err := url.Parse(k.v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad(k.key, "%q is not an absolute http(s) URL", k.v)
		}
	}
	if c.Discord.ClientID != "" && !isSnowflake(c.Discord.ClientID) {
		bad("discord.client_id", "%q is not a Discord id (digits only) or empty", c.Discord.ClientID)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "%q is not accepted: use debug, info, warn or error", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		bad("log.format", "%q is not accepted: use text or json", c.Log.Format)
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid configuration:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}

// Redacted returns a copy with secrets masked, for printing.
func (c Config) Redacted() Config {
	out := c
	out.Security.OldEncryptionKeys = append([]string(nil), c.Security.OldEncryptionKeys...)
	_ = eachField(&out, func(_, _ string, f reflect.Value, sf reflect.StructField) error {
		switch sf.Tag.Get("secret") {
		case "true":
			if f.Kind() == reflect.String && f.String() != "" {
				f.SetString("********")
			}
			if f.Kind() == reflect.Slice {
				for i := 0; i < f.Len(); i++ {
					f.Index(i).SetString("********")
				}
			}
		case "dsn":
			f.SetString(RedactDSN(f.String()))
		}
		return nil
	})
	return out
}

func isSnowflake(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

func isKey(s string) bool {
	b, err := base64.StdEncoding.DecodeString(s)
	return err == nil && len(b) == 32
}

// eachField calls fn for every leaf field of every section of c.
func eachField(c *Config, fn func(section, key string, f reflect.Value, sf reflect.StructField) error) error {
	v := reflect.ValueOf(c).Elem()
	for i := 0; i < v.NumField(); i++ {
		section := v.Type().Field(i).Tag.Get("toml")
		sv := v.Field(i)
		for j := 0; j < sv.NumField(); j++ {
			sf := sv.Type().Field(j)
			if err := fn(section, sf.Tag.Get("toml"), sv.Field(j), sf); err != nil {
				return err
			}
		}
	}
	return nil
}

func setField(f reflect.Value, v string) error {
	switch {
	case f.Type() == reflect.TypeOf(time.Duration(0)):
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 90s, 15m or 336h", v)
		}
		f.SetInt(int64(d))
	case f.Kind() == reflect.String:
		f.SetString(v)
	case f.Kind() == reflect.Int:
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		f.SetInt(int64(n))
	case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
		var parts []string
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		f.Set(reflect.ValueOf(parts))
	default:
		return fmt.Errorf("unsupported type %s", f.Type())
	}
	return nil
}
