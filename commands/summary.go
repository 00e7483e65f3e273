package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// Budgets of the details reply, within Discord's embed limits (a description
// of 4096 characters, 25 fields of 1024, 6000 in all).
const (
	detailsTableBudget = 3500
	detailsTotalBudget = 5800
	detailsMaxNotes    = 20
)

// registerSummary routes the Details button of the summary DM (the DM
// itself is sent by the scheduler: scheduler/summary.go).
func (s *Service) registerSummary(rt *Router) {
	rt.Component("summary:details", s.summaryDetails)
}

// summaryDetails shows a meeting's psychologists each member's attendance,
// mood and check-in note, in an ephemeral reply. Notes that do not fit come
// in further pages behind a More notes button ("summary:details:ID:FROM").
// Only the people the summary was sent to see them, and only while they are
// psychologists of the group (SPEC §6); a psychologist who joined later sees
// the totals. Whatever the ids a client sends, unknown and foreign meetings
// get the same refusal, and malformed ids an answer.
func (s *Service) summaryDetails(ctx context.Context, r *Request) (*Response, error) {
	id, err := strconv.ParseInt(r.Arg("summary:details", 0), 10, 64)
	if err != nil || id <= 0 {
		return nil, r.Err(hearth.EINVALID, locale.ErrorButtonInvalid)
	}
	from := 0
	if p := r.Arg("summary:details", 1); p != "" {
		if from, err = strconv.Atoi(p); err != nil || from < 0 || from > detailsMaxFrom {
			return nil, r.Err(hearth.EINVALID, locale.CmdSummaryBadPage)
		}
	}
	refused := r.Err(hearth.EFORBIDDEN, locale.CmdSummaryRefused)
	m, g, err := s.meetingOfButton(ctx, r, id, refused)
	if err != nil {
		return nil, err
	}
	sentTo, err := s.Store.IsSummaryRecipient(ctx, m.ID, r.User.ID)
	if err != nil {
		return nil, err
	}
	checkIns, err := s.Store.CheckIns(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	if !sentTo {
		return detailsTotals(r.Lang, g, m, checkIns), nil
	}
	notes := 0
	for _, c := range checkIns {
		if c.Note != "" {
			notes++
		}
	}
	if from > 0 && from >= notes {
		return nil, r.Err(hearth.EINVALID, locale.CmdSummaryBadPage)
	}
	members, err := s.Store.Members(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	au := audit(r, "summary.details", "meeting:"+strconv.FormatInt(m.ID, 10))
	au.GuildID = g.GuildID // the button is in a DM
	if err := s.Store.Audit(ctx, au); err != nil {
		return nil, err
	}
	resp := detailsReply(r.Lang, g, m, members, checkIns, from)
	if from == 0 {
		if err := s.sessionNotesButton(ctx, r.Lang, resp, m); err != nil {
			return nil, err
		}
	}
	return resp, nil
}

// detailsMaxFrom bounds the note index a More notes button may carry.
const detailsMaxFrom = 10000

// detailsTotals answers a psychologist the summary was not sent to (they
// joined the group later): totals and the average mood, no member; in l.
func detailsTotals(l locale.Lang, g *hearth.Group, m *hearth.Meeting, checkIns []*hearth.CheckIn) *Response {
	sum := hearth.Summarize(g, m, 0, checkIns)
	mood := l.T(locale.CmdSummaryMoodNotGiven)
	if sum.Moods > 0 {
		mood = l.T(locale.CmdSummaryMoodAverage, locale.A("Average", fmt.Sprintf("%.1f", sum.AvgMood)), locale.A("N", sum.Moods))
	}
	return Ephemeral(l.T(locale.CmdSummaryTotalsOnly, locale.A("Group", g.Name), locale.A("When", hearth.Timestamp(m.StartsAt, "F")),
		locale.A("Attended", sum.Attended), locale.A("Mood", mood)))
}

// detailsReply renders one page of a meeting's details: the attendance
// table on the first page, and the notes from index from on; in l.
func detailsReply(l locale.Lang, g *hearth.Group, m *hearth.Meeting, members []*hearth.Membership, checkIns []*hearth.CheckIn, from int) *Response {
	byUser := map[string]*hearth.CheckIn{}
	var notes []*hearth.CheckIn
	for _, c := range checkIns {
		byUser[c.UserID] = c
		if c.Note != "" {
			notes = append(notes, c)
		}
	}
	embed := hearth.Embed{Title: l.T(locale.CmdSummaryTitle, locale.A("Group", g.Name))}
	if from == 0 {
		var b strings.Builder
		line := func(s string) {
			if b.Len()+len(s) <= detailsTableBudget {
				b.WriteString(s + "\n")
			}
		}
		listed := map[string]bool{}
		for _, mb := range members {
			listed[mb.UserID] = true
			c := byUser[mb.UserID]
			switch {
			case c != nil:
				line(l.T(locale.CmdSummaryAttended, locale.A("Member", hearth.Mention(mb.UserID)), locale.A("Mood", moodText(l, c))))
			case mb.Away(m.StartsAt):
				line(l.T(locale.CmdSummaryAway, locale.A("Member", hearth.Mention(mb.UserID))))
			default:
				line(l.T(locale.CmdSummaryNotCheckedIn, locale.A("Member", hearth.Mention(mb.UserID))))
			}
		}
		for _, c := range checkIns {
			if !listed[c.UserID] {
				line(l.T(locale.CmdSummaryLeftAttended, locale.A("Member", hearth.Mention(c.UserID)), locale.A("Mood", moodText(l, c))))
			}
		}
		embed.Description = b.String()
	}
	used := len(embed.Title) + len(embed.Description)
	next := from
	for next < len(notes) && len(embed.Fields) < detailsMaxNotes {
		c := notes[next]
		f := hearth.EmbedField{Name: l.T(locale.CmdSummaryNoteField), Value: hearth.Mention(c.UserID) + ": " + c.Note}
		if used+len(f.Name)+len(f.Value) > detailsTotalBudget {
			break
		}
		used += len(f.Name) + len(f.Value)
		embed.Fields = append(embed.Fields, f)
		next++
	}
	group, when := locale.A("Group", g.Name), locale.A("When", hearth.Timestamp(m.StartsAt, "F"))
	content := l.T(locale.CmdSummaryContent, group, when, locale.A("Attended", len(checkIns)), locale.A("Notes", len(notes)))
	if from > 0 {
		content = l.T(locale.CmdSummaryContentMore, group, when, locale.A("From", from+1), locale.A("Notes", len(notes)))
	}
	msg := hearth.Message{Content: content, Embeds: []hearth.Embed{embed}, Ephemeral: true}
	if next < len(notes) {
		msg.Buttons = [][]hearth.Button{{{Label: l.T(locale.CmdSummaryMoreButton), Style: hearth.ButtonSecondary,
			CustomID: "summary:details:" + strconv.FormatInt(m.ID, 10) + ":" + strconv.Itoa(next)}}}
	}
	return Reply(msg)
}

func moodText(l locale.Lang, c *hearth.CheckIn) string {
	if c.FromPresence {
		return l.T(locale.CmdSummaryFromPresence)
	}
	if c.Mood == 0 {
		return l.T(locale.CmdSummaryNoMood)
	}
	return l.T(locale.CmdSummaryMood, locale.A("Mood", c.Mood))
}
