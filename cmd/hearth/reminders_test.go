package main

import (
	"testing"

	"github.com/hearthbot/hearth/discordtest"
)

func TestReminders_DM(t *testing.T) {
	h := start(t)
	h.createGroup("Anxiety Circle")
	h.createGroup("Phobia Circle")
	member := h.members[0]
	h.joinGroup(member, "Anxiety Circle")
	h.joinGroup(member, "Phobia Circle")
	h.joinGroup(h.members[1], "Anxiety Circle")

	flags := func(user string) []bool {
		t.Helper()
		var out []bool
		for _, name := range []string{"Anxiety Circle", "Phobia Circle"} {
			m, err := h.app.DB.Membership(h.ctx(), h.group(name).ID, user)
			if err == nil {
				out = append(out, m.DMReminders)
			}
		}
		return out
	}
	t.Run("On", func(t *testing.T) {
		mustEphemeral(t, h.slash(member, "reminders", discordtest.Bool("dm", true)), "by DM", "all your groups")
		if got := flags(member); len(got) != 2 || !got[0] || !got[1] {
			t.Errorf("DM flags = %v, want both on", got)
		}
		if got := flags(h.members[1]); len(got) != 1 || got[0] {
			t.Errorf("another member's flag changed: %v", got)
		}
	})
	t.Run("Off", func(t *testing.T) {
		mustEphemeral(t, h.slash(member, "reminders", discordtest.Bool("dm", false)), "no more reminders by DM")
		if got := flags(member); len(got) != 2 || got[0] || got[1] {
			t.Errorf("DM flags = %v, want both off", got)
		}
	})
	t.Run("ErrNotMember", func(t *testing.T) {
		mustEphemeral(t, h.slash(h.members[2], "reminders", discordtest.Bool("dm", true)), "not in any group of this server", "/join")
	})
}
