package hearth

import (
	"strconv"
	"time"
)

// JobGroupRoleNotice tells the staff channel that a group's role (Arg: its
// id) allows more than a member needs and should be changed. The group
// keeps working; the notice is sent once per group and role.
const JobGroupRoleNotice JobKind = "group.role_notice"

// GroupRoleNoticeJob returns the staff notice about g's role, due at now.
func GroupRoleNoticeJob(g *Group, now time.Time) *Job {
	return &Job{
		Kind:     JobGroupRoleNotice,
		Key:      "group:" + strconv.FormatInt(g.ID, 10) + ":role:" + g.RoleID + ":notice",
		Priority: PriorityReminder,
		DueAt:    now.UTC(),
		GuildID:  g.GuildID,
		GroupID:  g.ID,
		Arg:      g.RoleID,
	}
}

// GroupRoleNotice is the staff-channel notice about g's role. It names the
// role and the group, in the group's language p, and pings nobody.
func GroupRoleNotice(g *Group, p Printer) Message {
	return Message{Content: p.Text("dom_notice.group_role", "Role", "<@&"+g.RoleID+">", "Group", g.Name)}
}
