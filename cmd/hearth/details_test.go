package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// detailsRefused is the one refusal of the summary's Details.
const detailsRefused = "You cannot see the details of this meeting"

func TestSummary_DetailsOnlyForItsRecipients(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	m := endedMeeting(h, g) // also leaves two open alerts in the group
	sendSummary(h, g, m)
	facSummary := h.waitDMs(h.fac, 1)[0]
	obsSummary := h.waitDMs(h.obs, 1)[0]
	details := "summary:details:" + strconv.FormatInt(m.ID, 10)

	// A meeting of another server, whose group our facilitator does not coordinate.
	other := h.fake.AddGuild("", "Other Server")
	og := &hearth.Group{GuildID: other, Name: "Elsewhere", ChannelID: h.fake.AddChannel(other, "", "x"), FacilitatorID: h.user("dr-x"), ObserverID: h.user("dr-y"),
		Timezone: "UTC", LengthMinutes: 60, Sharers: 1, ReminderOffsets: hearth.DefaultReminderOffsets}
	if err := h.app.DB.CreateGroup(h.ctx(), og, hearth.AuditEntry{GuildID: other, ActorID: h.admin, Action: "group.create"}); err != nil {
		t.Fatal(err)
	}
	om := h.meetingAt(og, h.now().Add(-3*24*3600e9))

	t.Run("RecipientSeesThem", func(t *testing.T) {
		mustEphemeral(t, h.press(h.fac, facSummary, details), "<@"+h.members[1]+">", canary)
	})

	// The admin makes themselves the observer, then forges Details on old
	// meetings from a DM they now get (an open alert handed over to them).
	h.editGroup(discordtest.User("observer", h.admin))
	adminDM := h.waitDMs(h.admin, 1)[0]

	t.Run("ErrAdminTurnedObserver", func(t *testing.T) {
		r := h.press(h.admin, adminDM, details)
		mustEphemeral(t, r, "before your time", "3 checked in", "3.0 / 5")
		if got := replyText(r); strings.Contains(got, "CANARY") || strings.Contains(got, "<@") || len(r.Embeds) != 0 {
			t.Errorf("the new observer saw per-member details: %q", got)
		}
		r = h.press(h.admin, adminDM, details+":1")
		if got := replyText(r); strings.Contains(got, "CANARY") || strings.Contains(got, "<@") {
			t.Errorf("a forged notes page showed %q", got)
		}
	})
	t.Run("ErrReplacedObserver", func(t *testing.T) {
		r := h.press(h.obs, obsSummary, details)
		mustEphemeral(t, r, detailsRefused)
		if strings.Contains(replyText(r), "CANARY") || strings.Contains(replyText(r), "Anxiety Circle") {
			t.Errorf("the replaced observer saw %q", replyText(r))
		}
	})
	t.Run("ErrUnknownAndForeignMeetings", func(t *testing.T) {
		unknown := h.press(h.fac, facSummary, "summary:details:999999")
		foreign := h.press(h.fac, facSummary, "summary:details:"+strconv.FormatInt(om.ID, 10))
		mustEphemeral(t, unknown, detailsRefused)
		mustEphemeral(t, foreign, detailsRefused)
		if replyText(unknown) != replyText(foreign) {
			t.Errorf("refusals differ: %q and %q", replyText(unknown), replyText(foreign))
		}
	})
	t.Run("ErrMalformed", func(t *testing.T) {
		for cid, want := range map[string]string{
			"summary:details:abc":             "not valid",
			"summary:details:-3":              "not valid",
			details + ":-1":                   "page of notes does not exist",
			details + ":99999999999999999999": "page of notes does not exist",
			details + ":x":                    "page of notes does not exist",
			details + ":5":                    "page of notes does not exist",
		} {
			mustEphemeral(t, h.press(h.fac, facSummary, cid), want)
		}
		if strings.Contains(h.logs.String(), "panic") {
			t.Errorf("a malformed id panicked")
		}
	})
	noCanary(t, h)
}
