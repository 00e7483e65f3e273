package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// mentionsOf renders user ids as the rota lines show them.
func mentionsOf(ids ...string) string {
	ms := make([]string, len(ids))
	for i, id := range ids {
		ms[i] = "<@" + id + ">"
	}
	return strings.Join(ms, ", ")
}

func TestRota_ShowAndPass(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	mb := h.members
	// One meeting already took place, so the check-in order starts with the
	// second member (round 1).
	h.meetingAt(g, h.now().Add(-7*24*time.Hour), func(m *hearth.Meeting) { m.Status = hearth.MeetingDone })
	m := h.meetingAt(g, h.now().Add(2*24*time.Hour))

	t.Run("ShowNotFixed", func(t *testing.T) {
		r := h.slash(mb[2], "rota show")
		mustEphemeral(t, r, "(may change until the first reminder)",
			"**Sharers:** "+mentionsOf(mb[1], mb[0]), // in check-in order
			"**Check-in order:** 1. <@"+mb[1]+"> 2. <@"+mb[2]+">",
			"You are number 2 in the check-in order")
		if len(r.AllowedMentions.Users) != 0 || len(r.AllowedMentions.Parse) != 0 {
			t.Errorf("the rota pings people: %+v", r.AllowedMentions)
		}
	})
	t.Run("ErrPassByNonSharer", func(t *testing.T) {
		mustEphemeral(t, h.slash(mb[4], "rota pass"), "You are not sharing at the next meeting")
		got, _ := h.app.DB.Meeting(h.ctx(), m.ID)
		if got.Rota != nil {
			t.Errorf("a refused pass fixed the rota: %+v", got.Rota)
		}
	})
	t.Run("Pass", func(t *testing.T) {
		r := h.slash(mb[0], "rota pass")
		mustEphemeral(t, r, "You passed your turn", "**Sharers:** "+mentionsOf(mb[1], mb[2]), "You passed your turn at this meeting")
		if strings.Contains(r.Content, "may change") {
			t.Errorf("a pass fixes the rota, yet the reply says it may change: %q", r.Content)
		}
		got, _ := h.app.DB.Meeting(h.ctx(), m.ID)
		if got.Rota == nil || !slices.Equal(got.Rota.Passed, []string{mb[0]}) || !slices.Equal(got.Rota.Sharers, []string{mb[1], mb[2]}) {
			t.Fatalf("stored rota = %+v", got.Rota)
		}
	})
	t.Run("ErrPassTwice", func(t *testing.T) {
		mustEphemeral(t, h.slash(mb[0], "rota pass"), "already passed")
	})
	t.Run("ShowFixed", func(t *testing.T) {
		r := h.slash(mb[2], "rota show")
		mustEphemeral(t, r, "**Sharers:** "+mentionsOf(mb[1], mb[2]), "You share at this meeting")
		if strings.Contains(r.Content, "may change") {
			t.Errorf("a fixed rota is said to change: %q", r.Content)
		}
	})
	t.Run("ErrNotMember", func(t *testing.T) {
		mustEphemeral(t, h.slash(h.user("outsider"), "rota show"), "/join")
	})
	if got := h.posts(h.channel); len(got) != 0 {
		t.Errorf("rota commands posted %d messages in the channel", len(got))
	}
}

func TestRota_Away(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	mb := h.members
	ctx := h.ctx()
	members, err := h.app.DB.Members(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	week := 7 * 24 * time.Hour
	first := h.meetingAt(g, h.now().Add(24*time.Hour), func(m *hearth.Meeting) { m.Rota = hearth.ComputeRota(members, m.StartsAt, 0, 2) })
	second := h.meetingAt(g, first.StartsAt.Add(week))
	third := h.meetingAt(g, second.StartsAt.Add(week))

	t.Run("ErrMeetingsOutOfRange", func(t *testing.T) {
		for _, n := range []int64{0, 9} {
			mustEphemeral(t, h.slash(mb[0], "rota away", discordtest.Int("meetings", n)), "from 1 to 8", "Nothing was changed")
		}
		if m, _ := h.app.DB.Membership(ctx, g.ID, mb[0]); !m.AwayUntil.IsZero() {
			t.Errorf("a refused away changed the membership: %v", m.AwayUntil)
		}
	})
	t.Run("OK", func(t *testing.T) {
		r := h.slash(mb[0], "rota away", discordtest.Int("meetings", 2))
		mustEphemeral(t, r, "away for the next 2 meeting(s)", hearth.Timestamp(second.StartsAt, "F"),
			"**Sharers:** "+mentionsOf(mb[1], mb[2]), "You are not in this rota")
		m, _ := h.app.DB.Membership(ctx, g.ID, mb[0])
		if !m.Away(first.StartsAt) || !m.Away(second.StartsAt) || m.Away(third.StartsAt) {
			t.Errorf("away until %v: want away for the first two meetings only", m.AwayUntil)
		}
		got, _ := h.app.DB.Meeting(ctx, first.ID)
		if got.Rota.Position(mb[0]) != 0 {
			t.Errorf("still in the fixed rota: %+v", got.Rota)
		}
	})
	t.Run("DefaultOne", func(t *testing.T) {
		mustEphemeral(t, h.slash(mb[3], "rota away"), "away for the next 1 meeting(s)", hearth.Timestamp(first.StartsAt, "F"))
		m, _ := h.app.DB.Membership(ctx, g.ID, mb[3])
		if !m.Away(first.StartsAt) || m.Away(second.StartsAt) {
			t.Errorf("away until %v: want the first meeting only", m.AwayUntil)
		}
	})
	t.Run("NeverShortens", func(t *testing.T) {
		mustEphemeral(t, h.slash(mb[0], "rota away", discordtest.Int("meetings", 1)), "already away for longer")
	})
	t.Run("BeyondThePlannedMeetings", func(t *testing.T) {
		// Meetings are planned two weeks ahead; the schedule says when the
		// later ones will be. first is on a Tuesday at 10:00 in Madrid.
		_, err := h.app.DB.UpdateGroup(ctx, g.ID, func(g *hearth.Group) error {
			g.Schedule, g.ScheduleSetAt = "every tuesday at 10:00", h.now()
			return nil
		}, hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "schedule.set"})
		if err != nil {
			t.Fatal(err)
		}
		// The fifth is on 31 March, after the change to summer time: 10:00
		// in Madrid is then 08:00 UTC, not 09:00.
		madrid, _ := time.LoadLocation("Europe/Madrid")
		fifth := time.Date(2026, 3, 31, 10, 0, 0, 0, madrid)
		if got := third.StartsAt.Add(2 * week); got.Sub(fifth) != time.Hour {
			t.Fatalf("setup: third meeting at %v", third.StartsAt)
		}
		mustEphemeral(t, h.slash(mb[4], "rota away", discordtest.Int("meetings", 5)), "away for the next 5 meeting(s)", hearth.Timestamp(fifth, "F"))
		m, _ := h.app.DB.Membership(ctx, g.ID, mb[4])
		if !m.Away(fifth) || m.Away(fifth.Add(week)) {
			t.Errorf("away until %v, want just after %v", m.AwayUntil, fifth)
		}
	})
}
