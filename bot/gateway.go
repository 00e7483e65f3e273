package bot

import (
	"errors"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// fatalCloses are the gateway close codes no reconnect can fix, with what
// the operator should do. discordgo v0.29 would reconnect on them forever
// (and a bad token counts against the daily IDENTIFY budget each time), so
// the bot reconnects itself and stops on these.
var fatalCloses = map[int]string{
	4004: "the token is invalid — reset it in the Developer Portal and set discord.token",
	4010: "the shard is invalid — check discord.shard_id and discord.shard_count",
	4011: "the bot is in too many servers for one connection — set discord.shard_count and run one process per shard (see docs/deploy.md)",
	4012: "the gateway API version is invalid — upgrade hearth",
	4013: "the gateway intents are invalid — upgrade hearth",
	4014: "the bot asked for intents it is not allowed — enable them for the bot in the Developer Portal, or upgrade hearth",
}

// GatewayError is a close of the gateway that reconnecting cannot fix: the
// token, the shard settings or the intents are wrong. The bot stops with it.
type GatewayError struct {
	Code int
}

// Error says which close it was and what to do about it.
func (e *GatewayError) Error() string {
	return fmt.Sprintf("discord closed the gateway with %d: %s", e.Code, fatalCloses[e.Code])
}

// gatewayError returns the GatewayError in err, if err is a fatal close.
func gatewayError(err error) *GatewayError {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		if _, fatal := fatalCloses[ce.Code]; fatal {
			return &GatewayError{Code: ce.Code}
		}
	}
	return nil
}

// maxReconnectWait caps the wait between reconnect attempts, as discordgo's.
const maxReconnectWait = 10 * time.Minute

// onDisconnect starts the reconnect loop when the connection drops while
// the bot is running. One loop runs at a time.
func (b *Bot) onDisconnect(*discordgo.Session, *discordgo.Disconnect) {
	b.connected.Store(false)
	if b.closing.Load() || !b.reconnecting.CompareAndSwap(false, true) {
		return
	}
	b.loops.Add(1)
	go func() {
		defer b.loops.Done()
		defer b.reconnecting.Store(false)
		b.reconnect()
	}()
}

// reconnect opens the session again (discordgo resumes when it can) until it
// succeeds, the bot closes, or the gateway closes with a fatal code.
func (b *Bot) reconnect() {
	wait := time.Second
	for !b.closing.Load() {
		err := b.s.Open()
		if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
			b.log.Info("gateway reconnected")
			return
		}
		if ge := gatewayError(err); ge != nil {
			b.fail(ge)
			return
		}
		b.log.Warn("unable to reconnect to the gateway", "error", err, "retry_in", wait)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-b.stop:
			t.Stop()
			return
		}
		wait = min(2*wait, maxReconnectWait)
	}
}

// fail reports a fatal gateway close once; Fatal delivers it.
func (b *Bot) fail(err *GatewayError) {
	b.log.Error("gateway closed for good", "code", err.Code)
	select {
	case b.fatal <- err:
	default:
	}
}

// Fatal delivers a *GatewayError when the gateway closed in a way no
// reconnect can fix; the process should stop and say so.
func (b *Bot) Fatal() <-chan error { return b.fatal }
