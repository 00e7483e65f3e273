package main

import (
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

func TestNext(t *testing.T) {
	h := start(t)
	g := h.scheduleGroup()
	away := h.members[4]
	h.setMember(g, away, func(m *hearth.Membership) { m.AwayUntil = firstMeeting.Add(time.Minute) })

	t.Run("BeforeTheRotaIsFixed", func(t *testing.T) {
		r := h.slash(h.members[0], "next")
		mustEphemeral(t, r, "**Anxiety Circle** meets next", hearth.Timestamp(firstMeeting, "F"), "**Sharers:**",
			"**Check-in order:**", "in the check-in order", "fixed when the first reminder is posted", "After that:",
			hearth.Timestamp(firstMeeting.Add(7*24*time.Hour), "F"))
	})
	t.Run("Away", func(t *testing.T) {
		r := h.slash(away, "next", discordtest.Str("group", "Anxiety Circle"))
		mustEphemeral(t, r, "You are away for this meeting")
	})
	t.Run("MatchesTheReminder", func(t *testing.T) {
		h.advanceTo(dayReminder)
		post := h.waitMessages(h.channel, 1)[0]
		sharers, order := rotaLines(t, post.Content)
		for i, m := range h.members[:4] {
			r := h.slash(m, "next")
			got := replyText(r)
			mustContain(t, got, sharers, order)
			if strings.Contains(got, "fixed when") {
				t.Errorf("member %d: the rota is fixed but /next says it may change", i)
			}
			if pos := strings.Index(order, "<@"+m+">"); pos < 0 {
				t.Fatalf("member %d not in %q", i, order)
			}
			if strings.Contains(sharers, "<@"+m+">") {
				mustContain(t, got, "you are sharing", "`/rota pass`")
			}
		}
	})
	t.Run("ErrNotMember", func(t *testing.T) {
		mustEphemeral(t, h.slash(h.admin, "next"), "You are not in any group")
		mustEphemeral(t, h.slash(h.admin, "next", discordtest.Str("group", "Anxiety Circle")), "You are not a member")
	})
	t.Run("NoMeetings", func(t *testing.T) {
		h2 := start(t)
		h2.setupGroup()
		mustEphemeral(t, h2.slash(h2.members[0], "next"), "No meetings of **Anxiety Circle** are planned yet")
	})
}
