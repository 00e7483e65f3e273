package main

import (
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// canary is a note no Discord message, channel or log line may ever contain.
const canary = "CANARY-7f3a9 I relapsed last night"

// setupGroup stores a group with the harness's psychologists and members.
// The group commands have their own tests; alert tests start from a group.
func (h *harness) setupGroup() *hearth.Group {
	h.t.Helper()
	ctx := h.ctx()
	g := &hearth.Group{
		GuildID: h.guild, Name: "Anxiety Circle", ChannelID: h.channel,
		FacilitatorID: h.fac, ObserverID: h.obs, Timezone: "Europe/Madrid",
		LengthMinutes: 90, ReminderOffsets: []time.Duration{24 * time.Hour, time.Hour}, Sharers: 2,
	}
	if err := h.app.DB.CreateGroup(ctx, g, hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "group.create"}); err != nil {
		h.t.Fatalf("create group: %v", err)
	}
	for _, m := range h.members {
		if err := h.app.DB.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: m, AgreedAt: h.now()}); err != nil {
			h.t.Fatalf("join: %v", err)
		}
	}
	return g
}

// setSettings changes the server's settings directly.
func (h *harness) setSettings(fn func(*hearth.GuildSettings)) {
	h.t.Helper()
	_, err := h.app.DB.UpdateGuildSettings(h.ctx(), h.guild, func(s *hearth.GuildSettings) error { fn(s); return nil },
		hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "settings.test"})
	if err != nil {
		h.t.Fatalf("settings: %v", err)
	}
}

func struggle(h *harness, member, urgency string, relapse bool, note string) *discordtest.Reply {
	h.t.Helper()
	opts := []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("urgency", urgency), discordtest.Bool("relapse", relapse)}
	if note != "" {
		opts = append(opts, discordtest.Str("note", note))
	}
	return h.slash(member, "struggling", opts...)
}

// noCanary fails if the note shows up in any stored Discord message or log line.
func noCanary(t testing.TB, h *harness) {
	t.Helper()
	// Ephemeral replies (View note) are the one place a note may be shown.
	for _, m := range persisted(h.fake.AllMessages()) {
		if strings.Contains(text(m), "CANARY") {
			t.Errorf("message %s in channel %s contains the note: %q", m.ID, m.ChannelID, m.Content)
		}
	}
	for _, c := range h.fake.Calls() {
		if strings.Contains(string(c.Body), "CANARY") && !strings.Contains(c.Path, "/interactions/") {
			t.Errorf("%s %s sent the note to Discord", c.Method, c.Path)
		}
	}
	if strings.Contains(h.logs.String(), "CANARY") {
		t.Errorf("a log line contains the note")
	}
}

func TestStruggling_DeliversToBothPsychologists(t *testing.T) {
	h := start(t)
	h.setupGroup()
	member := h.members[0]

	r := struggle(h, member, "today", true, canary)
	mustEphemeral(t, r, "<@"+h.fac+">", "<@"+h.obs+">", "today")

	for _, p := range []string{h.fac, h.obs} {
		dms := h.waitDMs(p, 1)
		dm := dms[0]
		got := text(dm)
		for _, want := range []string{"<@" + member + ">", "Anxiety Circle", "today", "Relapse: Yes", "Raised: <t:"} {
			if !strings.Contains(got, want) {
				t.Errorf("DM to %s does not show %q:\n%s", p, want, got)
			}
		}
		ids := buttonIDs(dm.Components)
		if len(ids) != 3 || !strings.HasPrefix(ids[0], "alert:note:") || !strings.HasPrefix(ids[1], "alert:ack:") || !strings.HasPrefix(ids[2], "alert:resolve:") {
			t.Errorf("DM buttons = %v, want View note, Acknowledge, Resolve", ids)
		}
	}
	h.settle()
	if n := len(h.dms(h.fac)); n != 1 {
		t.Errorf("facilitator got %d DMs, want exactly 1", n)
	}
	if got := h.posts(h.channel); len(got) != 0 {
		t.Errorf("the group channel got %d messages; alerts are private", len(got))
	}
	noCanary(t, h)
}

func TestStruggling_NowShowsCrisisResourcesFirst(t *testing.T) {
	h := start(t)
	h.setupGroup()
	h.setSettings(func(s *hearth.GuildSettings) { s.CrisisText = "Call 024 or the Samaritans." })
	r := struggle(h, h.members[1], "now", false, "")
	mustEphemeral(t, r, "Call 024 or the Samaritans.")
	if i, j := strings.Index(r.Content, "Call 024"), strings.Index(r.Content, "<@"+h.fac+">"); i > j {
		t.Errorf("crisis resources come after who was told: %q", r.Content)
	}
}

