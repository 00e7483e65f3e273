package hearth

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// ReminderPost is the reminder posted in the group channel before a
// meeting, in the group's language p: the group, the start as Discord
// timestamps, the sharers and the check-in order, and how to check in, pass
// or be away. Only the members it names are pinged; members away for the
// meeting are not in its rota, so they are neither named nor pinged.
func ReminderPost(g *Group, m *Meeting, p Printer) Message {
	sharers, order := RotaLines(m.Rota, p)
	return Message{
		Content: p.Text("meeting.reminder_post", "Group", g.Name, "When", Timestamp(m.StartsAt, "F"), "Relative", Timestamp(m.StartsAt, "R")) +
			"\n" + sharers + "\n" + order + "\n" + p.Text("meeting.howto"),
		MentionUsers: rotaMembers(m.Rota),
	}
}

// ReminderPosts is the reminder of a meeting as posted, in the group's
// language p: ReminderPost when it fits in one message, else the rota split
// over several (RotaParts), the meeting's name and time after the Sharers
// line of the first part.
func ReminderPosts(g *Group, m *Meeting, p Printer) []Message {
	if msg := ReminderPost(g, m, p); Fits(&msg) {
		return []Message{msg}
	}
	head := p.Text("meeting.reminder_post", "Group", g.Name, "When", Timestamp(m.StartsAt, "F"), "Relative", Timestamp(m.StartsAt, "R"))
	return RotaParts(m.Rota, head, p.Text("meeting.howto"), true, p)
}

// ReminderDM is the reminder a member with DM reminders gets, in their
// language p: the same text, pointing at the group channel, pinging nobody.
// When the check-in order of a large group would not fit in one message,
// the DM gives the member's own place instead and points at the channel.
func ReminderDM(g *Group, m *Meeting, userID string, p Printer) Message {
	sharers, order := RotaLines(m.Rota, p)
	content := func(order string) string {
		return p.Text("meeting.reminder_dm", "Group", g.Name, "When", Timestamp(m.StartsAt, "F"),
			"Relative", Timestamp(m.StartsAt, "R"), "Channel", channelMention(g.ChannelID)) +
			"\n" + sharers + "\n" + order + "\n" + p.Text("meeting.howto") + "\n\n" + p.Text("meeting.reminder_dm_why")
	}
	msg := Message{Content: content(order)}
	if Fits(&msg) || m.Rota == nil {
		return msg
	}
	msg.Content = content(p.Text("meeting.order_place", "Place", m.Rota.Position(userID), "Total", len(m.Rota.Order), "Channel", channelMention(g.ChannelID)))
	return msg
}

// StartPost is posted in the group channel when a meeting starts, in the
// group's language p: the check-in order and the sharers, pinging the
// members it names.
func StartPost(g *Group, m *Meeting, p Printer) Message {
	sharers, order := RotaLines(m.Rota, p)
	return Message{
		Content: p.Text("meeting.start_post", "Group", g.Name, "Until", Timestamp(m.EndsAt, "t")) +
			"\n" + order + "\n" + sharers + "\n" + p.Text("meeting.start_checkin"),
		MentionUsers: rotaMembers(m.Rota),
	}
}

// StartPosts is the start post of a meeting as posted, in the group's
// language p: StartPost when it fits in one message with room for the
// round (MaxRoundSection), else the rota split over several (RotaParts)
// with that room left in the last part. The caller attaches the round's
// buttons to the last part, the only one edited afterwards (RoundPost).
func StartPosts(g *Group, m *Meeting, p Printer) []Message {
	if msg := StartPost(g, m, p); Fits(&msg) && TextLen(msg.Content)+MaxRoundSection <= MaxContent {
		return []Message{msg}
	}
	head := p.Text("meeting.start_post", "Group", g.Name, "Until", Timestamp(m.EndsAt, "t"))
	return rotaParts(m.Rota, head, p.Text("meeting.start_checkin"), true, MaxRoundSection, p)
}

// SkippedPost tells the group channel, in the group's language p, that a
// meeting was cancelled. It names nobody and pings nobody.
func SkippedPost(g *Group, m *Meeting, p Printer) Message {
	return Message{Content: p.Text("meeting.skipped_post", "Group", g.Name, "When", Timestamp(m.StartsAt, "F"))}
}

// RotaLines is Rota.Lines in the reader's language: the sharers line and
// the check-in order line, members as mentions.
func RotaLines(r *Rota, p Printer) (sharers, order string) {
	if r == nil || len(r.Order) == 0 {
		return p.Text("meeting.sharers_none_members"), p.Text("meeting.order_none")
	}
	switch {
	case len(r.Sharers) > 0:
		mentions := make([]string, len(r.Sharers))
		for i, id := range r.Sharers {
			mentions[i] = Mention(id)
		}
		sharers = p.Text("meeting.sharers", "Names", strings.Join(mentions, ", "))
	case len(r.Passed) > 0:
		sharers = p.Text("meeting.sharers_all_passed")
	default:
		sharers = p.Text("meeting.sharers_off")
	}
	var b strings.Builder
	for i, id := range r.Order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(". ")
		b.WriteString(Mention(id))
	}
	return sharers, p.Text("meeting.order", "Names", b.String())
}

// ChannelProblemNotice is the staff-channel notice, in the group's
// language p, when hearth cannot post a group's reminders: the group only,
// no member and no content.
func ChannelProblemNotice(g *Group, reason string, p Printer) Message {
	why := p.Text("notice.channel_gone")
	if reason == StaffChannelNoAccess {
		why = p.Text("notice.channel_forbidden")
	}
	return Message{Content: p.Text("notice.channel_problem", "Group", g.Name, "Why", why)}
}

// MeetingEvent is the Discord scheduled event that mirrors a meeting, in
// the group's language p; location is where members meet, such as
// "#anxiety-group".
func MeetingEvent(g *Group, m *Meeting, location string, p Printer) *ScheduledEvent {
	name := g.Name
	if utf8.RuneCountInString(name) > 100 {
		name = string([]rune(name)[:100])
	}
	return &ScheduledEvent{
		GuildID:     g.GuildID,
		Name:        name,
		Description: p.Text("notice.event_description", "Group", g.Name),
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

// DescribeMeetingIn is DescribeMeeting in the reader's language p.
func DescribeMeetingIn(m *Meeting, p Printer) string {
	s := Timestamp(m.StartsAt, "F") + " (" + Timestamp(m.StartsAt, "R") + ")"
	if m.Status == MeetingRunning {
		s += p.Text("sched.meeting_now")
	}
	if m.OneOff {
		s += p.Text("sched.meeting_one_off")
	}
	return s
}

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
