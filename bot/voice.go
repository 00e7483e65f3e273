package bot

import (
	"context"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
)

// voiceTimeout bounds the handling of one voice event.
const voiceTimeout = 10 * time.Second

// onVoiceState passes a VOICE_STATE_UPDATE to the voice observer, which
// keeps only what concerns a group's members in its meeting's window.
func (b *Bot) onVoiceState(_ *discordgo.Session, v *discordgo.VoiceStateUpdate) {
	if b.voice == nil || v.VoiceState == nil || v.GuildID == "" || b.closing.Load() {
		return
	}
	vs := hearth.VoiceState{GuildID: v.GuildID, ChannelID: v.ChannelID, UserID: v.UserID}
	ctx, cancel := context.WithTimeout(context.Background(), voiceTimeout)
	defer cancel()
	if err := b.voice.VoiceState(ctx, vs); err != nil {
		b.log.Error("unable to record voice presence", "guild", v.GuildID, "user", v.UserID, "error", err)
	}
}

// onGuildCreate passes the voice states of a GUILD_CREATE, the snapshot of
// who is in voice when a connection starts, and then drops them from
// discordgo's state: hearth keeps no voice state it has no use for.
func (b *Bot) onGuildCreate(s *discordgo.Session, g *discordgo.GuildCreate) {
	if g.Guild == nil || g.Unavailable {
		return
	}
	var states []hearth.VoiceState
	s.State.Lock()
	for _, v := range g.VoiceStates {
		if v != nil && v.ChannelID != "" {
			states = append(states, hearth.VoiceState{GuildID: g.ID, ChannelID: v.ChannelID, UserID: v.UserID})
		}
	}
	g.VoiceStates = nil
	s.State.Unlock()
	if sg, err := s.State.Guild(g.ID); err == nil {
		s.State.Lock()
		sg.VoiceStates = nil
		s.State.Unlock()
	}
	if b.voice == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), voiceTimeout)
	defer cancel()
	if err := b.voice.VoiceSnapshot(ctx, g.ID, states); err != nil {
		b.log.Error("unable to record voice presence snapshot", "guild", g.ID, "error", err)
	}
}
