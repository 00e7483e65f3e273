package discordtest

import (
	"github.com/bwmarrin/discordgo"
)

// voiceWorld is who is in which voice channel, per guild: the state
// Discord sends as voice_states in GUILD_CREATE and changes with
// VOICE_STATE_UPDATE, to sessions that identified with GUILD_VOICE_STATES.
type voiceWorld struct {
	byGuild map[string]map[string]string // guild id → user id → channel id
}

// AddVoiceChannel adds a voice channel to a guild and returns its id.
func (s *Server) AddVoiceChannel(guildID, channelID, name string) string {
	return s.AddChannelOfType(guildID, channelID, name, discordgo.ChannelTypeGuildVoice)
}

// AddStageChannel adds a stage channel to a guild and returns its id.
func (s *Server) AddStageChannel(guildID, channelID, name string) string {
	return s.AddChannelOfType(guildID, channelID, name, discordgo.ChannelTypeGuildStageVoice)
}

// SetVoiceState puts a member of a guild in a voice channel (channelID
// empty: out of voice), as a person joining, moving or leaving would, and
// dispatches VOICE_STATE_UPDATE to the sessions that asked for voice states.
func (s *Server) SetVoiceState(guildID, userID, channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustGuild(guildID)
	s.setVoiceLocked(guildID, userID, channelID)
	s.dispatchLocked("VOICE_STATE_UPDATE", guildID, discordgo.IntentsGuildVoiceStates, s.voicePayload(guildID, userID, channelID))
	s.notifyLocked()
}

// SetVoiceStateQuietly changes a member's voice channel without telling any
// connected session, as happens while the bot is disconnected: the next
// GUILD_CREATE's voice_states show it.
func (s *Server) SetVoiceStateQuietly(guildID, userID, channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustGuild(guildID)
	s.setVoiceLocked(guildID, userID, channelID)
}

// VoiceChannelOf returns the voice channel a user is in, or "".
func (s *Server) VoiceChannelOf(guildID, userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.voice.byGuild[guildID][userID]
}

func (s *Server) setVoiceLocked(guildID, userID, channelID string) {
	if s.voice.byGuild == nil {
		s.voice.byGuild = map[string]map[string]string{}
	}
	users := s.voice.byGuild[guildID]
	if users == nil {
		users = map[string]string{}
		s.voice.byGuild[guildID] = users
	}
	if channelID == "" {
		delete(users, userID)
	} else {
		users[userID] = channelID
	}
}

// voicePayload is a voice state object; channel_id is null when the user
// left voice, as Discord sends it.
func (s *Server) voicePayload(guildID, userID, channelID string) map[string]any {
	var ch any
	if channelID != "" {
		ch = channelID
	}
	return map[string]any{
		"guild_id": guildID, "channel_id": ch, "user_id": userID,
		"session_id": "voice-" + userID, "deaf": false, "mute": false,
		"self_deaf": false, "self_mute": false, "self_video": false, "suppress": false,
		"request_to_speak_timestamp": nil,
	}
}

// withVoice adds the guild's voice_states to a GUILD_CREATE payload for a
// session that identified with GUILD_VOICE_STATES.
func (s *Server) withVoice(sess *gwSession, g *discordgo.Guild) *discordgo.Guild {
	if sess.intents&discordgo.IntentsGuildVoiceStates == 0 {
		return g
	}
	for userID, channelID := range s.voice.byGuild[g.ID] {
		g.VoiceStates = append(g.VoiceStates, &discordgo.VoiceState{GuildID: g.ID, ChannelID: channelID, UserID: userID, SessionID: "voice-" + userID})
	}
	return g
}
