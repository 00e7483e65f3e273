package hearth

import (
	"fmt"
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
// role and the group, and pings nobody.
func GroupRoleNotice(g *Group) Message {
	return Message{Content: fmt.Sprintf("⚠ The role <@&%s> of **%s** allows more than @everyone does, or is managed by an integration, "+
		"and hearth gives it to everyone who joins the group. Remove its extra permissions in Server Settings → Roles, "+
		"or give the group another role with `/group edit`. `/group list` shows which groups this concerns.", g.RoleID, g.Name)}
}
