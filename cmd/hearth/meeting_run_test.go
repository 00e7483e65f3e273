package main

import (
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// meetingEnd is when the first meeting of scheduleGroup ends (90 minutes).
var meetingEnd = firstMeeting.Add(90 * time.Minute)

// voiceGroup is scheduleGroup with a voice channel set by /group edit.
func (h *harness) voiceGroup() (*hearth.Group, string) {
	h.t.Helper()
	h.waitVoiceEvents(1) // the snapshot of the first connection
	h.scheduleGroup()
	voice := h.fake.AddVoiceChannel(h.guild, "", "circle-voice")
	r := h.slash(h.admin, "group edit", discordtest.Str("group", "Anxiety Circle"), discordtest.Channel("voice", voice))
	mustEphemeral(h.t, r, "Saved **Anxiety Circle**", "meets in <#"+voice+">")
	g, err := h.app.DB.GroupByName(h.ctx(), h.guild, "Anxiety Circle")
	if err != nil || g.VoiceChannelID != voice {
		h.t.Fatalf("group voice channel = %v, %v; want %s", g, err, voice)
	}
	return g, voice
}

// firstMeetingOf returns the stored first meeting of g.
func (h *harness) firstMeetingOf(g *hearth.Group) *hearth.Meeting {
	h.t.Helper()
	ms, err := h.app.DB.MeetingsBetween(h.ctx(), g.ID, firstMeeting, firstMeeting.Add(time.Minute))
	if err != nil || len(ms) != 1 {
		h.t.Fatalf("first meeting: %v, %v", ms, err)
	}
	return ms[0]
}

// voice moves a user and waits until hearth has handled it.
func (h *harness) voice(user, channel string) {
	h.t.Helper()
	n := h.app.Bot.VoiceEvents()
	h.fake.SetVoiceState(h.guild, user, channel)
	h.waitVoiceEvents(n + 1)
}

// waitVoiceEvents waits until hearth has handled n voice events since it
// started (the GUILD_CREATE of the harness's one server is the first).
func (h *harness) waitVoiceEvents(n int64) {
	h.t.Helper()
	if err := h.app.Bot.WaitVoiceEvents(h.ctx(), n); err != nil {
		h.t.Fatalf("waiting for %d voice events, have %d: %v", n, h.app.Bot.VoiceEvents(), err)
	}
}

func TestMeeting_VoicePresence(t *testing.T) {
	h := start(t)
	g, voice := h.voiceGroup()
	mb := h.members
	other := h.fake.AddVoiceChannel(h.guild, "", "lounge")

	// Before the window (15 minutes before the start): dropped, but
	// member 2 stays put and is counted from the start.
	h.advanceTo(firstMeeting.Add(-30 * time.Minute))
	h.voice(mb[1], voice)
	h.voice(h.lead, voice) // not a member: dropped
	h.advanceTo(firstMeeting.Add(-10 * time.Minute))
	h.voice(mb[0], voice)
	h.voice(mb[4], other) // another channel: dropped
	h.advanceTo(firstMeeting)
	h.voice(mb[2], voice)
	// Member 4 checks in with a mood and is in voice too: their mood stays.
	mustEphemeral(t, checkin(h, mb[3], discordtest.Int("mood", 4)), "Anxiety Circle")
	h.voice(mb[3], voice)

	// A restart mid-meeting: member 3 left while hearth was down; the
	// snapshot of the new connection closes their interval.
	h.advanceTo(firstMeeting.Add(4 * time.Minute))
	h.stop()
	h.fake.SetVoiceStateQuietly(h.guild, mb[2], "")
	h.startApp()
	h.waitVoiceEvents(1) // the snapshot of the new connection
	h.advanceTo(firstMeeting.Add(40 * time.Minute))
	h.voice(mb[3], "")

	m := h.firstMeetingOf(g)
	t.Run("StoresOnlyMembersInTheWindow", func(t *testing.T) {
		ivs, err := h.app.DB.Presence(h.ctx(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		users := map[string]int{}
		for _, iv := range ivs {
			users[iv.UserID]++
			if iv.JoinedAt.Before(firstMeeting.Add(-hearth.PresenceWindow)) {
				t.Errorf("interval of %s starts before the window: %s", iv.UserID, iv.JoinedAt)
			}
		}
		for _, u := range []string{h.lead, mb[4]} {
			if users[u] > 0 {
				t.Errorf("presence of %s stored: %+v", u, ivs)
			}
		}
		for _, u := range mb[:4] {
			if users[u] != 1 {
				t.Errorf("%d intervals of %s, want 1 (the restart must not split or duplicate)", users[u], u)
			}
		}
	})

	h.advanceTo(meetingEnd)
	t.Run("SummarySaysFromPresence", func(t *testing.T) {
		dms := h.waitDMs(h.fac, 2) // the brief, then the summary
		got := text(dms[len(dms)-1])
		mustContain(t, got, "Summary of the **Anxiety Circle**", "Attended: 3 of 5 members (2 from voice presence)",
			"Average mood: 4.0 / 5 (from 1 of 3 check-ins)")
	})
	t.Run("OwnCheckInWins", func(t *testing.T) {
		c, err := h.app.DB.CheckIn(h.ctx(), m.ID, mb[3])
		if err != nil || c.Mood != 4 || c.FromPresence {
			t.Errorf("check-in of member 4 = %+v, %v; want their own, mood 4", c, err)
		}
		for _, u := range []string{mb[0], mb[1]} {
			c, err := h.app.DB.CheckIn(h.ctx(), m.ID, u)
			if err != nil || !c.FromPresence || c.Mood != 0 {
				t.Errorf("check-in of %s = %+v, %v; want one from presence, without mood", u, c, err)
			}
		}
		if _, err := h.app.DB.CheckIn(h.ctx(), m.ID, mb[2]); hearth.ErrorCode(err) != hearth.ENOTFOUND {
			t.Errorf("member 3 (4 minutes in voice) attended: %v", err)
		}
	})
	t.Run("DetailsSayFromPresence", func(t *testing.T) {
		dms := h.dms(h.obs)
		dm := dms[len(dms)-1]
		r := h.press(h.obs, dm, "summary:details:"+strconv.FormatInt(m.ID, 10))
		mustEphemeral(t, r, "<@"+mb[0]+"> — ✅ attended · in voice", "<@"+mb[3]+"> — ✅ attended · mood 4/5")
	})
	t.Run("RosterAndReportSayFromVoice", func(t *testing.T) {
		group := discordtest.Str("group", "Anxiety Circle")
		roster := replyText(h.slash(h.fac, "roster", group))
		mustContain(t, roster, "attended 1/1 (100%), 1 from voice")
		if strings.Count(roster, "from voice") != 2 {
			t.Errorf("roster says 'from voice' %d times, want 2 (members 1 and 2):\n%s", strings.Count(roster, "from voice"), roster)
		}
		report := replyText(h.slash(h.fac, "report", group))
		mustContain(t, report, "Attended  Voice  Mood", "       3      2   4.0")
	})
	t.Run("PrivacyShowsExportsErases", func(t *testing.T) {
		mustEphemeral(t, h.slash(mb[0], "privacy show"), "Times in your group's voice channel around meetings: 1")
		r := h.slash(mb[0], "privacy export")
		if len(r.Files) != 1 || !strings.Contains(string(r.Files[0].Data), `"voice_presence": [`) ||
			!strings.Contains(string(r.Files[0].Data), `"meeting_id": "`+strconv.FormatInt(m.ID, 10)+`"`) {
			t.Fatalf("export does not hold the voice presence: %d files", len(r.Files))
		}
		e, err := h.app.DB.EraseUser(h.ctx(), h.guild, mb[0], hearth.AuditEntry{Action: hearth.AuditPrivacyDelete})
		if err != nil || e.Presence != 1 {
			t.Fatalf("erase = %+v, %v", e, err)
		}
		if d, err := h.app.DB.UserData(h.ctx(), h.guild, mb[0]); err != nil || len(d.Presence) != 0 {
			t.Fatalf("after erasure, presence = %+v, %v", d, err)
		}
	})
	t.Run("NothingInTheChannelOrLogs", func(t *testing.T) {
		for _, p := range h.posts(h.channel) {
			if strings.Contains(text(p), "presence") || strings.Contains(text(p), "mood 4") {
				t.Errorf("the group channel shows attendance: %q", text(p))
			}
		}
	})
}

func TestMeeting_VoiceChannelGone(t *testing.T) {
	h := start(t)
	_, voice := h.voiceGroup()
	h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID = h.staff })
	h.fake.DeleteChannel(voice)
	h.advanceTo(firstMeeting)
	post := h.waitMessages(h.staff, 1)[0]
	mustContain(t, post.Content, "**Anxiety Circle**", "voice channel no longer exists", "/group edit")
	t.Run("ErrNotAVoiceChannel", func(t *testing.T) {
		r := h.slash(h.admin, "group edit", discordtest.Str("group", "Anxiety Circle"), discordtest.Channel("voice", h.channel))
		mustEphemeral(t, r, "is not a voice or stage channel")
	})
}

// roundPost returns the start post with the round's buttons.
func (h *harness) roundPost() *discordgo.Message {
	h.t.Helper()
	for _, p := range h.posts(h.channel) {
		if strings.Contains(p.Content, "is starting now") {
			return h.fake.Message(p.ID)
		}
	}
	h.t.Fatalf("no start post in %d posts", len(h.posts(h.channel)))
	return nil
}

func TestMeeting_Round(t *testing.T) {
	h := start(t)
	g := h.scheduleGroup()
	h.advanceTo(firstMeeting)
	m := h.firstMeetingOf(g)
	order := m.Rota.Order
	post := h.roundPost()
	ids := buttonIDs(post.Components)
	if got := buttonLabels(post.Components); strings.Join(got, ",") != "Next,Skip,Sharing round" {
		t.Fatalf("start post buttons = %v", got)
	}
	mustContain(t, post.Content, "**Now:** <@"+order[0]+">", "**Next:** <@"+order[1]+">")

	t.Run("ErrMemberPresses", func(t *testing.T) {
		r := h.press(h.members[0], post, ids[0])
		mustEphemeral(t, r, "Only the group's facilitator and observer can move the round")
		if now := h.fake.Message(post.ID); now.Content != post.Content {
			t.Errorf("a member's press changed the post")
		}
	})
	t.Run("ErrForgedMeetingID", func(t *testing.T) {
		r := h.press(h.fac, post, "round:next:999999:0")
		mustEphemeral(t, r, "Only the group's facilitator and observer can move the round")
	})
	t.Run("NextMovesOnce", func(t *testing.T) {
		r := h.press(h.fac, post, ids[0])
		if r.Ephemeral || r.Message == nil {
			t.Fatalf("press did not edit the post: %+v", r)
		}
		got := h.fake.Message(post.ID)
		mustContain(t, got.Content, "**Now:** <@"+order[1]+">", "**Done:** <@"+order[0]+">")
		// The same (stale) button again, as after a double press or a
		// retry: nothing moves.
		h.press(h.obs, post, ids[0])
		if again := h.fake.Message(post.ID); again.Content != got.Content {
			t.Errorf("a stale press moved the round:\n%s", again.Content)
		}
	})
	t.Run("AcrossARestart", func(t *testing.T) {
		h.restart()
		cur := h.fake.Message(post.ID)
		h.press(h.obs, cur, buttonIDs(cur.Components)[1]) // Skip
		got := h.fake.Message(post.ID)
		mustContain(t, got.Content, "**Skipped:** <@"+order[1]+">", "**Now:** <@"+order[2]+">")
	})
	t.Run("SharingRound", func(t *testing.T) {
		cur := h.fake.Message(post.ID)
		h.press(h.fac, cur, buttonIDs(cur.Components)[2])
		got := h.fake.Message(post.ID)
		mustContain(t, got.Content, "sharing 1/2", "**Now:** <@"+m.Rota.Sharers[0]+">")
	})
	t.Run("ButtonsGoWhenTheMeetingEnds", func(t *testing.T) {
		h.advanceTo(meetingEnd)
		got := h.fake.Message(post.ID)
		mustContain(t, got.Content, "The meeting has ended.", "**Done:** <@"+order[0]+">")
		if ids := buttonIDs(got.Components); len(ids) != 0 {
			t.Errorf("the ended meeting's post still has buttons %v", ids)
		}
	})
}

func TestMeeting_Brief(t *testing.T) {
	h := start(t)
	g := h.scheduleGroup()
	a := &hearth.Alert{GuildID: h.guild, GroupID: g.ID, UserID: h.members[2], Urgency: hearth.UrgencyToday, Relapse: true,
		Note: canary, Status: hearth.AlertOpen, CreatedAt: h.now()}
	if err := h.app.DB.CreateAlert(h.ctx(), a, nil, nil); err != nil {
		t.Fatal(err)
	}
	h.setMember(g, h.members[4], func(m *hearth.Membership) { m.AwayUntil = firstMeeting.Add(time.Minute) })

	h.advanceTo(firstMeeting.Add(-61 * time.Minute))
	if n := len(h.dms(h.fac)); n != 0 {
		t.Fatalf("%d DMs before the brief is due", n)
	}
	h.advanceTo(firstMeeting.Add(-time.Hour))
	for _, p := range []string{h.fac, h.obs} {
		dm := h.waitDMs(p, 1)[0]
		mustContain(t, text(dm), "Brief for the **Anxiety Circle** meeting", "Away: <@"+h.members[4]+">",
			"1 raised, 1 still open", "relapse", "still open", "Last meetings: no earlier meetings")
		if strings.Contains(text(dm), "CANARY") {
			t.Errorf("the brief shows an alert note:\n%s", text(dm))
		}
	}
	t.Run("OnceAcrossARestart", func(t *testing.T) {
		h.restart()
		h.advanceTo(firstMeeting.Add(-30 * time.Minute))
		if a, b := len(h.dms(h.fac)), len(h.dms(h.obs)); a != 1 || b != 1 {
			t.Errorf("brief DMs after a restart: %d and %d, want 1 each", a, b)
		}
	})
}

func TestMeeting_BriefDMsClosed(t *testing.T) {
	h := start(t)
	h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID = h.staff })
	h.scheduleGroup()
	h.fake.CloseDMs(h.obs)
	h.advanceTo(firstMeeting.Add(-time.Hour))
	h.waitDMs(h.fac, 1)
	post := h.waitMessages(h.staff, 1)[0]
	mustContain(t, post.Content, "<@"+h.obs+">", "pre-meeting brief", "**Anxiety Circle**")
}

