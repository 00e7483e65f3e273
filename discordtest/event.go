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
	if fe := eventLimits(ev); fe != nil {
		return s.refuseLocked(r, fe)
	}
	if s.openEventsLocked(r.params["guild_id"]) >= maxOpenEvents {
		return apiError(http.StatusBadRequest, 30038, "Maximum number of uncompleted guild scheduled events reached (100)")
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
	if ev.Status == discordgo.GuildScheduledEventStatusCompleted || ev.Status == discordgo.GuildScheduledEventStatusCanceled {
		return apiError(http.StatusBadRequest, 180000, "Cannot update a finished event")
	}
	next := *ev
	if len(r.body) > 0 && json.Unmarshal(r.body, &next) != nil {
		return s.invalidLocked(r, http.StatusBadRequest, 50035, "body must be a scheduled event")
	}
	if fe := eventLimits(&next); fe != nil {
		return s.refuseLocked(r, fe)
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

// openEventsLocked counts a guild's SCHEDULED and ACTIVE events, which
// Discord caps at 100.
func (s *Server) openEventsLocked(guildID string) int {
	n := 0
	for _, id := range s.eventIDs {
		ev := s.events[id]
		if ev.GuildID == guildID && (ev.Status == discordgo.GuildScheduledEventStatusScheduled || ev.Status == discordgo.GuildScheduledEventStatusActive) {
			n++
		}
	}
	return n
}

// tickEventsLocked moves EXTERNAL events on by the fake's clock, as Discord
// does on its own: ACTIVE at their start, COMPLETED at their end. It runs
// before every request and every look at the events, so a test that moves
// its clock sees the change at its next request.
func (s *Server) tickEventsLocked() {
	now := s.now()
	for _, id := range s.eventIDs {
		ev := s.events[id]
		if ev.EntityType != discordgo.GuildScheduledEventEntityTypeExternal {
			continue
		}
		status := ev.Status
		if status == discordgo.GuildScheduledEventStatusScheduled && !now.Before(ev.ScheduledStartTime) {
			status = discordgo.GuildScheduledEventStatusActive
		}
		if status == discordgo.GuildScheduledEventStatusActive && ev.ScheduledEndTime != nil && !now.Before(*ev.ScheduledEndTime) {
			status = discordgo.GuildScheduledEventStatusCompleted
		}
		if status != ev.Status {
			s.setEventStatusLocked(ev, status)
		}
	}
}

func (s *Server) setEventStatusLocked(ev *discordgo.GuildScheduledEvent, status discordgo.GuildScheduledEventStatus) {
	next := *ev
	next.Status = status
	s.events[ev.ID] = &next
	s.dispatchLocked("GUILD_SCHEDULED_EVENT_UPDATE", ev.GuildID, discordgo.IntentsGuildScheduledEvents, &next)
	s.notifyLocked()
}

// SetScheduledEventStatus changes an event's status as an admin would by
// hand: COMPLETED (ended) or CANCELED. The bot's later edits of it get
// 180000.
func (s *Server) SetScheduledEventStatus(eventID string, status discordgo.GuildScheduledEventStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev, found := s.events[eventID]
	if !found {
		s.t.Fatalf("discordtest: unknown scheduled event %q", eventID)
		return
	}
	s.setEventStatusLocked(ev, status)
}

// DeleteScheduledEvent deletes an event as an admin would by hand.
func (s *Server) DeleteScheduledEvent(eventID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ev, found := s.events[eventID]
	if !found {
		return
	}
	delete(s.events, ev.ID)
	s.eventIDs = remove(s.eventIDs, ev.ID)
	s.dispatchLocked("GUILD_SCHEDULED_EVENT_DELETE", ev.GuildID, discordgo.IntentsGuildScheduledEvents, ev)
	s.notifyLocked()
}

// ScheduledEvents returns the scheduled events of a guild, in creation order,
// with EXTERNAL events' status moved on by the fake's clock.
func (s *Server) ScheduledEvents(guildID string) []*discordgo.GuildScheduledEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickEventsLocked()
	var out []*discordgo.GuildScheduledEvent
	for _, id := range s.eventIDs {
		if ev := s.events[id]; ev.GuildID == guildID {
			cp := *ev
			out = append(out, &cp)
		}
	}
	return out
}