func TestStruggling_BadInput(t *testing.T) {
	h := start(t)
	h.setupGroup()
	outsider := h.user("outsider")

	t.Run("ErrNotMember", func(t *testing.T) {
		r := h.slash(outsider, "struggling", discordtest.Str("urgency", "now"), discordtest.Bool("relapse", false))
		mustEphemeral(t, r, "/join")
	})
	t.Run("ErrUnknownGroup", func(t *testing.T) {
		r := h.slash(h.members[0], "struggling", discordtest.Str("urgency", "now"), discordtest.Bool("relapse", false), discordtest.Str("group", "Nope"))
		mustEphemeral(t, r, "no group called")
	})
	t.Run("ErrNoteTooLong", func(t *testing.T) {
		r := h.slash(h.members[0], "struggling", discordtest.Str("urgency", "now"), discordtest.Bool("relapse", false), discordtest.Str("note", strings.Repeat("x", 1001)))
		mustEphemeral(t, r, "1000")
	})
	h.settle()
	if n := len(h.dms(h.fac)); n != 0 {
		t.Errorf("refused alerts sent %d DMs", n)
	}
}

func TestAlert_Acknowledge(t *testing.T) {
	h := start(t)
	h.setupGroup()
	member := h.members[0]
	struggle(h, member, "today", false, canary)
	facDM := h.waitDMs(h.fac, 1)[0]
	obsDM := h.waitDMs(h.obs, 1)[0]
	alertID := strings.TrimPrefix(buttonIDs(facDM.Components)[1], "alert:ack:")

	t.Run("ErrWrongPerson", func(t *testing.T) {
		r := h.press(h.members[1], facDM, "alert:ack:"+alertID)
		mustEphemeral(t, r, "not an alert of a group you coordinate")
	})

	t.Run("ViewNote", func(t *testing.T) {
		r := h.press(h.obs, obsDM, "alert:note:"+alertID)
		mustEphemeral(t, r, canary)
	})

	t.Run("OK", func(t *testing.T) {
		r := h.press(h.fac, facDM, "alert:ack:"+alertID)
		if r.Type != discordgo.InteractionResponseUpdateMessage || !strings.Contains(replyText(r), "Acknowledged by <@"+h.fac+">") {
			t.Errorf("pressing Acknowledge did not update the DM: type %d %q", r.Type, replyText(r))
		}
		// The observer's DM is edited too, and the member is told.
		err := h.fake.WaitFor(h.ctx(), func() bool {
			dms := h.dms(h.obs)
			return len(dms) == 1 && strings.Contains(text(dms[0]), "Acknowledged by <@"+h.fac+">")
		})
		if err != nil {
			t.Fatalf("observer's DM not edited: %v", err)
		}
		memberDM := h.waitDMs(member, 1)[0]
		if !strings.Contains(memberDM.Content, "<@"+h.fac+">") || !strings.Contains(memberDM.Content, "has seen your message") {
			t.Errorf("member DM = %q", memberDM.Content)
		}
	})

	t.Run("ErrPressedTwice", func(t *testing.T) {
		r := h.press(h.obs, h.dms(h.obs)[0], "alert:ack:"+alertID)
		mustEphemeral(t, r, "already acknowledged by <@"+h.fac+">")
	})

	t.Run("Resolve", func(t *testing.T) {
		r := h.press(h.obs, h.dms(h.obs)[0], "alert:resolve:"+alertID)
		if !strings.Contains(replyText(r), "Resolved by <@"+h.obs+">") {
			t.Errorf("resolve reply = %q", replyText(r))
		}
		r = h.slash(h.fac, "alerts list")
		mustEphemeral(t, r, "No open alerts")
	})
	noCanary(t, h)
}

func TestAlert_ClosedDMsFallBack(t *testing.T) {
	h := start(t)
	h.setupGroup()
	h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID = h.staff })
	h.fake.CloseDMs(h.fac)
	member := h.members[2]
	struggle(h, member, "today", true, canary)

	h.waitDMs(h.obs, 1)
	notice := h.waitMessages(h.staff, 1)[0]
	if !strings.Contains(notice.Content, "could not be reached") || !strings.Contains(notice.Content, "Anxiety Circle") {
		t.Errorf("staff notice = %q", notice.Content)
	}
	if strings.Contains(notice.Content, member) || strings.Contains(notice.Content, "elapse") {
		t.Errorf("staff notice names the member or the relapse: %q", notice.Content)
	}
	delay := h.waitDMs(member, 1)[0]
	if !strings.Contains(delay.Content, "may take a little longer") {
		t.Errorf("member DM = %q", delay.Content)
	}
	h.settle()
	if n := len(h.dms(h.obs)); n != 1 {
		t.Errorf("observer got %d DMs, want 1", n)
	}
	noCanary(t, h)
}

