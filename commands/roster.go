package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// registerRoster defines /roster for a group's psychologists.
func (s *Service) registerRoster(rt *Router) {
	rt.Define(Command{
		Name:        "roster",
		scope:       scopePsychologist,
		Description: "Members, away status, sharing and attendance of your group (psychologists only)",
		Options:     []OptionDef{GroupOpt(false)},
	})
	rt.Handle("roster", s.roster)
	rt.Component("roster:page", s.rosterPage)
}

// rosterPageSize is how many members one page of /roster shows: a line
// is at most about 160 characters, so a page stays well within an embed
// description (4,096) and a message's embeds (6,000).
const rosterPageSize = 20

// held reports whether a meeting took place by t: it ended and was not
// cancelled.
func held(m *hearth.Meeting, t time.Time) bool {
	return m.Status != hearth.MeetingCancelled && !m.EndsAt.After(t)
}

// memberRecord is one member's history in the group.
type memberRecord struct {
	shared, passed, attended, held int
	fromVoice                      int // of attended: from voice presence (§12)
}

// records counts, per member, the shares and passes recorded in the rotas
// of the meetings held, and the check-ins to the meetings held since they
// joined. Shares are counted from the rotas because Membership.Shares is a
// place in the queue, not a count (see hearth.JoinBaseline).
func records(members []*hearth.Membership, meetings []*hearth.Meeting, checkIns []*hearth.CheckIn, t time.Time) map[string]*memberRecord {
	out := map[string]*memberRecord{}
	for _, mb := range members {
		out[mb.UserID] = &memberRecord{}
	}
	heldIDs := map[int64]bool{}
	for _, m := range meetings {
		if !held(m, t) {
			continue
		}
		heldIDs[m.ID] = true
		for _, mb := range members {
			if !m.StartsAt.Before(mb.JoinedAt) {
				out[mb.UserID].held++
			}
		}
		if m.Rota == nil {
			continue
		}
		for _, id := range m.Rota.Sharers {
			if rec := out[id]; rec != nil {
				rec.shared++
			}
		}
		for _, id := range m.Rota.Passed {
			if rec := out[id]; rec != nil {
				rec.passed++
			}
		}
	}
	for _, c := range checkIns {
		if rec := out[c.UserID]; rec != nil && heldIDs[c.MeetingID] {
			rec.attended++
			if c.FromPresence {
				rec.fromVoice++
			}
		}
	}
	return out
}

func (s *Service) roster(ctx context.Context, r *Request) (*Response, error) {
	g, err := s.group(ctx, r)
	if err != nil {
		return nil, err
	}
	msg, err := s.rosterMessage(ctx, r, g, 0)
	if err != nil {
		return nil, err
	}
	return Reply(msg), nil
}

// rosterPage shows another page of a roster: the button's message is
// edited. The group comes from the custom id, so the caller is checked
// again as for the command: a group of another server, an unknown one and
// one the caller does not coordinate get the same refusal.
func (s *Service) rosterPage(ctx context.Context, r *Request) (*Response, error) {
	id, err1 := strconv.ParseInt(r.Arg("roster:page", 0), 10, 64)
	page, err2 := strconv.Atoi(r.Arg("roster:page", 1))
	g, err := s.Store.Group(ctx, id)
	if err1 != nil || err2 != nil || page < 0 || hearth.ErrorCode(err) == hearth.ENOTFOUND ||
		(err == nil && (g.GuildID != r.GuildID || !g.IsPsychologist(r.User.ID))) {
		return nil, r.Err(hearth.EFORBIDDEN, locale.CmdRosterRefused)
	} else if err != nil {
		return nil, err
	}
	msg, err := s.rosterMessage(ctx, r, g, page)
	if err != nil {
		return nil, err
	}
	return Update(msg), nil
}

// rosterMessage renders page (from 0) of a group's roster, with buttons to
// the pages before and after it, and audits the view.
func (s *Service) rosterMessage(ctx context.Context, r *Request, g *hearth.Group, page int) (hearth.Message, error) {
	t := now(r)
	members, err := s.Store.Members(ctx, g.ID)
	if err != nil {
		return hearth.Message{}, err
	}
	// The history that matters starts when the longest-standing member joined.
	since := t
	for _, mb := range members {
		since = minTime(since, mb.JoinedAt)
	}
	meetings, err := s.Store.MeetingsBetween(ctx, g.ID, since, t)
	if err != nil {
		return hearth.Message{}, err
	}
	checkIns, err := s.Store.GroupCheckIns(ctx, g.ID, since, t)
	if err != nil {
		return hearth.Message{}, err
	}
	if err := s.Store.Audit(ctx, audit(r, "roster.view", groupTarget(g))); err != nil {
		return hearth.Message{}, err
	}
	if len(members) == 0 {
		return hearth.Message{Content: r.T(locale.CmdRosterEmpty, locale.A("Group", g.Name)), Ephemeral: true}, nil
	}
	pages := (len(members) + rosterPageSize - 1) / rosterPageSize
	page = min(page, pages-1)
	recs := records(members, meetings, checkIns, t)
	var b strings.Builder
	for i := page * rosterPageSize; i < min(len(members), (page+1)*rosterPageSize); i++ {
		mb := members[i]
		rec := recs[mb.UserID]
		b.WriteString(r.T(locale.CmdRosterLine, locale.A("N", i+1), locale.A("Member", hearth.Mention(mb.UserID)),
			locale.A("Joined", hearth.Timestamp(mb.JoinedAt, "d")), locale.A("Shared", rec.shared), locale.A("Passed", rec.passed),
			locale.A("Rate", rate(r.Lang, rec.attended, rec.held))))
		if rec.fromVoice > 0 {
			b.WriteString(r.T(locale.CmdRosterFromVoice, locale.A("N", rec.fromVoice)))
		}
		if mb.AwayUntil.After(t) {
			b.WriteString(r.T(locale.CmdRosterAway, locale.A("When", hearth.Timestamp(mb.AwayUntil, "f"))))
		}
		b.WriteString("\n")
	}
	title := r.T(locale.CmdRosterTitle, locale.A("Group", g.Name))
	if pages > 1 {
		title += r.T(locale.CmdCommonPageOf, locale.A("Page", page+1), locale.A("Pages", pages))
	}
	msg := hearth.Message{
		Content:   r.T(locale.CmdRosterContent, locale.A("Group", g.Name), locale.A("N", len(members))),
		Embeds:    []hearth.Embed{{Title: title, Description: b.String()}},
		Ephemeral: true,
	}
	if pages > 1 {
		route := "roster:page:" + strconv.FormatInt(g.ID, 10) + ":"
		msg.Buttons = [][]hearth.Button{{
			{Label: r.T(locale.CmdCommonPreviousArrow), CustomID: route + strconv.Itoa(page-1), Style: hearth.ButtonSecondary, Disabled: page == 0},
			{Label: r.T(locale.CmdCommonNextArrow), CustomID: route + strconv.Itoa(page+1), Style: hearth.ButtonSecondary, Disabled: page == pages-1},
		}}
	}
	return msg, nil
}

// rate renders attended of held as "3/4 (75%)", in l.
func rate(l locale.Lang, attended, held int) string {
	if held == 0 {
		return l.T(locale.CmdRosterNoMeetings)
	}
	return fmt.Sprintf("%d/%d (%d%%)", attended, held, attended*100/held)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
