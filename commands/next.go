package commands

import (
	"context"
	"strings"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// registerNext defines /next: a member's next meetings, with the sharers
// and their own place in the check-in order.
func (s *Service) registerNext(rt *Router) {
	rt.Define(Command{
		Name:        "next",
		Description: "Your group's next meetings: time, sharers and your place in the check-in order",
		Options:     []OptionDef{GroupOpt(false)},
	})
	rt.Handle("next", s.next)
}

func (s *Service) next(ctx context.Context, r *Request) (*Response, error) {
	g, err := s.group(ctx, r)
	if err != nil {
		return nil, err
	}
	ms, err := s.comingMeetings(ctx, g, now(r), 3)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return Ephemeral(r.T(locale.CmdNextNone, locale.A("Group", g.Name))), nil
	}
	m := ms[0]
	mr, err := s.rotaOf(ctx, g, m)
	if err != nil {
		return nil, err
	}
	rota := mr.Rota
	var head string
	var tail strings.Builder
	if m.Status == hearth.MeetingRunning {
		head = r.T(locale.CmdNextNow, locale.A("Group", g.Name), locale.A("Until", hearth.Timestamp(m.EndsAt, "t")))
	} else {
		head = r.T(locale.CmdNextMeets, locale.A("Group", g.Name), locale.A("When", hearth.Timestamp(m.StartsAt, "F")), locale.A("Relative", hearth.Timestamp(m.StartsAt, "R")))
	}
	switch pos := rota.Position(r.User.ID); {
	case pos > 0 && rota.IsSharer(r.User.ID):
		tail.WriteString(r.T(locale.CmdNextYouShare, locale.A("Place", pos)))
	case pos > 0:
		tail.WriteString(r.T(locale.CmdNextYourPlace, locale.A("Place", pos)))
	default:
		mem, err := s.Store.Membership(ctx, g.ID, r.User.ID)
		if err != nil {
			return nil, err
		}
		if mem.Away(m.StartsAt) {
			tail.WriteString(r.T(locale.CmdNextAway))
		} else {
			tail.WriteString(r.T(locale.CmdNextNotIn))
		}
	}
	if !mr.Fixed {
		tail.WriteString("\n" + r.T(locale.CmdNextNotFixed))
	}
	if len(ms) > 1 {
		tail.WriteString("\n" + r.T(locale.CmdNextAfter))
		for _, later := range ms[1:] {
			tail.WriteString("\n• " + hearth.DescribeMeetingIn(later, r.Lang))
		}
	}
	return ephemeralRota(r.Lang, head, rota, tail.String()), nil
}
