package main

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/commands"
	"github.com/hearthbot/hearth/discordtest"
)

// giveAdminRole gives the harness's admin a role above every role a test
// adds, as a server's admins usually have.
func (h *harness) giveAdminRole() {
	role := h.fake.AddRole(h.guild, "", "Admins")
	h.fake.SetRole(h.guild, role, discordtest.RoleSpec{Position: 1000, Permissions: commands.PermManageGuild | commands.PermManageRoles})
	h.fake.GiveRole(h.guild, h.admin, role)
}

// TestGroup_RoleRule: a group's role must be one the admin could grant by
// hand. Each refusal is ephemeral, says why and changes nothing; a plain
// role below the admin's is accepted.
func TestGroup_RoleRule(t *testing.T) {
	h := start(t)
	plain := h.fake.AddRole(h.guild, "", "anxiety-group")
	mod := h.fake.AddRole(h.guild, "", "moderators")
	h.fake.SetRole(h.guild, mod, discordtest.RoleSpec{Position: 5, Permissions: discordgo.PermissionManageMessages | discordgo.PermissionViewChannel})
	bot := h.fake.AddRole(h.guild, "", "some-bot")
	h.fake.SetRole(h.guild, bot, discordtest.RoleSpec{Position: 6, Managed: true})
	above := h.fake.AddRole(h.guild, "", "owners-circle")
	h.fake.SetRole(h.guild, above, discordtest.RoleSpec{Position: 2000})

	for _, c := range []struct {
		name, role string
		as         discordtest.InteractionSpec
		want       string
	}{
		{"ErrEveryone", h.guild, h.as(h.admin), "@everyone cannot be"},
		{"ErrPermissions", mod, h.as(h.admin), "allows more than @everyone does (Manage Messages)"},
		{"ErrManaged", bot, h.as(h.admin), "managed by an integration"},
		{"ErrAboveAdmin", above, h.as(h.admin), "not below your highest role"},
		{"ErrNoManageRoles", plain, func() discordtest.InteractionSpec {
			s := h.as(h.admin)
			s.Permissions &^= commands.PermManageRoles
			return s
		}(), "Manage Roles"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := h.slashAs(c.as, "group create", discordtest.Str("name", "Circle "+c.name), discordtest.Channel("channel", h.channel),
				discordtest.User("facilitator", h.fac), discordtest.User("observer", h.obs), discordtest.Role("role", c.role))
			mustEphemeral(t, r, c.want)
			if strings.Contains(h.groupList(), "Circle "+c.name) {
				t.Errorf("the group was created")
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		mustEphemeral(t, h.createGroup("Anxiety Circle", discordtest.Role("role", plain)), "Created **Anxiety Circle**", "<@&"+plain+">")
	})
	t.Run("ErrEdit", func(t *testing.T) {
		r := h.slash(h.admin, "group edit", discordtest.Str("group", "Anxiety Circle"), discordtest.Role("role", mod))
		mustEphemeral(t, r, "allows more than @everyone", "Nothing was changed")
		if !strings.Contains(h.groupList(), "<@&"+plain+">") {
			t.Errorf("the role was changed:\n%s", h.groupList())
		}
	})
}

// TestGroup_ExistingBadRoleKeepsWorking: a group whose role came to allow
// more than @everyone keeps working: a member who joins gets it, the staff
// channel is told once which role to change, and /group list says so.
func TestGroup_ExistingBadRoleKeepsWorking(t *testing.T) {
	h := start(t)
	h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID = h.staff })
	role := h.fake.AddRole(h.guild, "", "anxiety-group")
	mustEphemeral(t, h.createGroup("Anxiety Circle", discordtest.Role("role", role)), "Created")
	if strings.Contains(h.groupList(), "⚠") {
		t.Fatalf("a plain role is reported:\n%s", h.groupList())
	}
	// Someone later gives the role a moderator's permission.
	h.fake.SetRole(h.guild, role, discordtest.RoleSpec{Position: 3, Permissions: discordgo.PermissionKickMembers})

	for _, member := range h.members[:2] {
		r := h.slash(member, "join", discordtest.Str("group", "Anxiety Circle"))
		got := h.press(member, r.Message, buttonIDs(r.Components)[0])
		if !strings.Contains(replyText(got), "Next meeting") && !strings.Contains(replyText(got), "No meeting is planned") {
			t.Fatalf("join = %q", replyText(got))
		}
		h.settle()
	}
	for _, member := range h.members[:2] {
		if roles := h.fake.MemberRoles(h.guild, member); len(roles) != 1 || roles[0] != role {
			t.Errorf("member roles = %v, want the group's", roles)
		}
	}
	notices := h.posts(h.staff)
	if len(notices) != 1 || !strings.Contains(notices[0].Content, "<@&"+role+">") || !strings.Contains(notices[0].Content, "Anxiety Circle") {
		t.Errorf("staff notices = %d %v, want one naming the role", len(notices), notices)
	}
	if list := h.groupList(); !strings.Contains(list, "its role <@&"+role+"> allows more than @everyone (Kick Members)") {
		t.Errorf("/group list does not say which role to change:\n%s", list)
	}
}
