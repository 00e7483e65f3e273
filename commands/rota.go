package commands

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// maxAway is the most meetings /rota away covers.
const maxAway = 8

// registerRota defines /rota show, pass and away.
func (s *Service) registerRota(rt *Router) {
	rt.Define(Command{
		Name:        "rota",
		Description: "Who checks in first and who shares at the next meeting",
		Options: []OptionDef{
			Sub("show", "Check-in order and sharers of the next meeting", GroupOpt(false)),
			Sub("pass", "Do not share at the next meeting; you keep your place at the front of the queue", GroupOpt(false)),
			Sub("away", "You will miss the next meetings: leave the rota and the reminders",
				GroupOpt(false), Int("meetings", "How many meetings you will miss (1–8, default 1)", false, 1, maxAway)),
		},
	})
	rt.Handle("rota show", s.rotaShow)
	rt.Handle("rota pass", s.rotaPass)
	rt.Handle("rota away", s.rotaAway)
}

// meetingRota is a meeting's rota as the rota commands need it.
type meetingRota struct {
	*hearth.Rota
	// Fixed is false for a rota computed now, which may change until the
	// first reminder fixes it.
	Fixed   bool
	Members []*hearth.Membership // the group's members
	Round   int                  // meetings of the group held before this one
}

// rotaOf returns the rota of m: the fixed one, or the one ComputeRota
// gives now.
func (s *Service) rotaOf(ctx context.Context, g *hearth.Group, m *hearth.Meeting) (*meetingRota, error) {
	members, err := s.Store.Members(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	round, err := s.Store.DoneMeetings(ctx, g.ID, m.StartsAt)
	if err != nil {
		return nil, err
	}
	out := &meetingRota{Rota: m.Rota, Fixed: m.Rota != nil, Members: members, Round: round}
	if !out.Fixed {
		out.Rota = hearth.ComputeRota(members, m.StartsAt, round, g.Sharers)
	}
	return out, nil
}

// rotaReply is the ephemeral reply that shows a meeting's rota to the
// caller, in r's language, after intro (which may be empty).
func rotaReply(r *Request, intro string, g *hearth.Group, m *hearth.Meeting, rota *hearth.Rota, fixed bool) *Response {
	userID := r.User.ID
	head := r.T(locale.CmdRotaHead, locale.A("Group", g.Name), locale.A("When", hearth.Timestamp(m.StartsAt, "F")), locale.A("Relative", hearth.Timestamp(m.StartsAt, "R")))
	if !fixed {
		head += r.T(locale.CmdRotaMayChange)
	}
	var tail string
	switch pos := rota.Position(userID); {
	case rota.IsSharer(userID):
		tail = r.T(locale.CmdRotaYouShare, locale.A("Place", pos))
	case slices.Contains(rota.Passed, userID):
		tail = r.T(locale.CmdRotaYouPassed, locale.A("Place", pos))
	case pos > 0:
		tail = r.T(locale.CmdRotaYourPlace, locale.A("Place", pos))
	default:
		tail = r.T(locale.CmdRotaNotIn)
	}
	return ephemeralRota(r.Lang, intro+head+":", rota, tail)
}

// ephemeralRota is an ephemeral reply of head, the rota's lines and tail:
// one message when it fits, else the rota split over the reply and its
// follow-ups (hearth.RotaParts), head after the Sharers line of the first
// part and tail at the end of the last, all in l. It pings nobody.
func ephemeralRota(l locale.Lang, head string, rota *hearth.Rota, tail string) *Response {
	sharers, order := hearth.RotaLines(rota, l)
	if text := head + "\n" + sharers + "\n" + order + "\n" + tail; hearth.TextLen(text) <= hearth.MaxContent {
		return Ephemeral(text)
	}
	// Split, head follows the Sharers line: it no longer introduces the rota.
	parts := hearth.RotaParts(rota, strings.TrimSuffix(head, ":")+".", tail, false, l)
	for i := range parts {
		parts[i].Ephemeral = true
	}
	return &Response{Message: parts[0], Followups: parts[1:]}
}

// groupAndMeeting resolves the caller's group and the meeting a rota
// command is about.
func (s *Service) groupAndMeeting(ctx context.Context, r *Request) (*hearth.Group, *hearth.Meeting, error) {
	g, err := s.group(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.meeting(ctx, g, now(r), currentOrNext)
	if err != nil {
		return nil, nil, err
	}
	if m == nil {
		return nil, nil, r.Err(hearth.ENOTFOUND, locale.CmdRotaNoMeeting, locale.A("Group", g.Name))
	}
	return g, m, nil
}

func (s *Service) rotaShow(ctx context.Context, r *Request) (*Response, error) {
	g, m, err := s.groupAndMeeting(ctx, r)
	if err != nil {
		return nil, err
	}
	rota, err := s.rotaOf(ctx, g, m)
	if err != nil {
		return nil, err
	}
	return rotaReply(r, "", g, m, rota.Rota, rota.Fixed), nil
}

// rotaPass gives the caller's turn to the next in line. A rota that was not
// fixed yet is fixed now, with the pass in it: otherwise the pass would be
// lost when the first reminder computes the rota again.
func (s *Service) rotaPass(ctx context.Context, r *Request) (*Response, error) {
	g, m, err := s.groupAndMeeting(ctx, r)
	if err != nil {
		return nil, err
	}
	rota, err := s.rotaOf(ctx, g, m)
	if err != nil {
		return nil, err
	}
	m, err = s.Store.UpdateMeeting(ctx, m.ID, func(cur *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
		if cur.Rota == nil {
			cur.Rota = hearth.ComputeRota(rota.Members, cur.StartsAt, rota.Round, g.Sharers)
		}
		return nil, nil, cur.Rota.Pass(r.User.ID, rota.Members, cur.StartsAt)
	})
	if err != nil {
		return nil, err
	}
	s.Log.Info("rota pass", "meeting", m.ID, "group", g.ID, "user", r.User.ID)
	return rotaReply(r, r.T(locale.CmdRotaPassed)+"\n\n", g, m, m.Rota, true), nil
}

// rotaAway makes the caller away for their next meetings: AwayUntil just
// after the start of the last one, and out of the rotas already fixed.
func (s *Service) rotaAway(ctx context.Context, r *Request) (*Response, error) {
	n, ok := r.Int("meetings")
	if !ok {
		n = 1
	}
	if n < 1 || n > maxAway {
		return nil, r.Err(hearth.EINVALID, locale.CmdRotaAwayRange, locale.A("Max", maxAway))
	}
	g, err := s.group(ctx, r)
	if err != nil {
		return nil, err
	}
	coming, err := s.comingMeetings(ctx, g, now(r), int(n)+1)
	if err != nil {
		return nil, err
	}
	var starts []time.Time
	for _, m := range coming {
		if m.StartsAt.After(now(r)) && len(starts) < int(n) {
			starts = append(starts, m.StartsAt)
		}
	}
	if len(starts) == 0 {
		return nil, r.Err(hearth.ENOTFOUND, locale.CmdRotaAwayNoMeeting, locale.A("Group", g.Name))
	}
	last := starts[len(starts)-1]
	until := last.Add(time.Second)
	member, _, err := s.Store.SetAway(ctx, g.ID, r.User.ID, now(r), until)
	if err != nil {
		return nil, err
	}
	s.Log.Info("rota away", "group", g.ID, "user", r.User.ID, "meetings", len(starts))
	var b strings.Builder
	switch {
	case member.AwayUntil.After(until):
		b.WriteString(r.T(locale.CmdRotaAwayAlready, locale.A("When", hearth.Timestamp(member.AwayUntil, "F"))))
	case len(starts) < int(n):
		b.WriteString(r.T(locale.CmdRotaAwayOnly, locale.A("N", len(starts)), locale.A("Group", g.Name), locale.A("When", hearth.Timestamp(last, "F"))))
	default:
		b.WriteString(r.T(locale.CmdRotaAwayNext, locale.A("N", n), locale.A("Group", g.Name), locale.A("When", hearth.Timestamp(last, "F"))))
	}
	// The rota of the next meeting, as SetAway left it.
	m, err := s.meeting(ctx, g, now(r), notStarted)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return Ephemeral(b.String()), nil
	}
	rota, err := s.rotaOf(ctx, g, m)
	if err != nil {
		return nil, err
	}
	b.WriteString("\n\n")
	return rotaReply(r, b.String(), g, m, rota.Rota, rota.Fixed), nil
}