func TestNotes(t *testing.T) {
	const secret = "SESSIONNOTE-91c2 the group talked about the move"
	h := start(t)
	g := h.scheduleGroup()
	group := discordtest.Str("group", "Anxiety Circle")

	t.Run("ErrNoMeetingYet", func(t *testing.T) {
		mustEphemeral(t, h.slash(h.fac, "notes add", group), "has had no meeting yet")
	})
	h.advanceTo(firstMeeting.Add(10 * time.Minute))
	t.Run("ErrMember", func(t *testing.T) {
		mustEphemeral(t, h.slash(h.members[0], "notes add", group), "Only the facilitator and the observer of **Anxiety Circle**")
		mustEphemeral(t, h.slash(h.members[0], "notes show", group), "Only the facilitator and the observer of **Anxiety Circle**")
		r, err := h.fake.ModalSubmit(h.as(h.members[0]), "notes:add:"+strconv.FormatInt(g.ID, 10), map[string]string{"note": "forged"}).WaitFinal(h.ctx())
		if err != nil {
			t.Fatal(err)
		}
		mustEphemeral(t, r, "Only the group's facilitator and observer")
	})
	t.Run("AddOpensAModal", func(t *testing.T) {
		r := h.slash(h.fac, "notes add", group)
		if r.Type != discordgo.InteractionResponseModal || r.CustomID != "notes:add:"+strconv.FormatInt(g.ID, 10) {
			t.Fatalf("reply = type %d custom id %q", r.Type, r.CustomID)
		}
		sub, err := h.fake.ModalSubmit(h.as(h.fac), r.CustomID, map[string]string{"note": secret}).WaitFinal(h.ctx())
		if err != nil {
			t.Fatal(err)
		}
		mustEphemeral(t, sub, "Saved your session note")
	})
	t.Run("ShowToTheObserver", func(t *testing.T) {
		r := h.slash(h.obs, "notes show", group)
		mustEphemeral(t, r, secret, "Written by: <@"+h.fac+">")
	})
	t.Run("NeverStoredByDiscordNorLogged", func(t *testing.T) {
		for _, ch := range []string{h.channel, h.staff} {
			for _, p := range h.posts(ch) {
				if strings.Contains(text(p), "SESSIONNOTE") {
					t.Errorf("a stored message shows the note: %q", text(p))
				}
			}
		}
		for _, u := range append([]string{h.fac, h.obs}, h.members...) {
			for _, d := range h.dms(u) {
				if strings.Contains(text(d), "SESSIONNOTE") {
					t.Errorf("a DM shows the note: %q", text(d))
				}
			}
		}
		if strings.Contains(h.logs.String(), "SESSIONNOTE") {
			t.Error("the log shows the note")
		}
		b, err := os.ReadFile(h.cfg.Database.DSN)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "SESSIONNOTE") {
			t.Error("the database file holds the note in plain text")
		}
	})
}

