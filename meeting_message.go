package hearth

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// meetingHowTo tells members what they can do before a meeting.
const meetingHowTo = "When the meeting starts, check in with `/checkin`. " +
	"Can't share this time? Use `/rota pass`. Can't come? Use `/rota away`."

// ReminderPost is the reminder posted in the group channel before a
// meeting: the group, the start as Discord timestamps, the sharers and the
// check-in order (see Rota.Lines), and how to check in, pass or be away.
// Only the members it names are pinged; members away for the meeting are
// not in its rota, so they are neither named nor pinged.
func ReminderPost(g *Group, m *Meeting) Message {
	sharers, order := m.Rota.Lines()
	return Message{
		Content: fmt.Sprintf("⏰ **%s** meets %s (%s).\n%s\n%s\n%s",
			g.Name, Timestamp(m.StartsAt, "F"), Timestamp(m.StartsAt, "R"), sharers, order, meetingHowTo),
		MentionUsers: rotaMembers(m.Rota),
	}
}

// ReminderDM is the reminder a member with DM reminders gets: the same
// text, pointing at the group channel, pinging nobody.
func ReminderDM(g *Group, m *Meeting) Message {
	sharers, order := m.Rota.Lines()
	return Message{Content: fmt.Sprintf("⏰ **%s** meets %s (%s) in %s.\n%s\n%s\n%s\n\n-# You get this because you turned on `/reminders dm:true`.",
		g.Name, Timestamp(m.StartsAt, "F"), Timestamp(m.StartsAt, "R"), channelMention(g.ChannelID), sharers, order, meetingHowTo)}
}

// StartPost is posted in the group channel when a meeting starts: the
// check-in order and the sharers, pinging the members it names.
func StartPost(g *Group, m *Meeting) Message {
	sharers, order := m.Rota.Lines()
	return Message{
		Content: fmt.Sprintf("▶️ **%s** is starting now, until %s.\n%s\n%s\nCheck in with `/checkin` (you can add how you feel, 1–5; only the psychologists see it).",
			g.Name, Timestamp(m.EndsAt, "t"), order, sharers),
		MentionUsers: rotaMembers(m.Rota),
	}
}

// SkippedPost tells the group channel that a meeting was cancelled. It
// names nobody and pings nobody.
func SkippedPost(g *Group, m *Meeting) Message {
	return Message{Content: fmt.Sprintf("🚫 The meeting of **%s** on %s is cancelled. See `/next` for the next one.",
		g.Name, Timestamp(m.StartsAt, "F"))}
}

// ChannelProblemNotice is the staff-channel notice when hearth cannot post
// a group's reminders: the group only, no member and no content.
func ChannelProblemNotice(g *Group, reason string) Message {
	why := "its channel no longer exists"
	if reason == StaffChannelNoAccess {
		why = "hearth is not allowed to post in its channel"
	}
	return Message{Content: fmt.Sprintf("⚠️ hearth could not post the meeting messages of **%s**: %s. An admin can pick a channel with `/group edit`.", g.Name, why)}
}

// MeetingEvent is the Discord scheduled event that mirrors a meeting;
// location is where members meet, such as "#anxiety-group".
func MeetingEvent(g *Group, m *Meeting, location string) *ScheduledEvent {
	name := g.Name
	if utf8.RuneCountInString(name) > 100 {
		name = string([]rune(name)[:100])
	}
	return &ScheduledEvent{
		GuildID:     g.GuildID,
		Name:        name,
		Description: fmt.Sprintf("Peer-support meeting of %s. Check in with /checkin in the group channel when it starts.", g.Name),
		Location:    location,
		StartsAt:    m.StartsAt,
		EndsAt:      m.EndsAt,
	}
}

// rotaMembers returns the members a rota names: its check-in order, which
// holds the sharers too.
func rotaMembers(r *Rota) []string {
	if r == nil || len(r.Order) == 0 {
		return nil
	}
	return append([]string(nil), r.Order...)
}

func channelMention(id string) string { return "<#" + id + ">" }

// DescribeMeeting renders a meeting for lists: full date and relative time,
// and a note when it is running or a one-off.
func DescribeMeeting(m *Meeting) string {
	var b strings.Builder
	b.WriteString(Timestamp(m.StartsAt, "F") + " (" + Timestamp(m.StartsAt, "R") + ")")
	if m.Status == MeetingRunning {
		b.WriteString(" — happening now")
	}
	if m.OneOff {
		b.WriteString(" — one-off")
	}
	return b.String()
}
