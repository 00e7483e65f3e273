package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/hearthbot/hearth"
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
		return Ephemeralf("No meetings of **%s** are planned yet. The admins set them with `/schedule`.", g.Name), nil
	}
	m := ms[0]
	mr, err := s.rotaOf(ctx, g, m)
	if err != nil {
		return nil, err
	}
	rota := mr.Rota
	var b, tail strings.Builder
	if m.Status == hearth.MeetingRunning {
		fmt.Fprintf(&b, "**%s** is meeting now, until %s.", g.Name, hearth.Timestamp(m.EndsAt, "t"))
	} else {
		fmt.Fprintf(&b, "**%s** meets next %s (%s).", g.Name, hearth.Timestamp(m.StartsAt, "F"), hearth.Timestamp(m.StartsAt, "R"))
	}
	switch pos := rota.Position(r.User.ID); {
	case pos > 0 && rota.IsSharer(r.User.ID):
		fmt.Fprintf(&tail, "You are **number %d** in the check-in order, and you are sharing. If you'd rather not this time, use `/rota pass`.", pos)
	case pos > 0:
		fmt.Fprintf(&tail, "You are **number %d** in the check-in order.", pos)
	default:
		mem, err := s.Store.Membership(ctx, g.ID, r.User.ID)
		if err != nil {
			return nil, err
		}
		if mem.Away(m.StartsAt) {
			tail.WriteString("You are away for this meeting, so you are not in the rota.")
		} else {
			tail.WriteString("You are not in the check-in order of this meeting.")
		}
	}
	if !mr.Fixed {
		tail.WriteString("\n-# The rota is fixed when the first reminder is posted; until then it may change.")
	}
	if len(ms) > 1 {
		tail.WriteString("\n**After that:**")
		for _, later := range ms[1:] {
			tail.WriteString("\n• " + hearth.DescribeMeeting(later))
		}
	}
	return ephemeralRota(b.String(), rota, tail.String()), nil
}
