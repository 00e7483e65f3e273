package hearth

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// JobMeetingBrief DMs one psychologist of a meeting's group the brief
// before it starts. Arg is "<role>:<start>" (RoleFacilitator or
// RoleObserver, and the start it was planned for in Unix seconds): the
// recipient is whoever holds that role when it is sent, so a psychologist
// replaced meanwhile gets no brief and their successor does; a brief of a
// meeting that moved is dropped.
const JobMeetingBrief JobKind = "meeting.brief"

// BriefJobs returns the brief DMs of a meeting, one per psychologist role,
// due before its start, if that is still ahead of now.
func BriefJobs(m *Meeting, g *Group, before time.Duration, now time.Time) []*Job {
	due := m.StartsAt.Add(-before)
	if before <= 0 || !due.After(now) {
		return nil
	}
	var jobs []*Job
	for _, role := range []string{RoleFacilitator, RoleObserver} {
		jobs = append(jobs, &Job{
			Kind: JobMeetingBrief, Key: MeetingKey(m.ID, "brief", role), Priority: PriorityMeeting,
			DueAt: due.UTC(), GuildID: g.GuildID, GroupID: g.ID, MeetingID: m.ID,
			Arg: role + ":" + strconv.FormatInt(m.StartsAt.Unix(), 10),
		})
	}
	return jobs
}

// BriefRecipient returns who gets the brief job j of m's group g now, and
// false when the job no longer applies (the meeting moved).
func BriefRecipient(j *Job, g *Group, m *Meeting) (string, bool) {
	role, start, _ := strings.Cut(j.Arg, ":")
	if start != strconv.FormatInt(m.StartsAt.Unix(), 10) {
		return "", false
	}
	switch role {
	case RoleFacilitator:
		return g.FacilitatorID, true
	case RoleObserver:
		return g.ObserverID, true
	}
	return "", false
}

// AlertBrief is what the brief says of an alert: never its note.
type AlertBrief struct {
	ID        int64
	Urgency   Urgency
	Relapse   bool
	Status    AlertStatus
	CreatedAt time.Time
}

// MeetingStats is one past meeting in the brief.
type MeetingStats struct {
	Meeting  *Meeting
	Attended int
	Members  int // active members expected
	Moods    int
	AvgMood  float64
}

// Brief is what both psychologists learn before a meeting (SPEC §12).
type Brief struct {
	Group   *Group
	Meeting *Meeting
	Since   time.Time // the end of the previous meeting, or the group's creation
	Away    []string  // members away for this meeting
	Joined  []string  // members who joined since Since
	Alerts  []*AlertBrief
	Past    []*MeetingStats // the last four meetings, oldest first
}

// BriefStore reads what the brief needs besides meetings and members.
type BriefStore interface {
	// AlertsSince returns the group's alerts raised at or after t, oldest
	// first, without their notes.
	AlertsSince(ctx context.Context, groupID int64, t time.Time) ([]*AlertBrief, error)
}

// briefListMax bounds the names listed in a brief; more are counted.
const briefListMax = 40

// BriefDM is the pre-meeting brief by DM, in the recipient's language p.
// It holds counts, urgencies and mentions, never a note or a member's own
// mood.
func BriefDM(b *Brief, p Printer) Message {
	var fields []EmbedField
	names := func(ids []string) string {
		if len(ids) == 0 {
			return p.Text("dom_brief.nobody")
		}
		shown := ids
		if len(shown) > briefListMax {
			shown = shown[:briefListMax]
		}
		out := mentionList(shown, MaxFieldValue, p)
		if len(ids) > len(shown) {
			out += p.Text("dom_brief.more", "N", len(ids)-len(shown))
		}
		return out
	}
	fields = append(fields,
		EmbedField{Name: p.Text("dom_brief.away"), Value: names(b.Away)},
		EmbedField{Name: p.Text("dom_brief.joined"), Value: names(b.Joined)})
	open := 0
	var lines []string
	for _, a := range b.Alerts {
		if a.Status != AlertResolved {
			open++
		}
		if len(lines) < 10 {
			l := "#" + strconv.FormatInt(a.ID, 10) + " · " + UrgencyText(a.Urgency, p)
			if a.Relapse {
				l += p.Text("dom_brief.relapse")
			}
			if a.Status != AlertResolved {
				l += p.Text("dom_brief.open")
			} else {
				l += p.Text("dom_brief.resolved")
			}
			lines = append(lines, l+" · "+Timestamp(a.CreatedAt, "f"))
		}
	}
	alerts := p.Text("dom_brief.alert_count", "Raised", len(b.Alerts), "Open", open)
	if len(lines) > 0 {
		alerts += "\n" + strings.Join(lines, "\n")
		if len(b.Alerts) > len(lines) {
			alerts += "\n" + p.Text("dom_brief.more_alerts", "N", len(b.Alerts)-len(lines))
		}
	}
	fields = append(fields, EmbedField{Name: p.Text("dom_brief.alerts"), Value: alerts})
	var past []string
	for _, st := range b.Past {
		mood := p.Text("dom_brief.no_mood")
		if st.Moods > 0 {
			mood = p.Text("dom_brief.mood", "Mood", fmt.Sprintf("%.1f", st.AvgMood))
		}
		past = append(past, p.Text("dom_brief.past_line", "When", Timestamp(st.Meeting.StartsAt, "d"),
			"Attended", st.Attended, "Members", st.Members, "Mood", mood))
	}
	if len(past) == 0 {
		past = []string{p.Text("dom_brief.no_past")}
	}
	fields = append(fields, EmbedField{Name: p.Text("dom_brief.past"), Value: strings.Join(past, "\n")})
	return Message{
		Content: p.Text("dom_brief.content", "Group", b.Group.Name, "When", Timestamp(b.Meeting.StartsAt, "F"),
			"Relative", Timestamp(b.Meeting.StartsAt, "R")),
		Embeds: []Embed{{Title: p.Text("dom_brief.title"), Fields: fields}},
	}
}

// BriefUnreachableNotice tells the staff channel that a psychologist could
// not get the brief by DM: the group only, no member and no content. p is
// the group's language.
func BriefUnreachableNotice(g *Group, psychologistID string, p Printer) Message {
	return Message{Content: p.Text("dom_brief.unreachable", "Who", Mention(psychologistID), "Group", g.Name)}
}
