package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// refused is the one refusal for an alert someone may not act on: unknown,
// of another server, of another group.
const refused = "is not an alert of a group you coordinate"

// passedOn is what a replaced psychologist is told about an alert that was theirs.
const passedOn = "has passed to the group's current psychologists"

// editGroup runs /group edit as the admin.
func (h *harness) editGroup(opts ...*discordgo.ApplicationCommandInteractionDataOption) {
	h.t.Helper()
	r := h.slash(h.admin, "group edit", append([]*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("group", "Anxiety Circle")}, opts...)...)
	mustEphemeral(h.t, r, "Saved **Anxiety Circle**")
}

// alertIDOf returns the alert number the Acknowledge button of an alert DM carries.
func alertIDOf(t testing.TB, dm *discordgo.Message) string {
	t.Helper()
	ids := buttonIDs(dm.Components)
	if len(ids) != 3 {
		t.Fatalf("alert DM has buttons %v", ids)
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(ids[1], "alert:ack:"), ":")
	return id
}

// waitText waits until the first DM of user shows want.
func (h *harness) waitText(user, want string) *discordgo.Message {
	h.t.Helper()
	var dm *discordgo.Message
	err := h.fake.WaitFor(h.ctx(), func() bool {
		dms := h.dms(user)
		if len(dms) == 0 {
			return false
		}
		dm = dms[0]
		return strings.Contains(text(dm), want)
	})
	if err != nil {
		got := ""
		if dm != nil {
			got = text(dm)
		}
		h.t.Fatalf("the DM of %s never showed %q; it shows %q", user, want, got)
	}
	return dm
}

