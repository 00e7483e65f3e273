package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/hearthbot/hearth"
)

// PermManageRoles is Discord's Manage Roles permission bit.
const PermManageRoles int64 = 1 << 28

// Role is a server role as hearth judges a group's role: where it stands
// and what it allows.
type Role struct {
	ID          string
	Name        string
	Position    int
	Permissions int64
	Managed     bool // owned by an integration or a bot: nobody grants it by hand
}

// RoleReader reads a server's roles and owner. The bot implements it;
// without it (tests of other commands) group roles are checked from the
// interaction alone.
type RoleReader interface {
	GuildRoles(ctx context.Context, guildID string) (roles []Role, ownerID string, err error)
}

// Messages of the group-role rule (to move into the locale catalog).
const (
	msgRoleEveryone       = "@everyone cannot be a group's role. Pick a role that only the group's members get."
	msgRoleNeedManage     = "To give a group a role you need the **Manage Roles** permission: hearth hands the role out for you, so it only hands out what you could. Nothing was changed."
	msgRoleManaged        = "<@&%s> is managed by an integration or a bot, so nobody can grant it by hand. Pick or create a plain role for the group. Nothing was changed."
	msgRoleNotBelow       = "<@&%s> is not below your highest role, so you could not grant it by hand. Pick a role below yours (Server Settings → Roles). Nothing was changed."
	msgRolePermissions    = "<@&%s> allows more than @everyone does (%s). A group's role is handed to everyone who joins, so it may only mark membership: remove those permissions from the role or pick another. Nothing was changed."
	msgRoleUnknown        = "That role does not exist in this server (any more). Nothing was changed."
	msgRoleProblemList    = "  ⚠ its role <@&%s> %s: change the role in Server Settings → Roles or pick another with `/group edit`.\n"
	msgRoleProblemManaged = "is managed by an integration or a bot"
	msgRoleProblemPerms   = "allows more than @everyone (%s)"
)

// checkGroupRole enforces that the role option of /group create|edit, if
// given, is one the admin could grant by hand: not @everyone, not managed,
// below the admin's highest role, allowing nothing beyond @everyone; and
// that the admin has Manage Roles.
func (s *Service) checkGroupRole(ctx context.Context, r *Request) error {
	if !r.Has("role") {
		return nil
	}
	opt := r.Options["role"]
	id := opt.RoleID
	if id == r.GuildID {
		return hearth.Errorf(hearth.EINVALID, msgRoleEveryone)
	}
	if r.Permissions&(PermManageRoles|PermAdministrator) == 0 {
		return hearth.Errorf(hearth.EFORBIDDEN, msgRoleNeedManage)
	}
	reader, ok := s.Discord.(RoleReader)
	if !ok {
		return nil
	}
	roles, owner, err := reader.GuildRoles(ctx, r.GuildID)
	if err != nil {
		return fmt.Errorf("read the roles of guild %s: %w", r.GuildID, err)
	}
	byID := make(map[string]Role, len(roles))
	for _, ro := range roles {
		byID[ro.ID] = ro
	}
	role, found := byID[id]
	if opt.Role != nil {
		role, found = *opt.Role, true // as the interaction resolved it
	}
	if !found {
		return hearth.Errorf(hearth.EINVALID, msgRoleUnknown)
	}
	if role.Managed {
		return hearth.Errorf(hearth.EINVALID, msgRoleManaged, id)
	}
	if r.User.ID != owner {
		highest := 0
		for _, mine := range r.MemberRoles {
			if ro, ok := byID[mine]; ok && ro.Position > highest {
				highest = ro.Position
			}
		}
		if role.Position >= highest {
			return hearth.Errorf(hearth.EFORBIDDEN, msgRoleNotBelow, id)
		}
	}
	if extra := role.Permissions &^ byID[r.GuildID].Permissions; extra != 0 {
		return hearth.Errorf(hearth.EINVALID, msgRolePermissions, id, permissionNames(extra))
	}
	return nil
}

