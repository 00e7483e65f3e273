package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
)

var alertNumber = regexp.MustCompile(`\*\*#(\d+)\*\*`)

func TestAlerts_ListPaged(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	for i := range 40 {
		struggle(h, h.members[i%len(h.members)], []string{"now", "today", "later"}[i%3], i%2 == 0, "")
	}
	h.waitDMs(h.fac, 40)

	seen := map[string]int{}
	r := h.slash(h.fac, "alerts list")
	var msg *discordgo.Message
	for page := 1; ; page++ {
		// The first page is an ephemeral reply; the others update it in place.
		if (page == 1 && !r.Ephemeral) || len(r.Content) > 2000 {
			t.Fatalf("page %d: ephemeral %v, %d characters", page, r.Ephemeral, len(r.Content))
		}
		if !strings.Contains(r.Content, "**Open alerts** (40)") {
			t.Errorf("page %d header: %q", page, r.Content)
		}
		for _, m := range alertNumber.FindAllStringSubmatch(r.Content, -1) {
			seen[m[1]]++
		}
		labels, ids := buttonLabels(r.Components), buttonIDs(r.Components)
		if len(labels) != 2 || labels[0] != "Previous" || labels[1] != "Next" {
			t.Fatalf("page %d buttons: %v", page, labels)
		}
		if r.Message != nil {
			msg = r.Message
		}
		next := nextEnabled(r.Components)
		if !next {
			break
		}
		if page > 10 {
			t.Fatal("more than 10 pages")
		}
		r = h.press(h.fac, msg, ids[1])
		if r.Type != discordgo.InteractionResponseUpdateMessage {
			t.Errorf("Next did not update the list: type %d", r.Type)
		}
	}
	if len(seen) != 40 {
		t.Errorf("the pages show %d alerts, want 40", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("alert #%s shown on %d pages", id, n)
		}
	}

	t.Run("ErrForgedPages", func(t *testing.T) {
		mustEphemeral(t, h.press(h.fac, msg, "alerts:page:-1:0"), "not valid")
		mustEphemeral(t, h.press(h.fac, msg, "alerts:page:abc:0"), "not valid")
		mustEphemeral(t, h.press(h.fac, msg, "alerts:page:0:-2"), "not valid")
		if r := h.press(h.fac, msg, "alerts:page:999:0"); !strings.Contains(r.Content, "**Open alerts** (40)") {
			t.Errorf("a page past the end: %q", r.Content)
		}
	})
	t.Run("ErrOtherPeople", func(t *testing.T) {
		otherFac := h.user("dr-other-1")
		other := &hearth.Group{GuildID: h.guild, Name: "Phobia Group", ChannelID: h.channel, FacilitatorID: otherFac, ObserverID: h.user("dr-other-2"),
			Timezone: "UTC", LengthMinutes: 60, ReminderOffsets: []time.Duration{time.Hour}, Sharers: 1}
		if err := h.app.DB.CreateGroup(h.ctx(), other, hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "group.create"}); err != nil {
			t.Fatal(err)
		}
		own := h.slash(otherFac, "alerts list")
		mustEphemeral(t, own, "No open alerts")
		r := h.press(otherFac, own.Message, "alerts:page:1:"+itoa(g.ID))
		mustEphemeral(t, r, "Only the facilitator and the observer of that group")
		if alertNumber.MatchString(r.Content) {
			t.Errorf("another group's psychologist saw the list: %q", r.Content)
		}
		r = h.press(h.members[0], own.Message, "alerts:page:0:0")
		mustEphemeral(t, r, "Only the facilitator and the observer")
		if alertNumber.MatchString(r.Content) {
			t.Errorf("a member saw the list: %q", r.Content)
		}
	})
}

// nextEnabled reports whether the Next button of a list page can be pressed.
func nextEnabled(cs []discordgo.MessageComponent) bool {
	for _, c := range cs {
		if row, ok := c.(*discordgo.ActionsRow); ok {
			for _, b := range row.Components {
				if btn, ok := b.(*discordgo.Button); ok && btn.Label == "Next" {
					return !btn.Disabled
				}
			}
		}
	}
	return false
}
