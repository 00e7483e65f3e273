package hearth

import "fmt"

// The messages of failure reports, in English, gathered here to move into
// the locale catalogs. They name the group and what to fix, never a
// member, a mood, a note or an alert's content.

// FailureNotice tells the staff (or a psychologist) that a post or DM of
// group g could not be sent, and what to fix.
func FailureNotice(g *Group, reason string) Message {
	var what string
	switch reason {
	case FailureChannelGone:
		what = fmt.Sprintf("hearth could not post the meeting messages of **%s**: its channel no longer exists. An admin can pick a channel with `/group edit`.", g.Name)
	case FailureChannelForbidden:
		what = fmt.Sprintf("hearth could not post the meeting messages of **%s** in %s: it lacks access or permission there (View Channel, Send Messages, Embed Links). An admin can fix the channel's permissions, or pick another channel with `/group edit`.", g.Name, channelMention(g.ChannelID))
	case FailureRejected:
		what = fmt.Sprintf("Discord refused a message of **%s** as invalid, so members missed a reminder or post. Please tell whoever runs hearth: it is a bug, and its logs name the job.", g.Name)
	case FailureSummary:
		what = fmt.Sprintf("hearth could not send a psychologist of **%s** the summary of a meeting. They can ask hearth's operators to check the bot's DMs, or read attendance with `/report`.", g.Name)
	default:
		what = fmt.Sprintf("hearth kept failing to reach Discord and gave up on a message of **%s**, so members may have missed a reminder or post. Check Discord's status and hearth's `/healthz`; the work is kept as failed.", g.Name)
	}
	return Message{Content: "⚠️ " + what}
}

// AlertUndeliveredNotice tells the staff channel or the clinical lead that
// an alert in group g could not be delivered. No content, no member name.
func AlertUndeliveredNotice(g *Group) Message {
	return Message{Content: fmt.Sprintf("🚨 An alert in **%s** could not be delivered to its psychologists: Discord kept failing or refused. Please reach the group's psychologists another way so they check `/alerts list`.", g.Name)}
}