// roleProblem says why an existing group's role breaks the rule in a way
// that does not depend on who set it (managed, or more permissions than
// @everyone), or "" when it does not.
func roleProblem(roles []Role, guildID, roleID string) string {
	var role, everyone *Role
	for i := range roles {
		switch roles[i].ID {
		case roleID:
			role = &roles[i]
		case guildID:
			everyone = &roles[i]
		}
	}
	if role == nil || everyone == nil {
		return ""
	}
	if role.Managed {
		return msgRoleProblemManaged
	}
	if extra := role.Permissions &^ everyone.Permissions; extra != 0 {
		return fmt.Sprintf(msgRoleProblemPerms, permissionNames(extra))
	}
	return ""
}

// groupRoleWarnings returns, per group id, the line /group list adds under
// a group whose role breaks the rule; nil when the roles cannot be read.
func (s *Service) groupRoleWarnings(ctx context.Context, guildID string, gs []*hearth.Group) map[int64]string {
	reader, ok := s.Discord.(RoleReader)
	if !ok {
		return nil
	}
	any := false
	for _, g := range gs {
		any = any || g.RoleID != ""
	}
	if !any {
		return nil
	}
	roles, _, err := reader.GuildRoles(ctx, guildID)
	if err != nil {
		s.Log.Warn("unable to read the server's roles", "guild", guildID, "error", err)
		return nil
	}
	out := map[int64]string{}
	for _, g := range gs {
		if g.RoleID == "" {
			continue
		}
		if p := roleProblem(roles, guildID, g.RoleID); p != "" {
			out[g.ID] = fmt.Sprintf(msgRoleProblemList, g.RoleID, p)
		}
	}
	return out
}

// noticeRoleProblem queues, once per group and role, a staff-channel
// notice that the group's role breaks the rule (the group keeps working):
// called when a member is given the role.
func (s *Service) noticeRoleProblem(ctx context.Context, r *Request, g *hearth.Group) {
	reader, ok := s.Discord.(RoleReader)
	if !ok || g.RoleID == "" {
		return
	}
	roles, _, err := reader.GuildRoles(ctx, g.GuildID)
	if err != nil {
		s.Log.Warn("unable to read the server's roles", "guild", g.GuildID, "error", err)
		return
	}
	if roleProblem(roles, g.GuildID, g.RoleID) == "" {
		return
	}
	if err := s.Store.EnqueueJobs(ctx, hearth.GroupRoleNoticeJob(g, now(r))); err != nil {
		s.Log.Warn("unable to queue the group role notice", "group", g.ID, "error", err)
		return
	}
	s.wake()
}

// permissionNames lists the permission bits of p by name, for an admin.
func permissionNames(p int64) string {
	var names []string
	for _, n := range permissionBits {
		if p&n.bit != 0 {
			names = append(names, n.name)
			p &^= n.bit
		}
	}
	if p != 0 {
		names = append(names, fmt.Sprintf("0x%x", p)) // bits Discord may add later
	}
	return strings.Join(names, ", ")
}

var permissionBits = []struct {
	bit  int64
	name string
}{
	{1 << 3, "Administrator"}, {1 << 5, "Manage Server"}, {1 << 28, "Manage Roles"}, {1 << 4, "Manage Channels"},
	{1 << 13, "Manage Messages"}, {1 << 1, "Kick Members"}, {1 << 2, "Ban Members"}, {1 << 40, "Timeout Members"},
	{1 << 29, "Manage Webhooks"}, {1 << 30, "Manage Expressions"}, {1 << 7, "View Audit Log"}, {1 << 17, "Mention Everyone"},
	{1 << 27, "Manage Nicknames"}, {1 << 22, "Mute Members"}, {1 << 23, "Deafen Members"}, {1 << 24, "Move Members"},
	{1 << 33, "Manage Events"}, {1 << 34, "Manage Threads"}, {1 << 10, "View Channels"}, {1 << 11, "Send Messages"},
}
