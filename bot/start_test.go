package bot_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/bot"
	"github.com/hearthbot/hearth/discordtest"
)

// TestBot_OpenRetriesTransient checks that a start meets Discord's passing
// failures on GET /gateway and while identifying with a wait, honouring
// retry_after, and fails at once, saying what to fix, for what a restart
// cannot fix.
func TestBot_OpenRetriesTransient(t *testing.T) {
	t.Parallel()
	open := func(t *testing.T, fault func(*discordtest.Server)) (*discordtest.Server, error, time.Duration) {
		t.Helper()
		fake := discordtest.NewServer(t)
		fake.AddGuild("", "Guild")
		fault(fake)
		b, err := bot.New(bot.Options{
			Discord: hearth.DiscordConfig{Token: fake.Token, APIBaseURL: fake.URL, RequestTimeout: 10 * time.Second},
			Router:  echoRouter(),
			Logger:  slog.New(slog.DiscardHandler),
		})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		err = b.Open(ctx(t))
		took := time.Since(start)
		t.Cleanup(func() {
			c, cancel := context.WithTimeout(context.Background(), waitTimeout)
			defer cancel()
			_ = b.Close(c)
		})
		return fake, err, took
	}
	for _, c := range []struct {
		name  string
		fault func(*discordtest.Server)
		min   time.Duration // the start waited at least this long
	}{
		{"GatewayServerError", func(s *discordtest.Server) { s.FailNext("GET", "/gateway", 503, 2) }, 2 * time.Second},
		{"GatewayRateLimited", func(s *discordtest.Server) { s.RateLimitNext("/gateway", 1500*time.Millisecond, false, 1) }, 1500 * time.Millisecond},
		{"IdentifyClosed", func(s *discordtest.Server) { s.CloseGateway(4000, "Unknown error."); go reopenAfterFirstTry(s) }, time.Second},
		{"CommandsRateLimited", func(s *discordtest.Server) {
			s.RateLimitNext("/applications/*/commands", 1200*time.Millisecond, false, 1)
		}, 1200 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			fake, err, took := open(t, c.fault)
			if err != nil {
				t.Fatalf("open through a passing fault: %v", err)
			}
			if fake.Connections() != 1 || len(fake.Commands("")) == 0 {
				t.Fatalf("connections %d, commands %d", fake.Connections(), len(fake.Commands("")))
			}
			if took < c.min {
				t.Fatalf("started after %v, want a wait of at least %v (retry_after)", took, c.min)
			}
		})
	}
	for _, c := range []struct {
		name  string
		fault func(*discordtest.Server)
		is    func(error) bool
	}{
		{"ErrBadTokenOnRegistration", func(s *discordtest.Server) { s.FailNext("PUT", "/applications/*/commands", 401, 1) }, isRefused(401)},
		{"ErrNotDiscord", func(s *discordtest.Server) { s.FailNext("GET", "/gateway", 404, 1) }, isRefused(404)},
		{"ErrDisallowedIntents", func(s *discordtest.Server) { s.CloseGateway(4014, "Disallowed intent(s).") }, isClose(4014)},
		{"ErrInvalidShard", func(s *discordtest.Server) { s.CloseGateway(4010, "Invalid shard.") }, isClose(4010)},
		{"ErrShardingRequired", func(s *discordtest.Server) { s.CloseGateway(4011, "Sharding required.") }, isClose(4011)},
		{"ErrInvalidVersion", func(s *discordtest.Server) { s.CloseGateway(4012, "Invalid API version.") }, isClose(4012)},
		{"ErrInvalidIntents", func(s *discordtest.Server) { s.CloseGateway(4013, "Invalid intent(s).") }, isClose(4013)},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err, took := open(t, c.fault)
			if err == nil || !c.is(err) {
				t.Fatalf("open = %v, want the refusal", err)
			}
			if took > 5*time.Second {
				t.Fatalf("took %v: a refusal must not be retried", took)
			}
		})
	}
}

// reopenAfterFirstTry lets the gateway accept sessions once one attempt has
// been refused.
func reopenAfterFirstTry(s *discordtest.Server) {
	c, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	_ = s.WaitFor(c, func() bool { return s.GatewayRefusals() >= 1 })
	s.ReopenGateway()
}

func isRefused(status int) func(error) bool {
	return func(err error) bool {
		var re *bot.RefusedError
		return errors.As(err, &re) && re.Status == status && re.Error() != ""
	}
}

func isClose(code int) func(error) bool {
	return func(err error) bool {
		var ge *bot.GatewayError
		return errors.As(err, &ge) && ge.Code == code
	}
}

// TestBot_RateStyleRefusalsAreTransient checks that refusals Discord makes
// because of pace (40003 opening DMs too fast, 20028 a channel's write
// limit) are classified as worth retrying, not as an unreachable user.
func TestBot_RateStyleRefusalsAreTransient(t *testing.T) {
	t.Parallel()
	t.Run("DMsTooFast", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, echoRouter())
		f.fake.RefuseNext("POST", "/users/@me/channels", http.StatusForbidden, 40003, "You are opening direct messages too fast.", 1)
		_, err := f.bot.DMChannel(ctx(t), f.user)
		var se *hearth.SendError
		if !errors.As(err, &se) || se.Code != 40003 || se.Failure != hearth.FailRetry {
			t.Fatalf("DMChannel = %v, want a transient 40003", err)
		}
		if _, err := f.bot.DMChannel(ctx(t), f.user); err != nil {
			t.Fatalf("the retry: %v", err)
		}
	})
	t.Run("ChannelWriteLimit", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, echoRouter())
		f.fake.RefuseNext("POST", "/channels/*/messages", http.StatusTooManyRequests, 20028, "The write action you are performing on the channel has hit the write rate limit on the channel.", 1)
		_, err := f.bot.Send(ctx(t), f.chans, &hearth.Message{Content: "hi"}, "")
		if hearth.Failure(err) != hearth.FailRetry {
			t.Fatalf("Send = %v (failure %v), want transient", err, hearth.Failure(err))
		}
	})
	t.Run("ErrCannotDM", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, echoRouter())
		f.fake.RefuseNext("POST", "/users/@me/channels", http.StatusForbidden, 50007, "Cannot send messages to this user", 1)
		_, err := f.bot.DMChannel(ctx(t), f.user)
		if hearth.Failure(err) != hearth.FailUnreachable {
			t.Fatalf("DMChannel = %v, want unreachable", err)
		}
	})
}
