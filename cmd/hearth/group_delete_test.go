package main

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/commands"
	"github.com/hearthbot/hearth/discordtest"
)

func TestGroup_Delete(t *testing.T) {
	h := start(t)
	h.createGroup("Anxiety Circle")
	h.createGroup("Phobia Circle")
	g, err := h.app.DB.GroupByName(h.ctx(), h.guild, "Anxiety Circle")
	if err != nil {
		t.Fatal(err)
	}
	member := h.members[0]
	if err := h.app.DB.Join(h.ctx(), &hearth.Membership{GroupID: g.ID, UserID: member}); err != nil {
		t.Fatal(err)
	}
	otherAdmin := h.user("other-admin")
	asOther := h.as(otherAdmin)
	asOther.Permissions |= commands.PermManageGuild

	ask := func() *discordgo.Message {
		r := h.slash(h.admin, "group delete", discordtest.Str("group", "Anxiety Circle"))
		mustEphemeral(t, r, "Delete **Anxiety Circle**?", "1 memberships", "cannot be undone")
		return confirmMessage(t, r)
	}
	t.Run("Cancel", func(t *testing.T) {
		msg := ask()
		r := h.press(h.admin, msg, buttonIDs(msg.Components)[1])
		if r.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(r.Content, "was not deleted") || len(r.Components) != 0 {
			t.Errorf("cancel = type %d %q %v", r.Type, r.Content, buttonIDs(r.Components))
		}
		if !strings.Contains(h.groupList(), "Anxiety Circle") {
			t.Errorf("cancel deleted the group")
		}
	})
	msg := ask()
	deleteID := buttonIDs(msg.Components)[0]
	t.Run("ErrSomeoneElse", func(t *testing.T) {
		ix := h.fake.Button(asOther, msg, deleteID)
		r, err := ix.WaitFinal(h.ctx())
		if err != nil {
			t.Fatal(err)
		}
		mustEphemeral(t, r, "belongs to someone else")
	})
	t.Run("ErrOtherServersGroup", func(t *testing.T) {
		foreign := h.foreignGroup("Foreign Circle")
		r := h.press(h.admin, msg, strings.Replace(deleteID, ":"+itoa(g.ID)+":", ":"+itoa(foreign.ID)+":", 1))
		mustEphemeral(t, r, "another server")
		if _, err := h.app.DB.Group(h.ctx(), foreign.ID); err != nil {
			t.Errorf("the other server's group was deleted: %v", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		r := h.press(h.admin, msg, deleteID)
		if r.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(r.Content, "Deleted **Anxiety Circle**") || len(r.Components) != 0 {
			t.Errorf("delete = type %d %q", r.Type, r.Content)
		}
		if list := h.groupList(); strings.Contains(list, "Anxiety Circle") || !strings.Contains(list, "Phobia Circle") {
			t.Errorf("/group list after delete:\n%s", list)
		}
		mustEphemeral(t, h.slash(member, "reminders", discordtest.Bool("dm", true)), "not in any group")
		if !strings.Contains(h.auditLog(), "`group.delete` · `group:"+itoa(g.ID)+"`") {
			t.Errorf("the delete is not in the audit log:\n%s", h.auditLog())
		}
	})
	t.Run("ErrPressedTwice", func(t *testing.T) {
		mustEphemeral(t, h.press(h.admin, msg, deleteID), "already been deleted")
	})
}
