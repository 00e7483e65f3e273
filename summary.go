package hearth

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// JobMeetingSummary DMs one psychologist (Job.UserID) the summary of a
// meeting that ended (Job.MeetingID).
const JobMeetingSummary JobKind = "meeting.summary"

// SummaryJobs returns the summary DMs of a meeting that ended, one per
// psychologist of its group, due at now. The meeting-end handler enqueues
// them; keys make a second enqueue a no-op.
func SummaryJobs(m *Meeting, g *Group, now time.Time) []*Job {
	var jobs []*Job
	for _, p := range g.Psychologists() {
		jobs = append(jobs, &Job{
			Kind:      JobMeetingSummary,
			Key:       "meeting:" + strconv.FormatInt(m.ID, 10) + ":summary:" + p,
			Priority:  PriorityMeeting,
			DueAt:     now,
			GuildID:   g.GuildID,
			GroupID:   g.ID,
			MeetingID: m.ID,
			UserID:    p,
		})
	}
	return jobs
}

// HistoryStore reads the past of a group for summaries and reports.
type HistoryStore interface {
	// MeetingsBetween returns the group's meetings starting in [from, to),
	// of every status, earliest first.
	MeetingsBetween(ctx context.Context, groupID int64, from, to time.Time) ([]*Meeting, error)
	// PreviousMeeting returns the group's latest meeting that is not
	// cancelled and starts before t, or ENOTFOUND.
	PreviousMeeting(ctx context.Context, groupID int64, t time.Time) (*Meeting, error)
	// CountAlerts counts the alerts of the group raised in [from, to).
	CountAlerts(ctx context.Context, groupID int64, from, to time.Time) (int, error)
}

// MeetingSummary is what the psychologists learn after a meeting. It holds
// counts and the average mood, never a member's own mood or note.
type MeetingSummary struct {
	Group    *Group
	Meeting  *Meeting
	Members  int       // members of the group when the summary was made
	Attended int       // members who checked in, or were present in voice
	Present  int       // of Attended: from voice presence (§12), without mood
	Moods    int       // check-ins that gave a mood
	AvgMood  float64   // average of those moods; 0 if none
	Alerts   int       // alerts raised since Since
	Since    time.Time // the end of the previous meeting, or the group's creation
}

// Summarize counts a meeting's check-ins.
func Summarize(g *Group, m *Meeting, members int, checkIns []*CheckIn) *MeetingSummary {
	s := &MeetingSummary{Group: g, Meeting: m, Members: members, Attended: len(checkIns)}
	sum := 0
	for _, c := range checkIns {
		if c.FromPresence {
			s.Present++
		}
		if c.Mood > 0 {
			s.Moods++
			sum += c.Mood
		}
	}
	if s.Moods > 0 {
		s.AvgMood = float64(sum) / float64(s.Moods)
	}
	return s
}

// SummaryDM is the DM each psychologist gets after a meeting (SPEC §3): how
// many attended, the average mood, who shared, who passed and how many
// alerts were raised since the last meeting, with a Details button. It goes
// to psychologists only: the average mood is never posted in a channel. p
// is the recipient's language.
func SummaryDM(s *MeetingSummary, p Printer) Message {
	mood := p.Text("dom_summary.no_mood")
	if s.Moods > 0 {
		mood = p.Text("dom_summary.mood", "Mood", fmt.Sprintf("%.1f", s.AvgMood), "Moods", s.Moods, "Attended", s.Attended)
	}
	shared, passed := p.Text("dom_summary.nobody"), p.Text("dom_summary.nobody")
	if r := s.Meeting.Rota; r == nil {
		shared = p.Text("dom_summary.no_rota")
	} else {
		if len(r.Sharers) > 0 {
			shared = mentionList(r.Sharers, MaxFieldValue, p)
		}
		if len(r.Passed) > 0 {
			passed = mentionList(r.Passed, MaxFieldValue, p)
		}
	}
	id := strconv.FormatInt(s.Meeting.ID, 10)
	return Message{
		Content: p.Text("dom_summary.content", "Group", s.Group.Name, "When", Timestamp(s.Meeting.StartsAt, "F")),
		Embeds: []Embed{{
			Title: p.Text("dom_summary.title"),
			Fields: []EmbedField{
				{Name: p.Text("dom_summary.attended"), Value: attendedText(s, p), Inline: true},
				{Name: p.Text("dom_summary.avg_mood"), Value: mood, Inline: true},
				{Name: p.Text("dom_summary.shared"), Value: shared, Inline: false},
				{Name: p.Text("dom_summary.passed"), Value: passed, Inline: false},
				{Name: p.Text("dom_summary.alerts"), Value: p.Text("dom_summary.alerts_value", "N", s.Alerts, "Since", Timestamp(s.Since, "f")), Inline: false},
			},
		}},
		Buttons: [][]Button{{{Label: p.Text("dom_summary.details"), CustomID: "summary:details:" + id, Style: ButtonSecondary}}},
	}
}

// attendedText says how many attended and how many of them hearth counted
// from their time in the voice channel.
func attendedText(s *MeetingSummary, p Printer) string {
	t := p.Text("dom_summary.attended_value", "Attended", s.Attended, "Members", s.Members)
	if s.Present > 0 {
		t += p.Text("dom_summary.from_presence", "N", s.Present)
	}
	return t
}

// mentionList renders ids as mentions separated by commas, within limit
// characters: what does not fit is counted, "… and 12 more" in p's
// language.
func mentionList(ids []string, limit int, p Printer) string {
	var b strings.Builder
	for i, id := range ids {
		item := Mention(id)
		if i > 0 {
			item = ", " + item
		}
		// Room for the longest tail: "… and 500 more".
		more := p.Text("dom_summary.and_more", "N", len(ids)-i)
		if TextLen(b.String())+TextLen(item)+TextLen(more) > limit && i < len(ids)-1 ||
			TextLen(b.String())+TextLen(item) > limit {
			b.WriteString(more)
			break
		}
		b.WriteString(item)
	}
	return b.String()
}

// SummaryRecipientStore records who each meeting summary was sent to: the
// summary's Details answers only them (SPEC §6).
type SummaryRecipientStore interface {
	// AddSummaryRecipient records that the summary of the meeting was sent
	// to the user; recording it twice is not an error.
	AddSummaryRecipient(ctx context.Context, meetingID int64, userID string) error
	// IsSummaryRecipient reports whether the summary of the meeting was sent
	// to the user.
	IsSummaryRecipient(ctx context.Context, meetingID int64, userID string) (bool, error)
}
