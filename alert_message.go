package hearth

import (
	"fmt"
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

// AlertDM is the private DM about an alert that its psychologists (and, once
// escalated, the clinical lead) receive. It names the member, the group, the
// urgency, the relapse flag, the time and the state, with the buttons to act;
// the note itself is never in it, only behind View note.
func AlertDM(a *Alert, g *Group) Message {
	color := colorOpen
	if a.Urgency == UrgencyNow {
		color = colorUrgent
	}
	state := "Open — not acknowledged yet"
	switch a.Status {
	case AlertAcknowledged:
		color = colorAcked
		state = fmt.Sprintf("Acknowledged by %s %s", Mention(a.AckBy), Timestamp(a.AckAt, "f"))
	case AlertResolved:
		color = colorResolved
		state = fmt.Sprintf("Resolved by %s %s", Mention(a.ResolvedBy), Timestamp(a.ResolvedAt, "f"))
		if !a.AckAt.IsZero() {
			state += fmt.Sprintf(" (acknowledged by %s %s)", Mention(a.AckBy), Timestamp(a.AckAt, "f"))
		}
	}
	relapse := "No"
	if a.Relapse {
		relapse = "Yes"
	}
	note := "No note"
	if a.HasNote || a.Note != "" {
		note = "Press **View note** to read it (shown only to you)"
	}
	// The buttons name the alert's server: a press in a DM (which carries
	// no guild) is checked against it as well as against the presser's role.
	id := strconv.FormatInt(a.ID, 10) + ":" + a.GuildID
	return Message{
		Content: fmt.Sprintf("Private alert #%d from a member of **%s**.", a.ID, g.Name),
		Embeds: []Embed{{
			Title: "A member asked for support",
			Color: color,
			Fields: []EmbedField{
				{Name: "Member", Value: Mention(a.UserID), Inline: true},
				{Name: "Group", Value: g.Name, Inline: true},
				{Name: "Urgency", Value: a.Urgency.Label(), Inline: true},
				{Name: "Relapse", Value: relapse, Inline: true},
				{Name: "Raised", Value: Timestamp(a.CreatedAt, "F") + " (" + Timestamp(a.CreatedAt, "R") + ")", Inline: true},
				{Name: "Note", Value: note, Inline: false},
				{Name: "Status", Value: state, Inline: false},
			},
		}},
		Buttons: [][]Button{{
			{Label: "View note", CustomID: "alert:note:" + id, Style: ButtonSecondary, Disabled: !a.HasNote && a.Note == ""},
			{Label: "Acknowledge", CustomID: "alert:ack:" + id, Style: ButtonPrimary, Disabled: a.Status != AlertOpen},
			{Label: "Resolve", CustomID: "alert:resolve:" + id, Style: ButtonSuccess, Disabled: a.Status == AlertResolved},
		}},
	}
}

// AlertReminderDM is the second DM a psychologist gets when an alert was not
// acknowledged in time.
func AlertReminderDM(a *Alert, g *Group, after time.Duration) Message {
	return Message{Content: fmt.Sprintf(
		"⏰ Alert #%d from a member of **%s** (urgency: %s) has not been acknowledged after %s. Please use the buttons on the alert message above.",
		a.ID, g.Name, a.Urgency.Label(), FormatOffset(after))}
}

// AlertPassedDM replaces the DM of someone who may no longer act on an
// alert: it says the alert passed on, with no member, no content and no
// buttons.
func AlertPassedDM(a *Alert, g *Group) Message {
	return Message{Content: fmt.Sprintf(msgAlertPassedDM, a.ID, g.Name)}
}

// StaffNotice is the content-free notice posted in the staff channel: the
// group and the urgency only — no member, no note — and only what is true
// (the reason is decided when the outcome is known).
func StaffNotice(a *Alert, g *Group, reason string, after time.Duration) Message {
	texts := map[string]string{
		StaffUnreachable:         msgStaffUnreachable,
		StaffNoneLeadTold:        msgStaffNoneLeadTold,
		StaffNoneNoLead:          msgStaffNoneNoLead,
		StaffNoneLeadUnreachable: msgStaffNoneLeadUnreachable,
		StaffLeadUnreachable:     msgStaffLeadUnreachable,
	}
	if t, ok := texts[reason]; ok {
		return Message{Content: fmt.Sprintf(t, g.Name, a.Urgency.Label())}
	}
	return Message{Content: fmt.Sprintf(
		"🔔 An alert in **%s** (urgency: %s) has not been acknowledged after %s.",
		g.Name, a.Urgency.Label(), FormatOffset(after))}
}

// MemberAckDM tells the member their psychologist has seen the alert.
func MemberAckDM(a *Alert, g *Group) Message {
	return Message{Content: fmt.Sprintf(
		"%s, a psychologist of **%s**, has seen your message and will reach out to you.",
		Mention(a.AckBy), g.Name)}
}

// MemberDelayDM tells the member that a psychologist could not be reached;
// staffTold says whether the server's staff channel got the notice.
func MemberDelayDM(g *Group, crisis string, staffTold bool) Message {
	told := ""
	if staffTold {
		told = " hearth has told the server's staff."
	}
	return Message{Content: fmt.Sprintf(
		"One of the psychologists of **%s** could not be reached by DM right now, so it may take a little longer to hear back.%s\n\nIf you need help now: %s",
		g.Name, told, crisis)}
}
