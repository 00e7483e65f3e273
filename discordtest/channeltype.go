package discordtest

import "github.com/bwmarrin/discordgo"

// AddChannelOfType adds a channel of any type (voice, category, forum…) to
// a guild and returns its id, so tests can offer a command a channel that is
// not a text channel.
func (s *Server) AddChannelOfType(guildID, channelID, name string, typ discordgo.ChannelType) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	channelID = s.idOr(channelID)
	ch := &discordgo.Channel{ID: channelID, GuildID: guildID, Name: name, Type: typ, Position: len(g.channelIDs)}
	s.channels[channelID] = ch
	g.channelIDs = append(g.channelIDs, channelID)
	s.dispatchLocked("CHANNEL_CREATE", guildID, discordgo.IntentsGuilds, ch)
	s.notifyLocked()
	return channelID
}
