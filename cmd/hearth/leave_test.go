package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// askLeave runs /leave and returns the confirm message.
func (h *harness) askLeave(user, group string) *discordgo.Message {
	h.t.Helper()
	r := h.slash(user, "leave", discordtest.Str("group", group))
	mustEphemeral(h.t, r, "Leave **"+group+"**?")
	return confirmMessage(h.t, r)
}

func TestLeave(t *testing.T) {
	h := start(t)
	role := h.fake.AddRole(h.guild, "", "anxiety")
	h.createGroup("Anxiety Circle", discordtest.Role("role", role))
	g := h.group("Anxiety Circle")
	member := h.members[0]
	h.joinGroup(member, "Anxiety Circle")
	if !slices.Contains(h.fake.MemberRoles(h.guild, member), role) {
		t.Fatalf("member has no role after joining")
	}

	t.Run("Cancel", func(t *testing.T) {
		msg := h.askLeave(member, "Anxiety Circle")
		r := h.press(member, msg, buttonIDs(msg.Components)[1])
		if r.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(r.Content, "still a member") {
			t.Errorf("cancel = type %d %q", r.Type, r.Content)
		}
		if !h.isMember(g, member) {
			t.Errorf("cancel left the group")
		}
	})
	msg := h.askLeave(member, "Anxiety Circle")
	confirm := buttonIDs(msg.Components)[0]
	t.Run("ErrSomeoneElse", func(t *testing.T) {
		mustEphemeral(t, h.press(h.members[1], msg, confirm), "belongs to someone else")
		if !h.isMember(g, member) {
			t.Errorf("someone else's press made the member leave")
		}
	})
	t.Run("OK", func(t *testing.T) {
		r := h.press(member, msg, confirm)
		if r.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(r.Content, "You have left **Anxiety Circle**") || len(r.Components) != 0 {
			t.Errorf("leave = type %d %q", r.Type, r.Content)
		}
		if h.isMember(g, member) {
			t.Errorf("still a member")
		}
		if slices.Contains(h.fake.MemberRoles(h.guild, member), role) {
			t.Errorf("the role was not taken back")
		}
	})
	t.Run("ErrPressedTwice", func(t *testing.T) {
		mustEphemeral(t, h.press(member, msg, confirm), "not a member of **Anxiety Circle** any more")
	})
	t.Run("ErrNotMember", func(t *testing.T) {
		mustEphemeral(t, h.slash(member, "leave", discordtest.Str("group", "Anxiety Circle")), "not a member of **Anxiety Circle**")
		mustEphemeral(t, h.slash(member, "leave"), "not in any group")
	})
}

// A role that cannot be taken back does not keep anyone in a group.
func TestLeave_RoleTrouble(t *testing.T) {
	h := start(t)
	role := h.fake.AddRole(h.guild, "", "anxiety")
	h.createGroup("Anxiety Circle", discordtest.Role("role", role))
	g := h.group("Anxiety Circle")
	h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID = h.staff })
	h.joinGroup(h.members[0], "Anxiety Circle")
	h.joinGroup(h.members[1], "Anxiety Circle")

	t.Run("MissingPermission", func(t *testing.T) {
		h.fake.SetBotPermissions(discordgo.PermissionAll &^ (discordgo.PermissionManageRoles | discordgo.PermissionAdministrator))
		defer h.fake.SetBotPermissions(discordgo.PermissionAll)
		// The group omitted: the member is in exactly one.
		r := h.slash(h.members[0], "leave")
		msg := confirmMessage(t, r)
		r = h.press(h.members[0], msg, buttonIDs(msg.Components)[0])
		if !strings.Contains(r.Content, "You have left") || !strings.Contains(r.Content, "could not remove the role") || !strings.Contains(r.Content, "An admin has been told") {
			t.Errorf("reply = %q", r.Content)
		}
		if h.isMember(g, h.members[0]) {
			t.Errorf("still a member after a role failure")
		}
		notice := h.waitMessages(h.staff, 1)[0]
		if !strings.Contains(notice.Content, "Manage Roles") {
			t.Errorf("staff notice = %q", notice.Content)
		}
	})
	t.Run("DeletedRole", func(t *testing.T) {
		h.fake.DeleteRole(h.guild, role)
		msg := h.askLeave(h.members[1], "Anxiety Circle")
		r := h.press(h.members[1], msg, buttonIDs(msg.Components)[0])
		// Nobody holds a deleted role: nothing to report.
		if !strings.Contains(r.Content, "You have left") || strings.Contains(r.Content, "role") {
			t.Errorf("reply = %q", r.Content)
		}
		if h.isMember(g, h.members[1]) {
			t.Errorf("still a member")
		}
	})
}
