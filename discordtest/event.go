package discordtest

import (
	"encoding/json"
	"net/http"

	"github.com/bwmarrin/discordgo"
)

func (s *Server) eventGuild(r *request) *response {
	if _, found := s.guilds[r.params["guild_id"]]; !found {
		return apiError(http.StatusNotFound, 10004, "Unknown Guild")
	}
	return nil
}

func (s *Server) eventIn(r *request) (*discordgo.GuildScheduledEvent, *response) {
	if resp := s.eventGuild(r); resp != nil {
		return nil, resp
	}
	ev, found := s.events[r.params["guild_scheduled_event_id"]]
	if !found || ev.GuildID != r.params["guild_id"] {
		return nil, apiError(http.StatusNotFound, 10070, "Unknown Guild Scheduled Event")
	}
	return ev, nil
}

func (s *Server) listEvents(r *request) *response {
	if resp := s.eventGuild(r); resp != nil {
		return resp
	}
	out := []*discordgo.GuildScheduledEvent{}
	for _, id := range s.eventIDs {
		if ev := s.events[id]; ev.GuildID == r.params["guild_id"] {
			out = append(out, ev)
		}
	}
	return ok(out)
}

func (s *Server) createEvent(r *request) *response {
	if resp := s.eventGuild(r); resp != nil {
		return resp
	}
	if !s.botCan(permManageEvents) {
		return apiError(http.StatusForbidden, 50013, "Missing Permissions")
	}
	ev := &discordgo.GuildScheduledEvent{}
	if !r.decode(ev) {
		return s.invalidLocked(r, http.StatusBadRequest, 50035, "body must be a scheduled event")
	}
	ev.ID, ev.GuildID, ev.CreatorID, ev.Creator = s.newIDLocked(), r.params["guild_id"], s.AppID, s.BotUser
	if ev.Status == 0 {
		ev.Status = discordgo.GuildScheduledEventStatusScheduled
	}
	s.events[ev.ID] = ev
	s.eventIDs = append(s.eventIDs, ev.ID)
	s.dispatchLocked("GUILD_SCHEDULED_EVENT_CREATE", ev.GuildID, discordgo.IntentsGuildScheduledEvents, ev)
	return ok(ev)
}

func (s *Server) getEvent(r *request) *response {
	ev, resp := s.eventIn(r)
	if resp != nil {
		return resp
	}
	return ok(ev)
}

// editEvent lays the body over a copy, so only present keys change.
func (s *Server) editEvent(r *request) *response {
	ev, resp := s.eventIn(r)
	if resp != nil {
		return resp
	}
	if !s.botCan(permManageEvents) {
		return apiError(http.StatusForbidden, 50013, "Missing Permissions")
	}
	next := *ev
	if len(r.body) > 0 && json.Unmarshal(r.body, &next) != nil {
		return s.invalidLocked(r, http.StatusBadRequest, 50035, "body must be a scheduled event")
	}
	next.ID, next.GuildID = ev.ID, ev.GuildID
	s.events[ev.ID] = &next
	s.dispatchLocked("GUILD_SCHEDULED_EVENT_UPDATE", ev.GuildID, discordgo.IntentsGuildScheduledEvents, &next)
	return ok(&next)
}

func (s *Server) deleteEvent(r *request) *response {
	ev, resp := s.eventIn(r)
	if resp != nil {
		return resp
	}
	if !s.botCan(permManageEvents) {
		return apiError(http.StatusForbidden, 50013, "Missing Permissions")
	}
	delete(s.events, ev.ID)
	s.eventIDs = remove(s.eventIDs, ev.ID)
	s.dispatchLocked("GUILD_SCHEDULED_EVENT_DELETE", ev.GuildID, discordgo.IntentsGuildScheduledEvents, ev)
	return noContent()
}

// ScheduledEvents returns the scheduled events of a guild, in creation order.
func (s *Server) ScheduledEvents(guildID string) []*discordgo.GuildScheduledEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.GuildScheduledEvent
	for _, id := range s.eventIDs {
		if ev := s.events[id]; ev.GuildID == guildID {
			cp := *ev
			out = append(out, &cp)
		}
	}
	return out
}
