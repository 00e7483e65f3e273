package hearth

import (
	"strconv"
	"time"
)

// Colours of alert embeds by state.
const (
	colorOpen     = 0xE67E22
	colorUrgent   = 0xE74C3C
	colorAcked    = 0x3498DB
	colorResolved = 0x2ECC71
)

// Timestamp renders t as a Discord timestamp in the given style (F: full
// date and time, R: relative, f: short), shown in each reader's own zone.
func Timestamp(t time.Time, style string) string {
	return "<t:" + strconv.FormatInt(t.Unix(), 10) + ":" + style + ">"
}

// Mention renders a user mention.
func Mention(userID string) string { return "<@" + userID + ">" }

// UrgencyText is an urgency as the reader's language names it.
func UrgencyText(u Urgency, p Printer) string {
	switch u {
	case UrgencyNow:
		return p.Text("urgency.now")
	case UrgencyToday:
		return p.Text("urgency.today")
	}
	return p.Text("urgency.later")
}

// AlertDM is the private DM about an alert that its psychologists (and, once
// escalated, the clinical lead) receive, in the recipient's language p. It
// names the member, the group, the urgency, the relapse flag, the time and
// the state, with the buttons to act; the note itself is never in it, only
// behind View note.
func AlertDM(a *Alert, g *Group, p Printer) Message {
	color := colorOpen
	if a.Urgency == UrgencyNow {
		color = colorUrgent
	}
	state := p.Text("alert.state_open")
	switch a.Status {
	case AlertAcknowledged:
		color = colorAcked
		state = p.Text("alert.state_acked", "Who", Mention(a.AckBy), "When", Timestamp(a.AckAt, "f"))
	case AlertResolved:
		color = colorResolved
		state = p.Text("alert.state_resolved", "Who", Mention(a.ResolvedBy), "When", Timestamp(a.ResolvedAt, "f"))
		if !a.AckAt.IsZero() {
			state = p.Text("alert.state_resolved_acked", "Who", Mention(a.ResolvedBy), "When", Timestamp(a.ResolvedAt, "f"),
				"AckWho", Mention(a.AckBy), "AckWhen", Timestamp(a.AckAt, "f"))
		}
	}
	relapse := p.Text("alert.no")
	if a.Relapse {
		relapse = p.Text("alert.yes")
	}
	note := p.Text("alert.no_note")
	if a.HasNote || a.Note != "" {
		note = p.Text("alert.has_note")
	}
	// The buttons name the alert's server: a press in a DM (which carries
	// no guild) is checked against it as well as against the presser's role.
	id := strconv.FormatInt(a.ID, 10) + ":" + a.GuildID
	return Message{
		Content: p.Text("alert.dm_content", "ID", a.ID, "Group", g.Name),
		Embeds: []Embed{{
			Title: p.Text("alert.dm_title"),
			Color: color,
			Fields: []EmbedField{
				{Name: p.Text("alert.field_member"), Value: Mention(a.UserID), Inline: true},
				{Name: p.Text("alert.field_group"), Value: g.Name, Inline: true},
				{Name: p.Text("alert.field_urgency"), Value: UrgencyText(a.Urgency, p), Inline: true},
				{Name: p.Text("alert.field_relapse"), Value: relapse, Inline: true},
				{Name: p.Text("alert.field_raised"), Value: Timestamp(a.CreatedAt, "F") + " (" + Timestamp(a.CreatedAt, "R") + ")", Inline: true},
				{Name: p.Text("alert.field_note"), Value: note, Inline: false},
				{Name: p.Text("alert.field_status"), Value: state, Inline: false},
			},
		}},
		Buttons: [][]Button{{
			{Label: p.Text("alert.view_note"), CustomID: "alert:note:" + id, Style: ButtonSecondary, Disabled: !a.HasNote && a.Note == ""},
			{Label: p.Text("alert.acknowledge"), CustomID: "alert:ack:" + id, Style: ButtonPrimary, Disabled: a.Status != AlertOpen},
			{Label: p.Text("alert.resolve"), CustomID: "alert:resolve:" + id, Style: ButtonSuccess, Disabled: a.Status == AlertResolved},
		}},
	}
}

// AlertReminderDM is the second DM a psychologist gets when an alert was not
// acknowledged in time.
func AlertReminderDM(a *Alert, g *Group, after time.Duration, p Printer) Message {
	return Message{Content: p.Text("alert.reminder_dm", "ID", a.ID, "Group", g.Name, "Urgency", UrgencyText(a.Urgency, p), "After", FormatOffset(after))}
}

// AlertPassedDM replaces the DM of someone who may no longer act on an
// alert: it says the alert passed on, with no member, no content and no
// buttons.
func AlertPassedDM(a *Alert, g *Group, p Printer) Message {
	return Message{Content: p.Text("dom_alert.passed_dm", "ID", a.ID, "Group", g.Name)}
}

// StaffNotice is the content-free notice posted in the staff channel: the
// group and the urgency only — no member, no note — and only what is true
// (the reason is decided when the outcome is known). p is the group's
// language.
func StaffNotice(a *Alert, g *Group, reason string, after time.Duration, p Printer) Message {
	keys := map[string]string{
		StaffUnreachable:         "alert.staff_unreachable",
		StaffNoneLeadTold:        "alert.staff_none_lead_told",
		StaffNoneNoLead:          "alert.staff_none_no_lead",
		StaffNoneLeadUnreachable: "alert.staff_none_lead_unreachable",
		StaffLeadUnreachable:     "alert.staff_lead_unreachable",
	}
	if k, ok := keys[reason]; ok {
		return Message{Content: p.Text(k, "Group", g.Name, "Urgency", UrgencyText(a.Urgency, p))}
	}
	return Message{Content: p.Text("alert.staff_unacked", "Group", g.Name, "Urgency", UrgencyText(a.Urgency, p), "After", FormatOffset(after))}
}

// MemberAckDM tells the member their psychologist has seen the alert.
func MemberAckDM(a *Alert, g *Group, p Printer) Message {
	return Message{Content: p.Text("alert.member_ack", "Who", Mention(a.AckBy), "Group", g.Name)}
}

// MemberDelayDM tells the member that a psychologist could not be reached;
// staffTold says whether the server's staff channel got the notice, and
// crisis is the crisis text in the member's language.
func MemberDelayDM(g *Group, crisis string, staffTold bool, p Printer) Message {
	text := p.Text("alert.member_delay", "Group", g.Name)
	if staffTold {
		text += p.Text("alert.member_delay_staff")
	}
	return Message{Content: text + "\n\n" + p.Text("alert.member_delay_help", "Crisis", crisis)}
}
