package main

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/chart"
	"github.com/hearthbot/hearth/chart/charttest"
	"github.com/hearthbot/hearth/discordtest"
)

// history stores five weekly meetings before now: four held and one
// cancelled, with check-ins (moods at three of them), plus a meeting ahead
// and one 20 weeks ago.
func history(h *harness, g *hearth.Group) []*hearth.Meeting {
	h.t.Helper()
	ctx := h.ctx()
	mb := h.members
	week := 7 * 24 * time.Hour
	h.meetingAt(g, h.now().Add(-20*week), func(m *hearth.Meeting) { m.Status = hearth.MeetingDone })
	var held []*hearth.Meeting
	for i := 5; i >= 1; i-- {
		m := h.meetingAt(g, h.now().Add(-time.Duration(i)*week), func(m *hearth.Meeting) {
			m.Status = hearth.MeetingDone
			m.Rota = &hearth.Rota{Order: mb, Sharers: []string{mb[i%4]}, Passed: []string{}}
			if i == 1 {
				m.Rota.Passed = []string{mb[3]}
			}
			if i == 3 {
				m.Status, m.Rota = hearth.MeetingCancelled, nil
			}
		})
		if i != 3 {
			held = append(held, m)
		}
	}
	h.meetingAt(g, h.now().Add(week))
	checkIns := map[int][]hearth.CheckIn{ // by index in held
		0: {{UserID: mb[0], Mood: 4}, {UserID: mb[1], Mood: 2}, {UserID: mb[2]}},
		1: {{UserID: mb[0], Mood: 5}, {UserID: mb[1]}},
		2: {{UserID: mb[0]}},
		3: {{UserID: mb[0], Mood: 3}, {UserID: mb[2], Mood: 3, Note: canary}, {UserID: mb[3], Mood: 1}, {UserID: mb[4], Mood: 5}},
	}
	for i, cs := range checkIns {
		for _, c := range cs {
			c.MeetingID = held[i].ID
			if err := h.app.DB.CreateCheckIn(ctx, &c); err != nil {
				h.t.Fatal(err)
			}
		}
	}
	return held
}

func TestReport(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	held := history(h, g)

	t.Run("OK", func(t *testing.T) {
		r := h.slash(h.fac, "report", discordtest.Int("weeks", 12))
		madrid, _ := time.LoadLocation("Europe/Madrid")
		mustEphemeral(t, r, "**Report of Anxiety Circle** — last 12 week(s), 4 meeting(s), 2.5 attended on average, average mood 3.3/5",
			held[0].StartsAt.In(madrid).Format("Mon 2 Jan 15:04"), "Attended")
		if len(r.Files) != 1 || r.Files[0].ContentType != "image/png" {
			t.Fatalf("files = %d, want one PNG", len(r.Files))
		}
		img, err := png.Decode(bytes.NewReader(r.Files[0].Data))
		if err != nil {
			t.Fatalf("the chart is not a PNG: %v", err)
		}
		if got := img.Bounds().Size(); got != image.Pt(chart.Width, chart.Height) {
			t.Errorf("chart size %v, want %dx%d", got, chart.Width, chart.Height)
		}
		// Four meetings held (the cancelled and the one 20 weeks ago are
		// left out); three of them with a mood.
		if n := charttest.Points(img, chart.AttendanceColor); n != 4 {
			t.Errorf("%d attendance points drawn, want 4", n)
		}
		if n := charttest.Points(img, chart.MoodColor); n != 3 {
			t.Errorf("%d mood points drawn, want 3", n)
		}
	})
	t.Run("FewerWeeks", func(t *testing.T) {
		r := h.slash(h.obs, "report", discordtest.Int("weeks", 2))
		mustEphemeral(t, r, "2 meeting(s)")
		img, err := png.Decode(bytes.NewReader(r.Files[0].Data))
		if err != nil {
			t.Fatal(err)
		}
		if n := charttest.Points(img, chart.AttendanceColor); n != 2 {
			t.Errorf("%d attendance points drawn, want 2", n)
		}
	})
	t.Run("Audited", func(t *testing.T) {
		log, err := h.app.DB.AuditLog(h.ctx(), h.guild, 1, 0)
		if err != nil || len(log) != 1 || log[0].Action != "report.view" {
			t.Errorf("audit log = %+v, %v", log, err)
		}
	})
	for _, tt := range []struct {
		name, user string
		weeks      int64
		want       string
	}{
		{"ErrMember", h.members[0], 12, "not the facilitator or observer of any group"},
		{"ErrWeeksZero", h.fac, 0, "from 1 to 52"},
		{"ErrWeeksTooMany", h.fac, 53, "from 1 to 52"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := h.slash(tt.user, "report", discordtest.Int("weeks", tt.weeks))
			mustEphemeral(t, r, tt.want)
			if len(r.Files) != 0 {
				t.Errorf("a refused report attached %d files", len(r.Files))
			}
		})
	}
	t.Run("ErrOtherGroupsPsychologist", func(t *testing.T) {
		other := &hearth.Group{GuildID: h.guild, Name: "Phobia Group", ChannelID: h.channel, FacilitatorID: h.lead, ObserverID: h.admin,
			Timezone: "UTC", LengthMinutes: 60, ReminderOffsets: []time.Duration{time.Hour}, Sharers: 1}
		if err := h.app.DB.CreateGroup(h.ctx(), other, hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "group.create"}); err != nil {
			t.Fatal(err)
		}
		mustEphemeral(t, h.slash(h.lead, "report", discordtest.Str("group", "Anxiety Circle")), "Only the facilitator and the observer of **Anxiety Circle**")
	})
	noCanary(t, h)
}