func TestMeeting_PresenceRowsBounded(t *testing.T) {
	h := start(t)
	g, voice := h.voiceGroup()
	h.advanceTo(firstMeeting)
	m := h.firstMeetingOf(g)
	// Mutes, unmutes and camera toggles re-send a state in the same
	// channel: they must not add rows. Each leave and return adds one.
	for range 100 {
		h.voice(h.members[0], voice)
	}
	h.voice(h.members[0], "")
	h.voice(h.members[0], voice)
	ivs, err := h.app.DB.Presence(h.ctx(), m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ivs) != 2 {
		t.Fatalf("%d presence rows after 100 updates in one channel and one return, want 2", len(ivs))
	}
}

func TestMeeting_BriefGoesToTheCurrentPsychologists(t *testing.T) {
	h := start(t)
	h.scheduleGroup()
	r := h.slash(h.admin, "group edit", discordtest.Str("group", "Anxiety Circle"), discordtest.User("facilitator", h.lead))
	mustEphemeral(t, r, "Saved **Anxiety Circle**")
	h.advanceTo(firstMeeting.Add(-time.Hour))
	mustContain(t, text(h.waitDMs(h.lead, 1)[0]), "Brief for the **Anxiety Circle** meeting")
	h.waitDMs(h.obs, 1)
	for _, d := range h.dms(h.fac) {
		if strings.Contains(text(d), "Brief for") {
			t.Errorf("the replaced facilitator got the brief")
		}
	}
}

