package bot_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/bot"
	"github.com/hearthbot/hearth/discordtest"
)

// TestBot_OpenRegistersCommands checks that a passing Discord fault while
// registering the commands delays the start instead of failing it, and that
// a refusal still fails it at once.
func TestBot_OpenRegistersCommands(t *testing.T) {
	open := func(t *testing.T, fault func(*discordtest.Server)) (*discordtest.Server, string, error) {
		t.Helper()
		fake := discordtest.NewServer(t)
		guild := fake.AddGuild("", "Guild")
		fault(fake)
		b, err := bot.New(bot.Options{
			Discord: hearth.DiscordConfig{Token: fake.Token, APIBaseURL: fake.URL, GuildID: guild, RequestTimeout: 10 * time.Second},
			Router:  echoRouter(),
			Logger:  slog.New(slog.DiscardHandler),
		})
		if err != nil {
			t.Fatal(err)
		}
		err = b.Open(ctx(t))
		t.Cleanup(func() {
			c, cancel := context.WithTimeout(context.Background(), waitTimeout)
			defer cancel()
			_ = b.Close(c)
		})
		return fake, guild, err
	}
	const route = "/applications/*/guilds/*/commands"
	t.Run("OK", func(t *testing.T) {
		fake, guild, err := open(t, func(s *discordtest.Server) {
			s.FailNext("PUT", route, 503, 1)
			s.RateLimitNext(route, 100*time.Millisecond, false, 1)
		})
		if err != nil {
			t.Fatalf("open after a 503 and a 429: %v", err)
		}
		if len(fake.Commands(guild)) == 0 {
			t.Fatal("no commands registered")
		}
	})
	t.Run("ErrForbidden", func(t *testing.T) {
		_, _, err := open(t, func(s *discordtest.Server) { s.FailNext("PUT", route, 403, 1) })
		if err == nil || hearth.Failure(err) == hearth.FailRetry {
			t.Fatalf("open after a 403 = %v, want a failure that is not retried", err)
		}
	})
}