func TestAlert_HandOver(t *testing.T) {
	h := start(t)
	h.setupGroup()
	member := h.members[0]
	struggle(h, member, "today", true, canary)
	facDM := h.waitDMs(h.fac, 1)[0]
	oldDM := h.waitDMs(h.obs, 1)[0]
	id := alertIDOf(t, oldDM)

	// Another server with its own alert, which our psychologists also
	// coordinate there: ids of it must not work from this server.
	foreign := h.foreignGroup("Elsewhere")
	h.fake.AddMember(foreign.GuildID, member)
	stranger := &hearth.Alert{GuildID: foreign.GuildID, GroupID: foreign.ID, UserID: member, Urgency: hearth.UrgencyLater, Note: canary, CreatedAt: h.now()}
	if err := h.app.DB.CreateAlert(h.ctx(), stranger, nil, nil); err != nil {
		t.Fatal(err)
	}
	foreignID := strconv.FormatInt(stranger.ID, 10)

	// The admin replaces the observer.
	newObs := h.user("dr-new-observer")
	h.editGroup(discordtest.User("observer", newObs))

	t.Run("NewObserverGetsTheAlert", func(t *testing.T) {
		dm := h.waitDMs(newObs, 1)[0]
		got := text(dm)
		for _, want := range []string{"<@" + member + ">", "Anxiety Circle", "today", "Relapse: Yes", "Open — not acknowledged yet"} {
			if !strings.Contains(got, want) {
				t.Errorf("the new observer's DM does not show %q:\n%s", want, got)
			}
		}
		if alertIDOf(t, dm) != id {
			t.Errorf("the new observer got alert %s, want %s", alertIDOf(t, dm), id)
		}
	})
	t.Run("OldObserversDMSaysItPassed", func(t *testing.T) {
		dm := h.waitText(h.obs, "has passed to the group's current psychologists")
		if strings.Contains(text(dm), member) || strings.Contains(text(dm), "elapse") || len(dm.Embeds) != 0 || len(buttonIDs(dm.Components)) != 0 {
			t.Errorf("the old observer's DM still has content or buttons: %q %v", text(dm), buttonIDs(dm.Components))
		}
	})
	t.Run("ErrOldButtons", func(t *testing.T) {
		oldDM := h.dms(h.obs)[0]
		for _, route := range []string{"alert:note:", "alert:ack:", "alert:resolve:"} {
			r := h.press(h.obs, oldDM, route+id+":"+h.guild)
			mustEphemeral(t, r, "Alert #"+id+" "+passedOn)
			if strings.Contains(replyText(r), "CANARY") || r.Type == discordgo.InteractionResponseUpdateMessage {
				t.Errorf("%s: the replaced observer got %q (type %d)", route, replyText(r), r.Type)
			}
		}
	})
	t.Run("ErrOldCommands", func(t *testing.T) {
		mustEphemeral(t, h.slash(h.obs, "alerts resolve", discordtest.Int("alert", mustInt(t, id))), passedOn)
		r := h.slash(h.obs, "alerts list")
		mustEphemeral(t, r, "Only the facilitator and the observer", "have passed to its current psychologists")
		if strings.Contains(r.Content, "#"+id) {
			t.Errorf("the replaced observer's list shows the alert: %q", r.Content)
		}
	})
	t.Run("ErrForgedIDs", func(t *testing.T) {
		oldDM := h.dms(h.obs)[0]
		// An old-style button without a server, and one naming another server.
		mustEphemeral(t, h.press(h.obs, oldDM, "alert:note:"+id), passedOn)
		mustEphemeral(t, h.press(h.obs, oldDM, "alert:note:"+id+":"+foreign.GuildID), refused)
		// Unknown ids, another server's alert (from this server, and naming
		// its server), another group's: one refusal, word for word.
		var texts []string
		for _, cid := range []string{
			"alert:note:999999",
			"alert:note:999999:" + h.guild,
			"alert:note:" + foreignID + ":" + h.guild,
		} {
			r := h.press(h.fac, facDM, cid)
			mustEphemeral(t, r, refused)
			texts = append(texts, strings.ReplaceAll(strings.ReplaceAll(replyText(r), "999999", "N"), foreignID, "N"))
		}
		r := h.slash(h.fac, "alerts resolve", discordtest.Int("alert", stranger.ID))
		mustEphemeral(t, r, refused)
		texts = append(texts, strings.ReplaceAll(replyText(r), foreignID, "N"))
		for _, tx := range texts[1:] {
			if tx != texts[0] {
				t.Errorf("refusals differ:\n%q\n%q", texts[0], tx)
			}
		}
		// The psychologists of the foreign group, pressing in its server's
		// name, act there: but not on it from this server's button ids.
		mustEphemeral(t, h.press(h.fac, facDM, "alert:ack:abc"), "not valid")
		mustEphemeral(t, h.press(h.fac, facDM, "alert:ack:-4:"+h.guild), "not valid")
		if a, _ := h.app.DB.Alert(h.ctx(), stranger.ID); a.Status != hearth.AlertOpen {
			t.Errorf("the foreign alert changed: %s", a.Status)
		}
	})
	t.Run("NewObserverAcknowledges", func(t *testing.T) {
		dm := h.dms(newObs)[0]
		r := h.press(newObs, dm, buttonIDs(dm.Components)[1])
		if r.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(replyText(r), "Acknowledged by <@"+newObs+">") {
			t.Fatalf("acknowledge by the new observer: type %d %q", r.Type, replyText(r))
		}
		h.waitText(h.fac, "Acknowledged by <@"+newObs+">")
		ack := h.waitDMs(member, 1)[0]
		if !strings.Contains(ack.Content, "<@"+newObs+">") || !strings.Contains(ack.Content, "has seen your message") {
			t.Errorf("member's DM = %q", ack.Content)
		}
		h.settle()
		if old := text(h.dms(h.obs)[0]); !strings.Contains(old, passedOn) || strings.Contains(old, "Acknowledged") {
			t.Errorf("the old observer's DM was edited back: %q", old)
		}
		if n := len(h.dms(newObs)); n != 1 {
			t.Errorf("the new observer got %d DMs, want 1", n)
		}
		r = h.press(newObs, dm, "alert:note:"+id+":"+h.guild)
		mustEphemeral(t, r, canary)
	})
	noCanary(t, h)
}