// briefDMs returns the DMs to user that are a pre-meeting brief.
func (h *harness) briefDMs(user string) []*discordgo.Message {
	var out []*discordgo.Message
	for _, d := range h.dms(user) {
		if strings.Contains(text(d), "Brief for the **Anxiety Circle** meeting") {
			out = append(out, d)
		}
	}
	return out
}

// TestMeeting_BriefLostAnswerAndRestart loses Discord's answer to both
// brief DMs (the DMs were created) and restarts hearth before the retry:
// each psychologist still has exactly one brief, because the retry carries
// the same nonce with enforce_nonce.
func TestMeeting_BriefLostAnswerAndRestart(t *testing.T) {
	h := start(t)
	h.scheduleGroup()
	chans := map[string]string{h.fac: h.fake.DMChannel(h.fac), h.obs: h.fake.DMChannel(h.obs)}
	for _, ch := range chans {
		h.fake.LoseResponseNext("POST", "/channels/"+ch+"/messages", 1)
	}
	h.advanceTo(firstMeeting.Add(-time.Hour))
	err := h.fake.WaitFor(h.ctx(), func() bool {
		return len(h.briefDMs(h.fac)) == 1 && len(h.briefDMs(h.obs)) == 1
	})
	if err != nil {
		t.Fatalf("the lost sends did not reach Discord: %v", err)
	}
	h.restart()
	h.advance(5 * time.Second) // past the retry backoff
	h.settle()
	h.advanceTo(firstMeeting.Add(-30 * time.Minute))
	for user, ch := range chans {
		if n := len(h.briefDMs(user)); n != 1 {
			t.Errorf("%d brief DMs to %s, want 1", n, user)
		}
		calls := h.fake.CallsTo("POST", "/channels/"+ch+"/messages")
		if len(calls) != 2 {
			t.Fatalf("%d sends of the brief to %s, want the lost one and one retry", len(calls), user)
		}
		var sends [2]struct {
			Nonce        string `json:"nonce"`
			EnforceNonce bool   `json:"enforce_nonce"`
		}
		for i, c := range calls {
			if err := json.Unmarshal(c.Body, &sends[i]); err != nil {
				t.Fatal(err)
			}
		}
		if sends[0].Nonce == "" || sends[0] != sends[1] || !sends[1].EnforceNonce {
			t.Errorf("brief sends to %s: %+v, want the same nonce, enforced", user, sends)
		}
	}
}

