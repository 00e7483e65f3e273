package bot

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
)

// voiceTimeout bounds the handling of one voice event.
const voiceTimeout = 10 * time.Second

// voiceTracker serialises the handling of voice events and counts them.
//
// discordgo runs each event's handlers in a goroutine of its own, so two
// updates of one user may be handled out of order. Its state, updated in
// order before the handlers run, holds everyone's current voice channel in
// memory (never stored or logged by hearth); a handler, under one lock,
// reads the user's channel from there instead of from its event, so the
// last handler to run always acts on the latest state.
type voiceTracker struct {
	mu      sync.Mutex // held while one voice event is handled
	cmu     sync.Mutex
	handled int64
	changed chan struct{} // closed and replaced at every handled event
}

func (v *voiceTracker) done() {
	v.cmu.Lock()
	v.handled++
	if v.changed != nil {
		close(v.changed)
	}
	v.changed = make(chan struct{})
	v.cmu.Unlock()
}

// VoiceEvents returns how many voice events (updates and GUILD_CREATE
// snapshots) the bot has handled.
func (b *Bot) VoiceEvents() int64 {
	b.voiceT.cmu.Lock()
	defer b.voiceT.cmu.Unlock()
	return b.voiceT.handled
}

// WaitVoiceEvents waits until the bot has handled at least n voice events.
func (b *Bot) WaitVoiceEvents(ctx context.Context, n int64) error {
	for {
		b.voiceT.cmu.Lock()
		if b.voiceT.handled >= n {
			b.voiceT.cmu.Unlock()
			return nil
		}
		if b.voiceT.changed == nil {
			b.voiceT.changed = make(chan struct{})
		}
		ch := b.voiceT.changed
		b.voiceT.cmu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// onVoiceState passes a user's current voice channel to the voice
// observer, which keeps only a group's members in its meeting's window.
func (b *Bot) onVoiceState(s *discordgo.Session, v *discordgo.VoiceStateUpdate) {
	if v.VoiceState == nil || v.GuildID == "" {
		return
	}
	defer b.voiceT.done()
	if b.voice == nil || b.closing.Load() {
		return
	}
	b.voiceT.mu.Lock()
	defer b.voiceT.mu.Unlock()
	vs := hearth.VoiceState{GuildID: v.GuildID, UserID: v.UserID}
	if cur, err := s.State.VoiceState(v.GuildID, v.UserID); err == nil {
		vs.ChannelID = cur.ChannelID
	}
	ctx, cancel := context.WithTimeout(context.Background(), voiceTimeout)
	defer cancel()
	if err := b.voice.VoiceState(ctx, vs); err != nil {
		b.log.Error("unable to record voice presence", "guild", v.GuildID, "user", v.UserID, "error", err)
	}
}

// onGuildCreate passes the voice states of a GUILD_CREATE, who is in voice
// when a connection starts, as the state holds them now.
func (b *Bot) onGuildCreate(s *discordgo.Session, g *discordgo.GuildCreate) {
	if g.Guild == nil || g.Unavailable {
		return
	}
	defer b.voiceT.done()
	if b.voice == nil || b.closing.Load() {
		return
	}
	b.voiceT.mu.Lock()
	defer b.voiceT.mu.Unlock()
	var states []hearth.VoiceState
	if sg, err := s.State.Guild(g.ID); err == nil {
		s.State.RLock()
		for _, v := range sg.VoiceStates {
			if v != nil && v.ChannelID != "" {
				states = append(states, hearth.VoiceState{GuildID: g.ID, ChannelID: v.ChannelID, UserID: v.UserID})
			}
		}
		s.State.RUnlock()
	}
	ctx, cancel := context.WithTimeout(context.Background(), voiceTimeout)
	defer cancel()
	if err := b.voice.VoiceSnapshot(ctx, g.ID, states); err != nil {
		b.log.Error("unable to record voice presence snapshot", "guild", g.ID, "error", err)
	}
}

// CheckVoiceChannel reports whether hearth can see a voice channel: a
// *hearth.SendError with FailGone when it no longer exists, FailForbidden
// when hearth lacks View Channel there (Discord then sends no voice states
// of it), nil when it can.
func (b *Bot) CheckVoiceChannel(ctx context.Context, channelID string) error {
	// Asked of Discord, not of the state: once a meeting, and a deletion
	// the gateway has not delivered yet is seen.
	if _, err := b.s.Channel(channelID, discordgo.WithContext(ctx)); err != nil {
		return classify(err)
	}
	if u := b.s.State.User; u != nil {
		perms, err := b.s.State.UserChannelPermissions(u.ID, channelID)
		if err == nil && perms&discordgo.PermissionViewChannel == 0 {
			return &hearth.SendError{Failure: hearth.FailForbidden, Status: 403, Code: codeMissingAccess, Err: errNoView}
		}
	}
	return nil
}

var errNoView = errors.New("no View Channel permission")
