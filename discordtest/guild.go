package discordtest

import (
	"net/http"

	"github.com/bwmarrin/discordgo"
)

func (s *Server) guildOr404(id string) (*guild, *response) {
	g, found := s.guilds[id]
	if !found {
		return nil, apiError(http.StatusNotFound, 10004, "Unknown Guild")
	}
	return g, nil
}

func (s *Server) getGuild(r *request) *response {
	g, resp := s.guildOr404(r.params["guild_id"])
	if resp != nil {
		return resp
	}
	out := s.guildPayload(g, false)
	out.Channels, out.Members = nil, nil // REST omits them, unlike GUILD_CREATE
	return ok(out)
}

func (s *Server) getGuildChannels(r *request) *response {
	g, resp := s.guildOr404(r.params["guild_id"])
	if resp != nil {
		return resp
	}
	out := []*discordgo.Channel{}
	for _, id := range g.channelIDs {
		out = append(out, s.channels[id])
	}
	return ok(out)
}

func (s *Server) getGuildRoles(r *request) *response {
	g, resp := s.guildOr404(r.params["guild_id"])
	if resp != nil {
		return resp
	}
	out := []*discordgo.Role{}
	for _, id := range g.roleIDs {
		out = append(out, g.roles[id])
	}
	return ok(out)
}

func (s *Server) getMember(r *request) *response {
	g, resp := s.guildOr404(r.params["guild_id"])
	if resp != nil {
		return resp
	}
	m, found := g.members[r.params["user_id"]]
	if !found {
		return apiError(http.StatusNotFound, 10007, "Unknown Member")
	}
	return ok(m)
}

func (s *Server) addMemberRole(r *request) *response    { return s.changeMemberRole(r, true) }
func (s *Server) removeMemberRole(r *request) *response { return s.changeMemberRole(r, false) }

func (s *Server) changeMemberRole(r *request, add bool) *response {
	g, resp := s.guildOr404(r.params["guild_id"])
	if resp != nil {
		return resp
	}
	m, found := g.members[r.params["user_id"]]
	if !found {
		return apiError(http.StatusNotFound, 10007, "Unknown Member")
	}
	roleID := r.params["role_id"]
	if _, found := g.roles[roleID]; !found {
		return apiError(http.StatusNotFound, 10011, "Unknown Role")
	}
	if !s.botCan(permManageRoles) {
		return apiError(http.StatusForbidden, 50013, "Missing Permissions")
	}
	roles := remove(m.Roles, roleID)
	if add {
		roles = append(roles, roleID)
	}
	// Replace rather than mutate: payloads already handed out stay as sent.
	nm := *m
	nm.Roles = roles
	g.members[m.User.ID] = &nm
	s.dispatchLocked("GUILD_MEMBER_UPDATE", g.id, discordgo.IntentsGuildMembers, &nm)
	return noContent()
}
