package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hearthbot/hearth"
)

// registerRoster defines /roster for a group's psychologists.
func (s *Service) registerRoster(rt *Router) {
	rt.Define(Command{
		Name:        "roster",
		Description: "Members, away status, sharing and attendance of your group (psychologists only)",
		Options:     []OptionDef{GroupOpt(false)},
	})
	rt.Handle("roster", s.roster)
}

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
	t := now(r)
	members, err := s.Store.Members(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	// The history that matters starts when the longest-standing member joined.
	since := t
	for _, mb := range members {
		since = minTime(since, mb.JoinedAt)
	}
	meetings, err := s.Store.MeetingsBetween(ctx, g.ID, since, t)
	if err != nil {
		return nil, err
	}
	checkIns, err := s.Store.GroupCheckIns(ctx, g.ID, since, t)
	if err != nil {
		return nil, err
	}
	if err := s.Store.Audit(ctx, audit(r, "roster.view", groupTarget(g))); err != nil {
		return nil, err
	}
	if len(members) == 0 {
		return Ephemeralf("**%s** has no members yet.", g.Name), nil
	}
	recs := records(members, meetings, checkIns, t)
	var b strings.Builder
	const limit = 3900 // an embed description holds 4096 characters
	for i, mb := range members {
		rec := recs[mb.UserID]
		line := fmt.Sprintf("%d. %s · joined %s · shared %d, passed %d · attended %s",
			i+1, hearth.Mention(mb.UserID), hearth.Timestamp(mb.JoinedAt, "d"), rec.shared, rec.passed, rate(rec.attended, rec.held))
		if rec.fromVoice > 0 {
			line += fmt.Sprintf(msgRosterFromVoice, rec.fromVoice)
		}
		if mb.AwayUntil.After(t) {
			line += " · **away** for meetings before " + hearth.Timestamp(mb.AwayUntil, "f")
		}
		if b.Len()+len(line) > limit {
			fmt.Fprintf(&b, "…and %d more.", len(members)-i)
			break
		}
		b.WriteString(line + "\n")
	}
	msg := hearth.Message{
		Content:   fmt.Sprintf("Roster of **%s**: %d members. Only you can see this.", g.Name, len(members)),
		Embeds:    []hearth.Embed{{Title: "Roster — " + g.Name, Description: b.String()}},
		Ephemeral: true,
	}
	return Reply(msg), nil
}

// rate renders attended of held as "3/4 (75%)".
func rate(attended, held int) string {
	if held == 0 {
		return "— (no meetings yet)"
	}
	return fmt.Sprintf("%d/%d (%d%%)", attended, held, attended*100/held)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
