package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
)

// RefusedError is a REST refusal at start-up that no restart can fix (a
// token Discord does not accept, a base URL that is not Discord's API, a
// server the bot may not register commands in). Like a *GatewayError, the
// process should stop and say what to change.
type RefusedError struct {
	Status int    // the HTTP status
	What   string // the request, e.g. "GET /gateway"
	Err    error
}

// Error says what was refused and what to do about it.
func (e *RefusedError) Error() string {
	return fmt.Sprintf("discord refused %s with HTTP %d: %s", e.What, e.Status, refusalFix(e.Status, e.What))
}

// Unwrap returns the classified error (a *hearth.SendError).
func (e *RefusedError) Unwrap() error { return e.Err }

func refusalFix(status int, what string) string {
	switch {
	case status == http.StatusUnauthorized:
		return "the token is invalid — reset it in the Developer Portal and set discord.token"
	case status == http.StatusNotFound && what == "GET /gateway":
		return "discord.api_base_url does not point at Discord's REST API (or a proxy of it)"
	case status == http.StatusForbidden && what == "command registration":
		return "the bot may not register commands there — invite it again with the applications.commands scope (hearth invite), or check discord.guild_id"
	default:
		return "check the [discord] settings"
	}
}

// startBackoff bounds the waits between start-up attempts: the first wait,
// and the most any wait grows to (a retry_after longer than that is still
// honoured).
var startBackoff = struct{ first, max time.Duration }{first: time.Second, max: 30 * time.Second}

// refusal returns the *RefusedError for a start-up error that a restart
// cannot fix, or nil.
func refusal(what string, err error) error {
	var se *hearth.SendError
	if !errors.As(err, &se) {
		return nil
	}
	switch {
	case se.Status == http.StatusUnauthorized,
		se.Status == http.StatusNotFound && what == "GET /gateway",
		se.Status == http.StatusForbidden && what == "command registration":
		return &RefusedError{Status: se.Status, What: what, Err: err}
	}
	return nil
}

// retryStart runs attempt until it succeeds, fails for good, or ctx ends.
// Network errors, 5xx and 429 (and gateway closes a reconnect can fix) are
// waited out with a doubling backoff that honours retry_after; fatal gateway
// closes and refusals come back at once.
func (b *Bot) retryStart(ctx context.Context, what string, attempt func() error) error {
	wait := startBackoff.first
	for {
		err := attempt()
		if err == nil {
			return nil
		}
		if ge := gatewayError(err); ge != nil {
			b.log.Error("gateway closed for good", "code", ge.Code)
			return ge
		}
		if _, isGW := errors.AsType[*GatewayError](err); isGW {
			return err
		}
		if _, isSend := errors.AsType[*hearth.SendError](err); !isSend {
			err = classify(err)
		}
		if r := refusal(what, err); r != nil {
			return r
		}
		if hearth.Failure(err) != hearth.FailRetry {
			return err
		}
		delay := wait
		var se *hearth.SendError
		if errors.As(err, &se) && se.RetryAfter > delay {
			delay = se.RetryAfter
		}
		b.log.Warn("discord is not answering the start-up; retrying", "step", what, "error", err, "in", delay)
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s: %w", what, err)
		}
		wait = min(2*wait, startBackoff.max)
	}
}

// openGateway opens the session (GET /gateway, the socket, IDENTIFY and
// READY), retrying what a retry can fix.
func (b *Bot) openGateway(ctx context.Context) error {
	return b.retryStart(ctx, "GET /gateway", func() error {
		err := b.s.Open()
		if errors.Is(err, discordgo.ErrWSAlreadyOpen) {
			return nil
		}
		return err
	})
}
