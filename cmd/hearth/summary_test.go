package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
)

// endedMeeting sets up a meeting that just ended: a fixed rota in which
// member 1 passed and member 3 took the turn, member 4 away, three
// check-ins (moods 4 and 2 and none; the second with the canary note), one
// alert since the previous meeting and one before it.
func endedMeeting(h *harness, g *hearth.Group) *hearth.Meeting {
	h.t.Helper()
	ctx := h.ctx()
	mb := h.members
	db := h.app.DB
	if _, err := db.UpdateMembership(ctx, g.ID, mb[3], func(m *hearth.Membership) error {
		m.AwayUntil = h.now().Add(time.Hour)
		return nil
	}); err != nil {
		h.t.Fatal(err)
	}
	prev := h.meetingAt(g, h.now().Add(-7*24*time.Hour), func(m *hearth.Meeting) { m.Status = hearth.MeetingDone })
	m := h.meetingAt(g, h.now().Add(-90*time.Minute), func(m *hearth.Meeting) {
		m.Rota = &hearth.Rota{Order: []string{mb[0], mb[1], mb[2], mb[4]}, Sharers: []string{mb[0], mb[2]}, Passed: []string{mb[1]}}
	})
	for _, c := range []*hearth.CheckIn{
		{MeetingID: m.ID, UserID: mb[0], Mood: 4},
		{MeetingID: m.ID, UserID: mb[1], Mood: 2, Note: canary},
		{MeetingID: m.ID, UserID: mb[2]},
	} {
		if err := db.CreateCheckIn(ctx, c); err != nil {
			h.t.Fatal(err)
		}
	}
	for _, at := range []time.Time{prev.EndsAt.Add(-time.Minute), prev.EndsAt.Add(time.Hour)} {
		a := &hearth.Alert{GuildID: h.guild, GroupID: g.ID, UserID: mb[4], Urgency: hearth.UrgencyLater, Status: hearth.AlertOpen, CreatedAt: at}
		if err := db.CreateAlert(ctx, a, nil, nil); err != nil {
			h.t.Fatal(err)
		}
	}
	return m
}

// sendSummary enqueues the summary jobs the meeting-end handler enqueues.
func sendSummary(h *harness, g *hearth.Group, m *hearth.Meeting) {
	h.t.Helper()
	if err := h.app.DB.EnqueueJobs(h.ctx(), hearth.SummaryJobs(m, g, h.now())...); err != nil {
		h.t.Fatal(err)
	}
	h.app.Engine.Wake()
	h.settle()
}

func TestSummary_DM(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	mb := h.members
	m := endedMeeting(h, g)
	sendSummary(h, g, m)

	for _, p := range []string{h.fac, h.obs} {
		dms := h.waitDMs(p, 1)
		got := text(dms[0])
		for _, want := range []string{
			"Summary of the **Anxiety Circle** meeting of " + hearth.Timestamp(m.StartsAt, "F"),
			"Attended: 3 of 4 members",
			"Average mood: 3.0 / 5 (from 2 of 3 check-ins)",
			"Shared: " + mentionsOf(mb[0], mb[2]),
			"Passed: " + mentionsOf(mb[1]),
			"Alerts since the last meeting: 1 (since",
		} {
			if !strings.Contains(got, want) {
				t.Errorf("summary DM to %s does not say %q:\n%s", p, want, got)
			}
		}
		for _, private := range []string{"mood 4", "mood 2", "4/5", "2/5"} {
			if strings.Contains(got, private) {
				t.Errorf("summary DM shows a member's own mood (%q):\n%s", private, got)
			}
		}
		if ids := buttonIDs(dms[0].Components); len(ids) != 1 || ids[0] != "summary:details:"+strconv.FormatInt(m.ID, 10) {
			t.Errorf("summary buttons = %v", ids)
		}
	}

	t.Run("EnqueuedTwiceSentOnce", func(t *testing.T) {
		sendSummary(h, g, m)
		if a, b := len(h.dms(h.fac)), len(h.dms(h.obs)); a != 1 || b != 1 {
			t.Errorf("summary DMs: %d and %d, want 1 each", a, b)
		}
	})
	t.Run("Details", func(t *testing.T) {
		dm := h.dms(h.obs)[0]
		r := h.press(h.obs, dm, buttonIDs(dm.Components)[0])
		mustEphemeral(t, r,
			"<@"+mb[0]+"> — ✅ attended · mood 4/5",
			"<@"+mb[1]+"> — ✅ attended · mood 2/5",
			"<@"+mb[2]+"> — ✅ attended · no mood given",
			"<@"+mb[3]+"> — away",
			"<@"+mb[4]+"> — not checked in",
			canary)
		log, err := h.app.DB.AuditLog(h.ctx(), h.guild, 5, 0)
		if err != nil || len(log) == 0 || log[0].Action != "summary.details" || log[0].ActorID != h.obs {
			t.Errorf("audit log = %+v, %v; want summary.details by the observer", log, err)
		}
	})
	t.Run("ErrDetailsByMember", func(t *testing.T) {
		dm := h.dms(h.fac)[0]
		r := h.press(mb[0], dm, buttonIDs(dm.Components)[0])
		mustEphemeral(t, r, "You cannot see the details of this meeting")
		if strings.Contains(replyText(r), "CANARY") || strings.Contains(replyText(r), "mood") || strings.Contains(replyText(r), "Anxiety Circle") {
			t.Errorf("a member saw the details: %q", replyText(r))
		}
	})
	if got := h.posts(h.channel); len(got) != 0 {
		t.Errorf("the summary posted %d messages in the group channel", len(got))
	}
	noCanary(t, h)
}