func mustInt(t testing.TB, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAlert_AcknowledgedThenReplaced(t *testing.T) {
	t.Run("BeforeTheDeadline", func(t *testing.T) {
		h := start(t)
		h.setupGroup()
		h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID, s.LeadID = h.staff, h.lead })
		member := h.members[1]
		struggle(h, member, "now", false, "")
		facDM := h.waitDMs(h.fac, 1)[0]
		h.waitDMs(h.obs, 1)
		h.press(h.fac, facDM, buttonIDs(facDM.Components)[1])
		h.waitText(h.obs, "Acknowledged by <@"+h.fac+">")
		h.waitDMs(member, 1)

		h.advance(5 * time.Minute)
		newFac := h.user("dr-new-facilitator")
		h.editGroup(discordtest.User("facilitator", newFac))
		if got := text(h.waitDMs(newFac, 1)[0]); !strings.Contains(got, "Open — not acknowledged yet") {
			t.Errorf("the new facilitator's DM: %q", got)
		}
		h.waitText(h.obs, "Open — not acknowledged yet")
		h.waitText(h.fac, passedOn)

		// It escalates at its original deadline: ten minutes after it was raised.
		h.advance(4*time.Minute + 59*time.Second)
		h.settle()
		if n := len(h.dms(h.lead)) + len(h.posts(h.staff)); n != 0 {
			t.Fatalf("escalated before the original deadline: %d messages", n)
		}
		h.advance(time.Second)
		if got := text(h.waitDMs(h.lead, 1)[0]); !strings.Contains(got, "<@"+member+">") {
			t.Errorf("lead DM = %q", got)
		}
		h.waitMessages(h.staff, 1)
		for _, p := range []string{newFac, h.obs} {
			if again := h.waitDMs(p, 2)[1]; !strings.Contains(again.Content, "not been acknowledged") {
				t.Errorf("reminder to %s = %q", p, again.Content)
			}
		}
		h.settle()
		if n := len(h.dms(h.fac)); n != 1 {
			t.Errorf("the replaced facilitator got %d DMs, want only the first (now saying it passed)", n)
		}
	})
	t.Run("AfterTheDeadline", func(t *testing.T) {
		h := start(t)
		h.setupGroup()
		h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID, s.LeadID = h.staff, h.lead })
		struggle(h, h.members[1], "now", false, "")
		facDM := h.waitDMs(h.fac, 1)[0]
		h.waitDMs(h.obs, 1)
		h.press(h.fac, facDM, buttonIDs(facDM.Components)[1])
		h.advance(30 * time.Minute) // acknowledged: no escalation
		h.settle()
		if n := len(h.dms(h.lead)) + len(h.posts(h.staff)); n != 0 {
			t.Fatalf("an acknowledged alert escalated: %d messages", n)
		}
		newFac := h.user("dr-new-facilitator")
		h.editGroup(discordtest.User("facilitator", newFac))
		// The deadline has passed: it escalates at once, the clock standing still.
		h.waitDMs(h.lead, 1)
		notice := h.waitMessages(h.staff, 1)[0]
		if !strings.Contains(notice.Content, "Anxiety Circle") || strings.Contains(notice.Content, h.members[1]) {
			t.Errorf("staff notice = %q", notice.Content)
		}
		h.waitDMs(newFac, 1)
	})
}

func TestAlert_LeadChange(t *testing.T) {
	h := start(t)
	h.setupGroup()
	h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID, s.LeadID = h.staff, h.lead })
	member := h.members[2]
	struggle(h, member, "now", false, canary)
	h.waitDMs(h.fac, 1)
	h.advance(10 * time.Minute)
	leadDM := h.waitDMs(h.lead, 1)[0]
	id := alertIDOf(t, leadDM)
	// A second alert, not escalated: the lead may not act on it yet.
	struggle(h, h.members[3], "later", false, "")
	obsDMs := h.waitDMs(h.obs, 3) // alert 1, its reminder, alert 2
	second := alertIDOf(t, obsDMs[2])

	t.Run("ErrLeadBeforeEscalation", func(t *testing.T) {
		mustEphemeral(t, h.press(h.lead, leadDM, "alert:ack:"+second+":"+h.guild), refused)
		r := h.slash(h.lead, "alerts list")
		if !strings.Contains(r.Content, "#"+id) || strings.Contains(r.Content, "#"+second) {
			t.Errorf("the lead's list: %q", r.Content)
		}
	})

	newLead := h.user("dr-new-lead")
	mustEphemeral(t, h.slash(h.admin, "settings lead", discordtest.User("user", newLead)), "Saved")

	t.Run("NewLeadGetsIt", func(t *testing.T) {
		dm := h.waitDMs(newLead, 1)[0]
		if alertIDOf(t, dm) != id || !strings.Contains(text(dm), "<@"+member+">") {
			t.Errorf("the new lead's DM: %q", text(dm))
		}
		h.waitText(h.lead, "has passed")
		if got := text(h.dms(h.lead)[0]); strings.Contains(got, member) || len(buttonIDs(h.dms(h.lead)[0].Components)) != 0 {
			t.Errorf("the old lead's DM kept content: %q", got)
		}
	})
	t.Run("ErrOldLead", func(t *testing.T) {
		r := h.press(h.lead, h.dms(h.lead)[0], "alert:note:"+id+":"+h.guild)
		mustEphemeral(t, r, "has passed to the server's current clinical lead")
		if strings.Contains(replyText(r), "CANARY") {
			t.Errorf("the old lead read the note")
		}
		mustEphemeral(t, h.slash(h.lead, "alerts list"), "Only the facilitator and the observer")
	})
	t.Run("NewLeadAcknowledges", func(t *testing.T) {
		dm := h.dms(newLead)[0]
		r := h.press(newLead, dm, buttonIDs(dm.Components)[1])
		if !strings.Contains(replyText(r), "Acknowledged by <@"+newLead+">") {
			t.Fatalf("acknowledge by the new lead: %q", replyText(r))
		}
		h.waitText(h.fac, "Acknowledged by <@"+newLead+">")
		h.waitDMs(member, 1)
	})
	noCanary(t, h)
}

