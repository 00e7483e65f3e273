package main

import (
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

func TestCheckIn_LeftMemberOldButton(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	h.setSettings(func(s *hearth.GuildSettings) { s.CrisisText = "Call 024 or the Samaritans." })
	h.meetingAt(g, h.now().Add(10*time.Minute))
	member := h.members[1]
	r := checkin(h, member, discordtest.Int("mood", 1))
	ids := buttonIDs(r.Components)
	if len(ids) != 1 {
		t.Fatalf("no alert button: %v", ids)
	}
	leave := h.askLeave(member, "Anxiety Circle")
	h.press(member, leave, buttonIDs(leave.Components)[0])
	if h.isMember(g, member) {
		t.Fatal("still a member after /leave")
	}

	pr := h.press(member, r.Message, ids[0])
	mustEphemeral(t, pr, "no longer a member", "Call 024 or the Samaritans.", "/struggling")
	h.settle()
	if n := len(h.dms(h.fac)) + len(h.dms(h.obs)); n != 0 {
		t.Errorf("a former member's old button sent %d alert DMs", n)
	}
	if alerts, err := h.app.DB.OpenAlerts(h.ctx(), []int64{g.ID}); err != nil || len(alerts) != 0 {
		t.Errorf("open alerts = %v, %v; want none", alerts, err)
	}
}