// TestMeeting_BriefOfAOneOff: /schedule once stores a meeting without
// brief jobs; the planner's next pass adds them and the brief arrives once.
func TestMeeting_BriefOfAOneOff(t *testing.T) {
	h := start(t)
	h.setupGroup()
	at := time.Date(2026, 3, 5, 19, 0, 0, 0, time.UTC) // 20:00 in Madrid
	mustEphemeral(t, h.scheduleCmd("once", discordtest.Str("at", "2026-03-05 20:00")), "one-off")
	h.advanceTo(at.Add(-time.Hour - 5*time.Minute))
	for range 2 { // the cron's pass and ours may both run: still one brief
		if _, err := h.app.Planner.PlanAll(h.ctx()); err != nil {
			t.Fatal(err)
		}
	}
	h.advanceTo(at.Add(-time.Hour))
	h.waitDMs(h.fac, 1)
	h.waitDMs(h.obs, 1)
	h.advanceTo(at.Add(-10 * time.Minute))
	for _, p := range []string{h.fac, h.obs} {
		if n := len(h.briefDMs(p)); n != 1 {
			t.Errorf("%d brief DMs to %s, want 1", n, p)
		}
	}
}

// TestMeeting_VoiceChannelGoneNoStaffChannel: a voice channel deleted
// before the meeting, in a server without a staff channel, is reported like
// a refused post: both psychologists by DM, each in their language, naming
// the group and what to fix, no member; once, and counted.
func TestMeeting_VoiceChannelGoneNoStaffChannel(t *testing.T) {
	h := start(t, withHTTP())
	_, voice := h.voiceGroup()
	if err := h.app.DB.SetUserLanguage(h.ctx(), h.guild, h.obs, "es", h.now()); err != nil {
		t.Fatal(err)
	}
	h.fake.DeleteChannel(voice)
	h.advanceTo(firstMeeting)
	// Each psychologist also has the brief: the report is the DM telling
	// what to fix.
	reports := func(user string) []string {
		var out []string
		for _, d := range h.dms(user) {
			if strings.Contains(d.Content, "/group edit voice") {
				out = append(out, d.Content)
			}
		}
		return out
	}
	err := h.fake.WaitFor(h.ctx(), func() bool { return len(reports(h.fac)) > 0 && len(reports(h.obs)) > 0 })
	if err != nil {
		t.Fatalf("no voice report by DM: %v", err)
	}
	fac, obs := reports(h.fac)[0], reports(h.obs)[0]
	mustContain(t, fac, "**Anxiety Circle**", "voice channel no longer exists")
	mustContain(t, obs, "**Anxiety Circle**", "su canal de voz ya no existe")
	noPrivate(t, h, fac, obs)
	h.wantMetric(`hearth_jobs_given_up_total{kind="meeting.voice",outcome="refused"}`, 1)
	t.Run("OncePerMeeting", func(t *testing.T) {
		h.restart()
		h.advanceTo(firstMeeting.Add(30 * time.Minute))
		if a, b := len(reports(h.fac)), len(reports(h.obs)); a != 1 || b != 1 {
			t.Errorf("voice reports: %d and %d DMs, want 1 each", a, b)
		}
	})
}