func TestAlert_ServerErrorStillOneDM(t *testing.T) {
	h := start(t)
	h.setupGroup()
	h.fake.FailNext("POST", "/channels/*/messages", 500, 2)
	struggle(h, h.members[0], "later", false, "")
	// Both first sends failed; the retry is due two seconds later.
	h.settle()
	if n := len(h.dms(h.fac)) + len(h.dms(h.obs)); n != 0 {
		t.Fatalf("%d DMs despite the failures", n)
	}
	h.advance(2 * time.Second)
	h.waitDMs(h.fac, 1)
	h.waitDMs(h.obs, 1)
	h.settle()
	h.advance(time.Hour)
	h.settle()
	if a, b := len(h.dms(h.fac)), len(h.dms(h.obs)); a != 1 || b != 1 {
		t.Errorf("DMs after retries: facilitator %d, observer %d; want exactly 1 each", a, b)
	}
}

func TestAlert_DeliveredAfterRestart(t *testing.T) {
	h := start(t)
	h.setupGroup()
	// Discord is down while the alert is raised: it is stored, not sent.
	h.fake.FailNext("", "/users/@me/channels", 503, 2)
	r := struggle(h, h.members[3], "now", false, "")
	mustEphemeral(t, r, "<@"+h.fac+">")
	h.settle()
	h.restart()
	h.advance(2 * time.Second)
	h.waitDMs(h.fac, 1)
	h.waitDMs(h.obs, 1)
}

func TestAlert_Escalation(t *testing.T) {
	h := start(t)
	h.setupGroup()
	h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID, s.LeadID = h.staff, h.lead })
	member := h.members[4]
	struggle(h, member, "now", true, canary)
	h.waitDMs(h.fac, 1)
	h.waitDMs(h.obs, 1)

	h.advance(9*time.Minute + 59*time.Second)
	h.settle()
	if n := len(h.dms(h.lead)) + len(h.posts(h.staff)); n != 0 {
		t.Fatalf("escalated before escalate_now: %d messages", n)
	}

	h.advance(time.Second)
	leadDM := h.waitDMs(h.lead, 1)[0]
	if !strings.Contains(text(leadDM), "<@"+member+">") || len(buttonIDs(leadDM.Components)) != 3 {
		t.Errorf("lead DM is not the whole alert: %q %v", text(leadDM), buttonIDs(leadDM.Components))
	}
	for _, p := range []string{h.fac, h.obs} {
		again := h.waitDMs(p, 2)[1]
		if !strings.Contains(again.Content, "not been acknowledged") {
			t.Errorf("second DM to %s = %q", p, again.Content)
		}
	}
	notice := h.waitMessages(h.staff, 1)[0]
	if !strings.Contains(notice.Content, "Anxiety Circle") || !strings.Contains(notice.Content, "now") || strings.Contains(notice.Content, member) {
		t.Errorf("staff notice = %q", notice.Content)
	}

	// Once escalated, the lead may act on the alert.
	alertID := strings.TrimPrefix(buttonIDs(leadDM.Components)[1], "alert:ack:")
	r := h.press(h.lead, leadDM, "alert:ack:"+alertID)
	if !strings.Contains(replyText(r), "Acknowledged by <@"+h.lead+">") {
		t.Errorf("lead acknowledge = %q", replyText(r))
	}
	h.waitDMs(member, 1)
	noCanary(t, h)
}

func TestAlert_DeletedAccountFallsBack(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID = h.staff })
	// The facilitator's account no longer exists: Discord refuses to open a
	// DM with it. The refusal is not retryable, and must not lose the alert.
	gone := "1234567890123456789"
	if _, err := h.app.DB.UpdateGroup(h.ctx(), g.ID, func(g *hearth.Group) error { g.FacilitatorID = gone; return nil },
		hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "group.edit"}); err != nil {
		t.Fatal(err)
	}
	member := h.members[0]
	struggle(h, member, "today", false, "")
	h.waitDMs(h.obs, 1)
	notice := h.waitMessages(h.staff, 1)[0]
	if !strings.Contains(notice.Content, "could not be reached") || strings.Contains(notice.Content, member) {
		t.Errorf("staff notice = %q", notice.Content)
	}
	if dm := h.waitDMs(member, 1)[0]; !strings.Contains(dm.Content, "may take a little longer") {
		t.Errorf("member DM = %q", dm.Content)
	}
}

func TestAlert_NobodyReachableIsLogged(t *testing.T) {
	h := start(t)
	h.setupGroup()
	h.fake.CloseDMs(h.fac)
	h.fake.CloseDMs(h.obs)
	member := h.members[1]
	struggle(h, member, "now", false, "")
	if dm := h.waitDMs(member, 1)[0]; !strings.Contains(dm.Content, "If you need help now") || strings.Contains(dm.Content, "told the server's staff") {
		t.Errorf("member DM = %q", dm.Content)
	}
	h.settle()
	if !strings.Contains(h.logs.String(), "alert reached no one") {
		t.Errorf("no error-level log line for an alert nobody can receive")
	}
}
