package hearth

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// meetingHowTo tells members what they can do before a meeting.
const meetingHowTo = "When the meeting starts, check in with `/checkin`. " +
	"Can't share this time? Use `/rota pass`. Can't come? Use `/rota away`."

// startHowTo tells members how to check in once a meeting started.
const startHowTo = "Check in with `/checkin` (you can add how you feel, 1–5; only the psychologists see it)."

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

// ReminderPosts is the reminder of a meeting as posted: ReminderPost when
// it fits in one message, else the rota split over several (RotaParts), the
// meeting's name and time after the Sharers line of the first part.
func ReminderPosts(g *Group, m *Meeting) []Message {
	if msg := ReminderPost(g, m); Fits(&msg) {
		return []Message{msg}
	}
	head := fmt.Sprintf("⏰ **%s** meets %s (%s).", g.Name, Timestamp(m.StartsAt, "F"), Timestamp(m.StartsAt, "R"))
	return RotaParts(m.Rota, head, meetingHowTo, true)
}

// ReminderDM is the reminder a member with DM reminders gets: the same
// text, pointing at the group channel, pinging nobody. When the check-in
// order of a large group would not fit in one message, the DM gives the
// member's own place instead and points at the channel for the rest.
func ReminderDM(g *Group, m *Meeting, userID string) Message {
	sharers, order := m.Rota.Lines()
	const format = "⏰ **%s** meets %s (%s) in %s.\n%s\n%s\n%s\n\n-# You get this because you turned on `/reminders dm:true`."
	msg := Message{Content: fmt.Sprintf(format,
		g.Name, Timestamp(m.StartsAt, "F"), Timestamp(m.StartsAt, "R"), channelMention(g.ChannelID), sharers, order, meetingHowTo)}
	if Fits(&msg) || m.Rota == nil {
		return msg
	}
	order = fmt.Sprintf(msgOrderPlace, m.Rota.Position(userID), len(m.Rota.Order), channelMention(g.ChannelID))
	msg.Content = fmt.Sprintf(format,
		g.Name, Timestamp(m.StartsAt, "F"), Timestamp(m.StartsAt, "R"), channelMention(g.ChannelID), sharers, order, meetingHowTo)
	return msg
}

// StartPost is posted in the group channel when a meeting starts: the
// check-in order and the sharers, pinging the members it names.
func StartPost(g *Group, m *Meeting) Message {
	sharers, order := m.Rota.Lines()
	return Message{
		Content: fmt.Sprintf("▶️ **%s** is starting now, until %s.\n%s\n%s\n%s",
			g.Name, Timestamp(m.EndsAt, "t"), order, sharers, startHowTo),
		MentionUsers: rotaMembers(m.Rota),
	}
}

// StartPosts is the start post of a meeting as posted: StartPost when it
// fits in one message, else the rota split over several (RotaParts). The
// caller attaches the round's buttons to the last part, the only one
// edited afterwards.
func StartPosts(g *Group, m *Meeting) []Message {
	if msg := StartPost(g, m); Fits(&msg) {
		return []Message{msg}
	}
	head := fmt.Sprintf("▶️ **%s** is starting now, until %s.", g.Name, Timestamp(m.EndsAt, "t"))
	return RotaParts(m.Rota, head, startHowTo, true)
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