func TestAlert_NoPsychologistReachable(t *testing.T) {
	t.Run("LeadTold", func(t *testing.T) {
		h := start(t)
		h.setupGroup()
		h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID, s.LeadID = h.staff, h.lead })
		h.fake.CloseDMs(h.fac)
		h.fake.CloseDMs(h.obs)
		member := h.members[0]
		struggle(h, member, "later", true, canary)
		// Escalated at once: the clock never moves.
		leadDM := h.waitDMs(h.lead, 1)[0]
		if !strings.Contains(text(leadDM), "<@"+member+">") || len(buttonIDs(leadDM.Components)) != 3 {
			t.Errorf("lead DM: %q", text(leadDM))
		}
		notice := h.waitMessages(h.staff, 1)[0]
		if !strings.Contains(notice.Content, "Neither psychologist of **Anxiety Circle**") || !strings.Contains(notice.Content, "clinical lead was told") {
			t.Errorf("staff notice = %q", notice.Content)
		}
		h.settle()
		for _, m := range h.posts(h.staff) {
			if strings.Contains(m.Content, "other psychologist was told") || strings.Contains(m.Content, member) {
				t.Errorf("untrue or private staff notice: %q", m.Content)
			}
		}
		if n := len(h.posts(h.staff)); n != 1 {
			t.Errorf("%d staff notices, want 1", n)
		}
		if dm := h.waitDMs(member, 1)[0]; !strings.Contains(dm.Content, "may take a little longer") {
			t.Errorf("member DM = %q", dm.Content)
		}
		// The lead may act on it at once.
		r := h.press(h.lead, leadDM, buttonIDs(leadDM.Components)[1])
		if !strings.Contains(replyText(r), "Acknowledged by <@"+h.lead+">") {
			t.Errorf("lead acknowledge = %q", replyText(r))
		}
		noCanary(t, h)
	})
	t.Run("NobodyTold", func(t *testing.T) {
		h := start(t)
		h.setupGroup()
		h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID = h.staff })
		h.fake.CloseDMs(h.fac)
		h.fake.CloseDMs(h.obs)
		struggle(h, h.members[0], "later", false, "")
		notice := h.waitMessages(h.staff, 1)[0]
		if !strings.Contains(notice.Content, "Neither psychologist") || !strings.Contains(notice.Content, "nobody was told") {
			t.Errorf("staff notice = %q", notice.Content)
		}
		h.settle()
		if n := len(h.posts(h.staff)); n != 1 {
			t.Errorf("%d staff notices, want 1", n)
		}
	})
	t.Run("LeadUnreachableToo", func(t *testing.T) {
		h := start(t)
		h.setupGroup()
		h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID, s.LeadID = h.staff, h.lead })
		h.fake.CloseDMs(h.fac)
		h.fake.CloseDMs(h.obs)
		h.fake.CloseDMs(h.lead)
		struggle(h, h.members[0], "later", false, "")
		notice := h.waitMessages(h.staff, 1)[0]
		if !strings.Contains(notice.Content, "nor the clinical lead") || !strings.Contains(notice.Content, "nobody was told") {
			t.Errorf("staff notice = %q", notice.Content)
		}
	})
	t.Run("OneReachable", func(t *testing.T) {
		h := start(t)
		h.setupGroup()
		h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID, s.LeadID = h.staff, h.lead })
		h.fake.CloseDMs(h.fac)
		struggle(h, h.members[0], "later", false, "")
		h.waitDMs(h.obs, 1)
		notice := h.waitMessages(h.staff, 1)[0]
		if !strings.Contains(notice.Content, "The other psychologist was told") {
			t.Errorf("staff notice = %q", notice.Content)
		}
		h.settle()
		if n := len(h.dms(h.lead)); n != 0 {
			t.Errorf("the lead got %d DMs although the observer was told", n)
		}
	})
}

