package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// TestLeave_FixedRota: a sharer of a rota fixed by the first reminder
// leaves the group (or erases their data); the next in line shares
// instead, and /rota show says so.
func TestLeave_FixedRota(t *testing.T) {
	for _, how := range []string{"leave", "privacy delete"} {
		t.Run(strings.ReplaceAll(how, " ", "-"), func(t *testing.T) {
			h := start(t)
			g := h.scheduleGroup()
			h.advanceTo(dayReminder) // fixes the rota of the first meeting
			ms, err := h.app.DB.UpcomingMeetings(h.ctx(), g.ID, h.now(), 1)
			if err != nil || len(ms) != 1 || ms[0].Rota == nil {
				t.Fatalf("no fixed rota: %v %v", ms, err)
			}
			before := ms[0].Rota
			leaver := before.Sharers[0]
			// The next in line: the first member of the order who does not share.
			members, err := h.app.DB.Members(h.ctx(), g.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := &hearth.Rota{Order: slices.Clone(before.Order), Sharers: slices.Clone(before.Sharers), Passed: []string{}}
			want.Remove(leaver, slices.DeleteFunc(members, func(m *hearth.Membership) bool { return m.UserID == leaver }), ms[0].StartsAt)
			if len(want.Sharers) != len(before.Sharers) {
				t.Fatalf("nobody to take the turn in this set-up: %+v", want)
			}

			switch how {
			case "leave":
				msg := h.askLeave(leaver, "Anxiety Circle")
				mustContain(t, h.press(leaver, msg, buttonIDs(msg.Components)[0]).Content, "You have left")
			default:
				r := h.slash(leaver, "privacy delete")
				mustContain(t, h.press(leaver, r.Message, buttonIDs(r.Components)[0]).Content, "erased")
			}

			viewer := want.Order[len(want.Order)-1]
			r := h.slash(viewer, "rota show", discordtest.Str("group", "Anxiety Circle"))
			mustEphemeral(t, r, "**Sharers:** "+mentionsOf(want.Sharers...))
			if strings.Contains(r.Content, "<@"+leaver+">") {
				t.Errorf("/rota show still names the member who left: %q", r.Content)
			}
			got, err := h.app.DB.Meeting(h.ctx(), ms[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Rota.Position(leaver) != 0 || got.Rota.IsSharer(leaver) || !slices.Equal(got.Rota.Sharers, want.Sharers) {
				t.Errorf("stored rota %+v, want %+v", got.Rota, want)
			}
		})
	}
}
