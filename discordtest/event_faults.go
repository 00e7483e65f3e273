package discordtest

import "github.com/bwmarrin/discordgo"

// FailNextWithCode answers the next n requests whose method matches (empty
// matches any) and whose path matches pathPattern with status and Discord's
// JSON error code, such as 400 with 30038 (too many scheduled events) on
// "/guilds/*/scheduled-events" or 403 with 50013 on "/channels/*/messages".
func (s *Server) FailNextWithCode(method, pathPattern string, status, code, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.restFaults = append(s.restFaults, &restFault{method: method, pattern: splitPath(normalizePath(pathPattern)), status: status, code: code, left: n})
}

// DeleteEventByHand deletes a scheduled event as an admin would in
// Discord's client, and reports whether it existed.
func (s *Server) DeleteEventByHand(guildID, eventID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev, found := s.events[eventID]
	if !found || ev.GuildID != guildID {
		return false
	}
	delete(s.events, eventID)
	s.eventIDs = remove(s.eventIDs, eventID)
	s.dispatchLocked("GUILD_SCHEDULED_EVENT_DELETE", guildID, discordgo.IntentsGuildScheduledEvents, ev)
	s.notifyLocked()
	return true
}