func TestAlert_HandOverSurvivesRestart(t *testing.T) {
	h := start(t)
	h.setupGroup()
	struggle(h, h.members[0], "later", false, "")
	h.waitDMs(h.fac, 1)
	h.waitDMs(h.obs, 1)
	// Discord is down when the observer is replaced: the hand-over is
	// stored as work and done after a restart, once.
	h.fake.FailNext("", "/users/@me/channels", 503, 2)
	newObs := h.user("dr-new-observer")
	h.editGroup(discordtest.User("observer", newObs))
	h.settle()
	h.restart()
	h.advance(5 * time.Second) // the retry fails again
	h.advance(10 * time.Second)
	h.waitDMs(newObs, 1)
	h.waitText(h.obs, passedOn)
	// The safety-net hand-over a minute later finds nothing left to do.
	h.advance(2 * time.Minute)
	h.settle()
	if a, b := len(h.dms(newObs)), len(h.dms(h.obs)); a != 1 || b != 1 {
		t.Errorf("DMs: new observer %d, old observer %d; want 1 each", a, b)
	}
}

// The web dashboard calls the same operations as the buttons: the same rule
// answers it.
func TestAlertService_SameRuleForEveryCaller(t *testing.T) {
	h := start(t)
	h.setupGroup()
	member := h.members[0]
	struggle(h, member, "today", false, canary)
	id := mustInt(t, alertIDOf(t, h.waitDMs(h.obs, 1)[0]))
	newObs := h.user("dr-new-observer")
	h.editGroup(discordtest.User("observer", newObs))
	h.waitDMs(newObs, 1)
	svc := h.app.Alerts
	other := h.fake.AddGuild("", "Other Server")

	for _, tc := range []struct {
		name  string
		actor hearth.AlertActor
		want  string
	}{
		{"ErrReplaced", hearth.AlertActor{UserID: h.obs, GuildID: h.guild}, passedOn},
		{"ErrOtherServer", hearth.AlertActor{UserID: h.fac, GuildID: other}, refused},
		{"ErrMember", hearth.AlertActor{UserID: member, GuildID: h.guild}, refused},
		{"ErrNoUser", hearth.AlertActor{GuildID: h.guild}, refused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.ViewNote(h.ctx(), tc.actor, id)
			if hearth.ErrorCode(err) != hearth.EFORBIDDEN || !strings.Contains(hearth.ErrorMessage(err), tc.want) {
				t.Errorf("ViewNote: %v, want %q", err, tc.want)
			}
			if _, err := svc.Acknowledge(h.ctx(), tc.actor, id); hearth.ErrorCode(err) != hearth.EFORBIDDEN {
				t.Errorf("Acknowledge: %v", err)
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		acc, err := svc.ViewNote(h.ctx(), hearth.AlertActor{UserID: newObs, GuildID: h.guild}, id)
		if err != nil || acc.Alert.Note != canary {
			t.Fatalf("ViewNote by the new observer: %v", err)
		}
		if _, err := svc.Acknowledge(h.ctx(), hearth.AlertActor{UserID: newObs, GuildID: h.guild}, id); err != nil {
			t.Fatal(err)
		}
		h.waitText(h.fac, "Acknowledged by <@"+newObs+">")
		h.waitDMs(member, 1)
	})
}

// TestAlert_AcknowledgedWhileDMOnItsWay: Discord creates both alert DMs but
// hearth never hears back, so neither delivery has a message id when a
// psychologist acknowledges: the edit of the other DM finds nothing to
// edit. When the retried send gets its message back (same nonce), it is
// brought up to date, so no psychologist is left reading "Open".
func TestAlert_AcknowledgedWhileDMOnItsWay(t *testing.T) {
	h := start(t)
	h.setupGroup()
	h.fake.LoseResponseNext("POST", "/channels/*/messages", 2)
	struggle(h, h.members[1], "today", false, "")
	facDM := h.waitDMs(h.fac, 1)[0]
	h.waitDMs(h.obs, 1)
	h.press(h.fac, facDM, buttonIDs(facDM.Components)[1])
	h.advance(time.Minute) // past the retry backoff of both sends
	h.waitText(h.obs, "Acknowledged by <@"+h.fac+">")
	h.waitText(h.fac, "Acknowledged by <@"+h.fac+">")
	h.settle()
	for _, p := range []string{h.fac, h.obs} {
		if n := len(h.dms(p)); n != 1 {
			t.Errorf("%s has %d alert DMs, want 1", p, n)
		}
	}
}
