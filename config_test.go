package hearth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
)

func TestConfig_Validate(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		c := hearth.DefaultConfig()
		if err := c.Validate(); err != nil {
			t.Fatalf("defaults are invalid: %v", err)
		}
	})
	cases := []struct {
		name string
		edit func(*hearth.Config)
		want []string // the key and what is accepted
	}{
		{"ErrDriver", func(c *hearth.Config) { c.Database.Driver = "mysql" }, []string{"database.driver", `"sqlite" or "postgres"`}},
		{"ErrBaseURL", func(c *hearth.Config) { c.Discord.APIBaseURL = "discord.com" }, []string{"discord.api_base_url", "http(s)"}},
		{"ErrShard", func(c *hearth.Config) { c.Discord.ShardCount, c.Discord.ShardID = 2, 2 }, []string{"discord.shard_id", "0 to shard_count-1"}},
		{"ErrGuild", func(c *hearth.Config) { c.Discord.GuildID = "my-server" }, []string{"discord.guild_id", "digits"}},
		{"ErrHorizon", func(c *hearth.Config) { c.Scheduler.Horizon = time.Hour }, []string{"scheduler.horizon", "24h to 2160h"}},
		{"ErrEscalate", func(c *hearth.Config) { c.Alerts.EscalateNow = 0 }, []string{"alerts.escalate_now", "1m to 168h"}},
		{"ErrKey", func(c *hearth.Config) { c.Security.EncryptionKey = "c2hvcnQ=" }, []string{"security.encryption_key", "32 bytes"}},
		{"ErrLevel", func(c *hearth.Config) { c.Log.Level = "loud" }, []string{"log.level", "debug, info, warn or error"}},
		{"ErrFormat", func(c *hearth.Config) { c.Log.Format = "xml" }, []string{"log.format", "text or json"}},
		{"ErrListen", func(c *hearth.Config) { c.HTTP.Listen = "9090" }, []string{"http.listen", "host:port"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := hearth.DefaultConfig()
			tc.edit(&c)
			err := c.Validate()
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestConfig_ApplyEnv(t *testing.T) {
	env := map[string]string{
		"HEARTH_DISCORD_TOKEN":                "tok",
		"HEARTH_DISCORD_SHARD_COUNT":          "4",
		"HEARTH_SCHEDULER_CATCH_UP":           "5m",
		"HEARTH_SECURITY_OLD_ENCRYPTION_KEYS": "a, b",
		"HEARTH_DATABASE_DSN":                 "postgres://x",
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	t.Run("OK", func(t *testing.T) {
		c := hearth.DefaultConfig()
		if err := c.ApplyEnv(lookup); err != nil {
			t.Fatal(err)
		}
		if c.Discord.Token != "tok" || c.Discord.ShardCount != 4 || c.Scheduler.CatchUp != 5*time.Minute ||
			len(c.Security.OldEncryptionKeys) != 2 || c.Database.DSN != "postgres://x" {
			t.Errorf("overrides not applied: %+v", c)
		}
	})
	t.Run("ErrDuration", func(t *testing.T) {
		c := hearth.DefaultConfig()
		err := c.ApplyEnv(func(k string) (string, bool) { return "soon", k == "HEARTH_ALERTS_ESCALATE_NOW" })
		if err == nil || !strings.Contains(err.Error(), "alerts.escalate_now") || !strings.Contains(err.Error(), "HEARTH_ALERTS_ESCALATE_NOW") {
			t.Errorf("error = %v", err)
		}
	})
}

func TestConfig_Redacted(t *testing.T) {
	c := hearth.DefaultConfig()
	c.Discord.Token = "very-secret-token"
	c.Security.EncryptionKey = "k"
	c.Security.OldEncryptionKeys = []string{"old"}
	c.Database.DSN = "postgres://hearth:hunter2@db/hearth"
	r := c.Redacted()
	for _, s := range []string{r.Discord.Token, r.Security.EncryptionKey, r.Security.OldEncryptionKeys[0], r.Database.DSN} {
		if strings.Contains(s, "secret") || strings.Contains(s, "hunter2") || s == "k" || s == "old" {
			t.Errorf("secret left in %q", s)
		}
	}
	if c.Security.OldEncryptionKeys[0] != "old" {
		t.Errorf("Redacted changed the original")
	}
}

func TestParseOffsets(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		err  bool
	}{
		{"24h,1h", "1d,1h", false},
		{"1h, 2d", "2d,1h", false},
		{"30m", "30m", false},
		{"", "", true},
		{"4m", "", true},
		{"8d", "", true},
		{"1h,1h", "", true},
		{"1h,2h,3h,4h,5h,6h", "", true},
		{"soon", "", true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := hearth.ParseOffsets(tc.in)
			if tc.err {
				if hearth.ErrorCode(err) != hearth.EINVALID {
					t.Fatalf("ParseOffsets(%q) error = %v, want EINVALID", tc.in, err)
				}
				if !strings.Contains(hearth.ErrorMessage(err), "e.g.") && !strings.Contains(hearth.ErrorMessage(err), "5m to 7d") && !strings.Contains(hearth.ErrorMessage(err), "twice") {
					t.Errorf("message %q does not say what is accepted", hearth.ErrorMessage(err))
				}
				return
			}
			if err != nil || hearth.FormatOffsets(got) != tc.want {
				t.Errorf("ParseOffsets(%q) = %v, %v; want %s", tc.in, hearth.FormatOffsets(got), err, tc.want)
			}
		})
	}
}
