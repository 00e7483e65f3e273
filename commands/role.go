package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
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
		return r.Err(hearth.EINVALID, locale.CmdRoleEveryone)
	}
	if r.Permissions&(PermManageRoles|PermAdministrator) == 0 {
		return r.Err(hearth.EFORBIDDEN, locale.CmdRoleNeedManage)
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
		return r.Err(hearth.EINVALID, locale.CmdRoleUnknown)
	}
	if role.Managed {
		return r.Err(hearth.EINVALID, locale.CmdRoleManaged, locale.A("Role", "<@&"+id+">"))
	}
	if r.User.ID != owner {
		highest := 0
		for _, mine := range r.MemberRoles {
			if ro, ok := byID[mine]; ok && ro.Position > highest {
				highest = ro.Position
			}
		}
		if role.Position >= highest {
			return r.Err(hearth.EFORBIDDEN, locale.CmdRoleNotBelow, locale.A("Role", "<@&"+id+">"))
		}
	}
	if extra := role.Permissions &^ byID[r.GuildID].Permissions; extra != 0 {
		return r.Err(hearth.EINVALID, locale.CmdRolePermissions, locale.A("Role", "<@&"+id+">"), locale.A("Permissions", permissionNames(r.Lang, extra)))
	}
	return nil
}

// roleProblem says why an existing group's role breaks the rule in a way
// that does not depend on who set it (managed, or more permissions than
// @everyone), in l, or "" when it does not.
func roleProblem(l locale.Lang, roles []Role, guildID, roleID string) string {
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
		return l.T(locale.CmdRoleProblemManaged)
	}
	if extra := role.Permissions &^ everyone.Permissions; extra != 0 {
		return l.T(locale.CmdRoleProblemPerms, locale.A("Permissions", permissionNames(l, extra)))
	}
	return ""
}

// groupRoleWarnings returns, per group id, the line /group list adds under
// a group whose role breaks the rule, in l; nil when the roles cannot be
// read.
func (s *Service) groupRoleWarnings(ctx context.Context, l locale.Lang, guildID string, gs []*hearth.Group) map[int64]string {
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
		if p := roleProblem(l, roles, guildID, g.RoleID); p != "" {
			out[g.ID] = l.T(locale.CmdRoleProblemList, locale.A("Role", "<@&"+g.RoleID+">"), locale.A("Problem", p)) + "\n"
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
	if roleProblem(locale.English, roles, g.GuildID, g.RoleID) == "" {
		return
	}
	if err := s.Store.EnqueueJobs(ctx, hearth.GroupRoleNoticeJob(g, now(r))); err != nil {
		s.Log.Warn("unable to queue the group role notice", "group", g.ID, "error", err)
		return
	}
	s.wake()
}

// permissionNames lists the permission bits of p by name, for an admin
// reading l.
func permissionNames(l locale.Lang, p int64) string {
	var names []string
	for _, n := range permissionBits {
		if p&n.bit != 0 {
			names = append(names, l.T(n.name))
			p &^= n.bit
		}
	}
	if p != 0 {
		names = append(names, l.T(locale.CmdRoleOtherPerms, locale.A("Bits", fmt.Sprintf("0x%x", p))))
	}
	return strings.Join(names, ", ")
}

var permissionBits = []struct {
	bit  int64
	name locale.Key
}{
	{1 << 3, locale.CmdRolePerm3}, {1 << 5, locale.CmdRolePerm5}, {1 << 28, locale.CmdRolePerm28}, {1 << 4, locale.CmdRolePerm4},
	{1 << 13, locale.CmdRolePerm13}, {1 << 1, locale.CmdRolePerm1}, {1 << 2, locale.CmdRolePerm2}, {1 << 40, locale.CmdRolePerm40},
	{1 << 29, locale.CmdRolePerm29}, {1 << 30, locale.CmdRolePerm30}, {1 << 7, locale.CmdRolePerm7}, {1 << 17, locale.CmdRolePerm17},
	{1 << 27, locale.CmdRolePerm27}, {1 << 22, locale.CmdRolePerm22}, {1 << 23, locale.CmdRolePerm23}, {1 << 24, locale.CmdRolePerm24},
	{1 << 33, locale.CmdRolePerm33}, {1 << 34, locale.CmdRolePerm34}, {1 << 10, locale.CmdRolePerm10}, {1 << 11, locale.CmdRolePerm11},
}