func TestReport_Empty(t *testing.T) {
	h := start(t)
	h.setupGroup()
	r := h.slash(h.fac, "report")
	mustEphemeral(t, r, "nothing to report yet", "12 week(s)")
	if len(r.Files) != 0 {
		t.Errorf("an empty report attached %d files", len(r.Files))
	}
}

func TestRoster(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	mb := h.members
	history(h, g)
	// Members 1–4 joined 30 weeks ago; member 5 two weeks ago, and is away.
	for i, u := range mb {
		if _, err := h.app.DB.UpdateMembership(h.ctx(), g.ID, u, func(m *hearth.Membership) error {
			m.JoinedAt = h.now().Add(-30 * 7 * 24 * time.Hour)
			if i == 4 {
				m.JoinedAt = h.now().Add(-15 * 24 * time.Hour)
				m.AwayUntil = h.now().Add(8 * 24 * time.Hour)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("OK", func(t *testing.T) {
		r := h.slash(h.obs, "roster")
		got := replyText(r)
		mustEphemeral(t, r, "Roster of **Anxiety Circle**: 5 members")
		// Five meetings were held (the one 20 weeks ago too; not the
		// cancelled one); member 5 was there for the last two.
		for _, want := range []string{
			"1. <@" + mb[0] + "> · joined " + hearth.Timestamp(h.now().Add(-30*7*24*time.Hour), "d") + " · shared 1, passed 0 · attended 4/5 (80%)\n",
			"2. <@" + mb[1] + "> · joined <t:", "· shared 2, passed 0 · attended 2/5 (40%)\n",
			"4. <@" + mb[3] + "> · joined <t:", "· shared 0, passed 1 · attended 1/5 (20%)\n",
			"5. <@" + mb[4] + "> · joined <t:", "· shared 0, passed 0 · attended 1/2 (50%) · **away** for meetings before " + hearth.Timestamp(h.now().Add(8*24*time.Hour), "f"),
		} {
			if !strings.Contains(got, want) {
				t.Errorf("roster does not say %q:\n%s", want, got)
			}
		}
		log, err := h.app.DB.AuditLog(h.ctx(), h.guild, 1, 0)
		if err != nil || len(log) != 1 || log[0].Action != "roster.view" || log[0].ActorID != h.obs {
			t.Errorf("audit log = %+v, %v", log, err)
		}
	})
	t.Run("ErrMember", func(t *testing.T) {
		mustEphemeral(t, h.slash(mb[0], "roster", discordtest.Str("group", "Anxiety Circle")), "Only the facilitator and the observer")
	})
	t.Run("ErrNotInGuildGroups", func(t *testing.T) {
		mustEphemeral(t, h.slash(mb[0], "roster"), "not the facilitator or observer of any group")
	})
	noCanary(t, h)
}