func TestSummary_RetryOneDM(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	m := endedMeeting(h, g)
	h.fake.FailNext("POST", "/channels/*/messages", 500, 2)
	sendSummary(h, g, m)
	if n := len(h.dms(h.fac)) + len(h.dms(h.obs)); n != 0 {
		t.Fatalf("%d summary DMs despite the failures", n)
	}
	h.advance(2 * time.Second)
	h.waitDMs(h.fac, 1)
	h.waitDMs(h.obs, 1)
	h.advance(time.Hour)
	h.settle()
	if a, b := len(h.dms(h.fac)), len(h.dms(h.obs)); a != 1 || b != 1 {
		t.Errorf("summary DMs after retries: %d and %d, want 1 each", a, b)
	}
}

func TestSummary_ClosedDMs(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	m := endedMeeting(h, g)
	h.fake.CloseDMs(h.fac)
	sendSummary(h, g, m)
	h.waitDMs(h.obs, 1)
	if n := len(h.dms(h.fac)); n != 0 {
		t.Errorf("facilitator with closed DMs got %d", n)
	}
	j, err := h.app.DB.Job(h.ctx(), "meeting:"+strconv.FormatInt(m.ID, 10)+":summary:"+h.fac)
	if err != nil || j.Status != hearth.JobCancelled {
		t.Errorf("job for the unreachable psychologist = %+v, %v; want cancelled", j, err)
	}
}

func TestSummary_DetailsManyNotes(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	ctx := h.ctx()
	m := h.meetingAt(g, h.now().Add(-2*time.Hour))
	// Fifteen long notes do not fit in one reply: the rest come behind
	// More notes, each note exactly once.
	var users []string
	for i := range 15 {
		u := h.user("long" + strconv.Itoa(i))
		users = append(users, u)
		if err := h.app.DB.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: u}); err != nil {
			t.Fatal(err)
		}
		note := "N" + strconv.Itoa(i) + "-" + strings.Repeat("x", hearth.MaxCheckInNote-4)
		if err := h.app.DB.CreateCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, UserID: u, Mood: 3, Note: note}); err != nil {
			t.Fatal(err)
		}
	}
	sendSummary(h, g, m)
	dm := h.waitDMs(h.fac, 1)[0]
	seen := map[string]int{}
	r := h.press(h.fac, dm, buttonIDs(dm.Components)[0])
	mustEphemeral(t, r, "15 checked in, 15 note(s)", "<@"+users[14]+"> — ✅ attended · mood 3/5")
	for page := 0; ; page++ {
		if page > 5 {
			t.Fatal("More notes never ends")
		}
		total := len(r.Content)
		for _, e := range r.Embeds {
			total += len(e.Title) + len(e.Description)
			for _, f := range e.Fields {
				total += len(f.Name) + len(f.Value)
				for i := range users {
					if strings.Contains(f.Value, "N"+strconv.Itoa(i)+"-") {
						seen["N"+strconv.Itoa(i)]++
					}
				}
			}
		}
		if total > 6000+len(r.Content) {
			t.Errorf("page %d holds %d characters, over Discord's embed limit", page, total)
		}
		ids := buttonIDs(r.Components)
		if len(ids) == 0 {
			break
		}
		r = h.press(h.fac, r.Message, ids[0])
		mustEphemeral(t, r, "More notes from the **Anxiety Circle** meeting")
	}
	for i := range users {
		if n := seen["N"+strconv.Itoa(i)]; n != 1 {
			t.Errorf("note %d shown %d times, want once", i, n)
		}
	}
}
