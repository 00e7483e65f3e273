package main

import (
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

func TestAlerts_ListAndResolve(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	struggle(h, h.members[0], "now", true, canary)
	struggle(h, h.members[1], "later", false, "")
	h.settle()

	// A second group in the same server, with other psychologists.
	otherFac, otherObs := h.user("dr-other-1"), h.user("dr-other-2")
	other := &hearth.Group{GuildID: h.guild, Name: "Phobia Group", ChannelID: h.channel, FacilitatorID: otherFac, ObserverID: otherObs,
		Timezone: "UTC", LengthMinutes: 60, ReminderOffsets: []time.Duration{time.Hour}, Sharers: 1}
	if err := h.app.DB.CreateGroup(h.ctx(), other, hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "group.create"}); err != nil {
		t.Fatal(err)
	}

	t.Run("List", func(t *testing.T) {
		r := h.slash(h.obs, "alerts list")
		mustEphemeral(t, r, "#1", "#2", "<@"+h.members[0]+">", "relapse", "not acknowledged")
		if strings.Contains(r.Content, "CANARY") {
			t.Errorf("the list shows the note")
		}
	})
	t.Run("ErrNotPsychologist", func(t *testing.T) {
		mustEphemeral(t, h.slash(h.members[2], "alerts list"), "facilitator and the observer")
	})
	t.Run("ErrOtherGroupsAlert", func(t *testing.T) {
		r := h.slash(otherFac, "alerts resolve", discordtest.Int("alert", 1))
		mustEphemeral(t, r, "not an alert of a group you coordinate")
		mustEphemeral(t, h.slash(otherFac, "alerts list"), "No open alerts")
	})
	t.Run("ErrUnknownAlert", func(t *testing.T) {
		// The same refusal as another group's alert: nobody learns what exists.
		mustEphemeral(t, h.slash(h.fac, "alerts resolve", discordtest.Int("alert", 99)), "not an alert of a group you coordinate")
	})
	t.Run("Autocomplete", func(t *testing.T) {
		ix := h.fake.Autocomplete(h.as(h.fac), "alerts resolve", "alert", discordtest.Str("alert", ""))
		r, err := ix.Wait(h.ctx())
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Choices) != 2 || !strings.Contains(r.Choices[0].Name, g.Name) {
			t.Errorf("choices = %+v", r.Choices)
		}
		for _, c := range r.Choices {
			if strings.Contains(c.Name, h.members[0]) {
				t.Errorf("choice %q names the member", c.Name)
			}
		}
	})
	t.Run("Resolve", func(t *testing.T) {
		r := h.slash(h.fac, "alerts resolve", discordtest.Int("alert", 1), discordtest.Str("note", "Called her; CANARY follow-up booked"))
		mustEphemeral(t, r, "Alert #1 is resolved")
		err := h.fake.WaitFor(h.ctx(), func() bool {
			dms := h.dms(h.obs)
			return len(dms) > 0 && strings.Contains(text(dms[0]), "Resolved by <@"+h.fac+">")
		})
		if err != nil {
			t.Fatalf("the observer's DM does not show the resolution: %v", err)
		}
		mustEphemeral(t, h.slash(h.fac, "alerts resolve", discordtest.Int("alert", 1)), "already resolved")
		r = h.slash(h.obs, "alerts list")
		if strings.Contains(r.Content, "#1 ") || !strings.Contains(r.Content, "#2") {
			t.Errorf("after resolving #1 the list is %q", r.Content)
		}
	})
	audit, err := h.app.DB.AuditLog(h.ctx(), h.guild, 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range audit {
		if e.Action == "alert.resolve" && e.ActorID == h.fac && e.Target == "alert:1" {
			found = true
		}
	}
	if !found {
		t.Errorf("the resolution is not in the audit log: %+v", audit)
	}
	noCanary(t, h)
}

func TestAlert_RateLimitedThenDelivered(t *testing.T) {
	h := start(t)
	h.setupGroup()
	// Discord answers the first DM sends with a per-route 429; hearth must
	// not let discordgo sleep and retry forever, but retry after retry_after.
	h.fake.RateLimitNext("/channels/*/messages", 3*time.Second, false, 2)
	struggle(h, h.members[0], "now", false, "")
	h.settle()
	if n := len(h.dms(h.fac)) + len(h.dms(h.obs)); n != 0 {
		t.Fatalf("%d DMs went through a 429", n)
	}
	h.advance(3 * time.Second)
	h.waitDMs(h.fac, 1)
	h.waitDMs(h.obs, 1)
	h.settle()
	if a, b := len(h.dms(h.fac)), len(h.dms(h.obs)); a != 1 || b != 1 {
		t.Errorf("DMs: %d and %d, want 1 each", a, b)
	}
}
