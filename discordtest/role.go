package discordtest

import (
	"slices"

	"github.com/bwmarrin/discordgo"
)

// RoleSpec is what a role allows and where it stands, for SetRole.
type RoleSpec struct {
	// Position orders roles: a member may grant only roles below their
	// highest. @everyone is 0; AddRole puts each new role above the others.
	Position int
	// Permissions is the role's permission bit set.
	Permissions int64
	// Managed marks a role owned by an integration or a bot.
	Managed bool
}

// SetRole changes a role's position, permissions and managed flag (the
// guild's id names @everyone), as Discord reports them in the guild's
// roles and in an interaction's resolved data.
func (s *Server) SetRole(guildID, roleID string, spec RoleSpec) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	r, ok := g.roles[roleID]
	if !ok {
		s.t.Fatalf("discordtest: unknown role %q in guild %q", roleID, guildID)
	}
	r.Position, r.Permissions, r.Managed = spec.Position, spec.Permissions, spec.Managed
	s.dispatchLocked("GUILD_ROLE_UPDATE", guildID, discordgo.IntentsGuilds, &discordgo.GuildRole{GuildID: guildID, Role: r})
	s.notifyLocked()
}

// GiveRole gives a member a role, as an admin would by hand.
func (s *Server) GiveRole(guildID, userID, roleID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	m, ok := g.members[userID]
	if !ok {
		s.t.Fatalf("discordtest: user %q is not a member of guild %q", userID, guildID)
	}
	if _, ok := g.roles[roleID]; !ok {
		s.t.Fatalf("discordtest: unknown role %q in guild %q", roleID, guildID)
	}
	if !slices.Contains(m.Roles, roleID) {
		m.Roles = append(m.Roles, roleID)
	}
	s.notifyLocked()
}
