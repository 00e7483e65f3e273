package main

import (
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// meetingAt stores a meeting of g starting at start, changed by fn.
func (h *harness) meetingAt(g *hearth.Group, start time.Time, fn ...func(*hearth.Meeting)) *hearth.Meeting {
	h.t.Helper()
	m := &hearth.Meeting{GroupID: g.ID, StartsAt: start.UTC(), EndsAt: start.Add(g.Length()).UTC()}
	for _, f := range fn {
		f(m)
	}
	if err := h.app.DB.CreateMeeting(h.ctx(), m); err != nil {
		h.t.Fatalf("create meeting: %v", err)
	}
	return m
}

func checkin(h *harness, user string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordtest.Reply {
	h.t.Helper()
	return h.slash(user, "checkin", opts...)
}

func TestCheckIn(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	member := h.members[0]
	later := h.meetingAt(g, h.now().Add(3*time.Hour))

	t.Run("ErrNoMeetingInWindow", func(t *testing.T) {
		r := checkin(h, member, discordtest.Int("mood", 3))
		mustEphemeral(t, r, "No meeting of **Anxiety Circle** is open for check-in", "30 minutes before", hearth.Timestamp(later.StartsAt, "F"))
	})

	m := h.meetingAt(g, h.now().Add(20*time.Minute))

	t.Run("OK", func(t *testing.T) {
		r := checkin(h, member, discordtest.Int("mood", 4), discordtest.Str("note", canary))
		mustEphemeral(t, r, "checked in to the **Anxiety Circle** meeting", "4/5", "only you and the group's psychologists")
		if ids := buttonIDs(r.Components); len(ids) != 0 {
			t.Errorf("a good mood offers buttons %v", ids)
		}
		c, err := h.app.DB.CheckIn(h.ctx(), m.ID, member)
		if err != nil || c.Mood != 4 || c.Note != canary {
			t.Fatalf("stored check-in %+v, %v", c, err)
		}
	})
	t.Run("SecondUpdatesMood", func(t *testing.T) {
		r := checkin(h, member, discordtest.Int("mood", 2))
		mustEphemeral(t, r, "already checked in", "your mood was updated", "2/5")
		if got := buttonLabels(r.Components); len(got) != 1 || got[0] != "Let the psychologists know" {
			t.Errorf("a low mood offers buttons %q", got)
		}
		c, err := h.app.DB.CheckIn(h.ctx(), m.ID, member)
		if err != nil || c.Mood != 2 || c.Note != canary {
			t.Fatalf("after the update: %+v, %v; want mood 2 and the note kept", c, err)
		}
	})
	t.Run("SecondWithNothingNew", func(t *testing.T) {
		mustEphemeral(t, checkin(h, member), "already checked in", "run `/checkin` again")
	})
	t.Run("DuringTheMeeting", func(t *testing.T) {
		h.advance(time.Hour) // 40 minutes into the meeting
		mustEphemeral(t, checkin(h, h.members[1]), "✅ You are checked in")
	})
	t.Run("ErrAfterTheEnd", func(t *testing.T) {
		h.advance(51 * time.Minute) // ended a minute ago
		mustEphemeral(t, checkin(h, h.members[2]), "No meeting", hearth.Timestamp(later.StartsAt, "F"))
	})

	outsider := h.user("outsider")
	for _, tt := range []struct {
		name string
		user string
		opts []*discordgo.ApplicationCommandInteractionDataOption
		want string
	}{
		{"ErrMoodTooHigh", member, []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Int("mood", 6)}, "from 1 (very low) to 5"},
		{"ErrMoodZero", member, []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Int("mood", 0)}, "from 1 (very low) to 5"},
		{"ErrNoteTooLong", member, []*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("note", strings.Repeat("é", 501))}, "501 characters long; the limit is 500"},
		{"ErrNotMember", outsider, nil, "/join"},
		{"ErrPsychologist", h.fac, nil, "not in any group"},
	} {
		t.Run(tt.name, func(t *testing.T) { mustEphemeral(t, checkin(h, tt.user, tt.opts...), tt.want) })
	}
	if got := h.posts(h.channel); len(got) != 0 {
		t.Errorf("check-ins posted %d messages in the group channel", len(got))
	}
	noCanary(t, h)
}

func TestCheckIn_LowMoodAlert(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	h.meetingAt(g, h.now().Add(10*time.Minute))
	member := h.members[1]

	r := checkin(h, member, discordtest.Int("mood", 1), discordtest.Str("note", canary))
	mustEphemeral(t, r, "1/5", "/struggling")
	ids := buttonIDs(r.Components)
	if labels := buttonLabels(r.Components); len(ids) != 1 || !strings.HasPrefix(ids[0], "checkin:alert:") || labels[0] != "Let the psychologists know" {
		t.Fatalf("buttons = %v %q", ids, buttonLabels(r.Components))
	}

	t.Run("ErrOtherMember", func(t *testing.T) {
		mustEphemeral(t, h.press(h.members[2], r.Message, ids[0]), "belongs to someone else")
		h.settle()
		if n := len(h.dms(h.fac)); n != 0 {
			t.Fatalf("another member's press sent %d DMs", n)
		}
	})
	t.Run("OK", func(t *testing.T) {
		pr := h.press(member, r.Message, ids[0])
		mustEphemeral(t, pr, "sent privately to the psychologists of **Anxiety Circle**", "reach out today")
		for _, p := range []string{h.fac, h.obs} {
			got := text(h.waitDMs(p, 1)[0])
			for _, want := range []string{"<@" + member + ">", "Urgency: today", "Relapse: No", "Note: No note"} {
				if !strings.Contains(got, want) {
					t.Errorf("alert DM to %s does not show %q:\n%s", p, want, got)
				}
			}
		}
	})
	t.Run("ErrPressedTwice", func(t *testing.T) {
		mustEphemeral(t, h.press(member, r.Message, ids[0]), "already let the psychologists know")
		h.settle()
		if a, b := len(h.dms(h.fac)), len(h.dms(h.obs)); a != 1 || b != 1 {
			t.Errorf("DMs after two presses: %d and %d, want one alert", a, b)
		}
	})
	noCanary(t, h)
}
