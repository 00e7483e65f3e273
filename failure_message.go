package hearth

// The messages of failure reports, from the catalog (dom_notice) in the
// group's language: they go to the staff channel or a psychologist on
// behalf of the group. They name the group and what to fix, never a
// member, a mood, a note or an alert's content.

// FailureNotice tells the staff (or a psychologist) that a post or DM of
// group g could not be sent, and what to fix, in the group's language p.
func FailureNotice(g *Group, reason string, p Printer) Message {
	var what string
	switch reason {
	case StaffVoiceGone, StaffVoiceNoAccess:
		return VoiceProblemNotice(g, reason, p)
	case FailureChannelGone:
		what = p.Text("dom_notice.channel_gone", "Group", g.Name)
	case FailureChannelForbidden:
		what = p.Text("dom_notice.channel_forbidden", "Group", g.Name, "Channel", channelMention(g.ChannelID))
	case FailureRejected:
		what = p.Text("dom_notice.rejected", "Group", g.Name)
	case FailureSummary:
		what = p.Text("dom_notice.summary", "Group", g.Name)
	default:
		what = p.Text("dom_notice.gave_up", "Group", g.Name)
	}
	return Message{Content: what}
}

// AlertUndeliveredNotice tells the staff channel or the clinical lead that
// an alert in group g could not be delivered, in p's language. No content,
// no member name.
func AlertUndeliveredNotice(g *Group, p Printer) Message {
	return Message{Content: p.Text("dom_notice.alert_undelivered", "Group", g.Name)}
}
