package scheduler

import (
	"context"

	"github.com/hearthbot/hearth"
)

// VoiceChecker is implemented by a hearth.Discord that can tell whether
// hearth sees a voice channel (exists, and View Channel allowed).
type VoiceChecker interface {
	CheckVoiceChannel(ctx context.Context, channelID string) error
}

// checkVoice reports, like a refused post, a group voice channel hearth
// cannot see when a meeting starts: without it, presence counts nobody.
// Failures.Problem tells the staff channel or, failing that, both
// psychologists by DM, once per meeting and reason, with no member and no
// content. A transient failure is only logged: it must not hold up the
// start post.
func (s *Meetings) checkVoice(ctx context.Context, g *hearth.Group, m *hearth.Meeting) error {
	if g.VoiceChannelID == "" {
		return nil
	}
	var err error
	switch d := s.Discord.(type) {
	case VoiceChecker:
		err = d.CheckVoiceChannel(ctx, g.VoiceChannelID)
	case ChannelNamer:
		_, err = d.ChannelName(ctx, g.VoiceChannelID)
	default:
		return nil
	}
	var reason string
	switch {
	case err == nil:
		return nil
	case hearth.Failure(err) == hearth.FailGone:
		reason = hearth.StaffVoiceGone
	case hearth.Failure(err) == hearth.FailForbidden:
		reason = hearth.StaffVoiceNoAccess
	default:
		s.Log.Warn("unable to check a group's voice channel", "group", g.ID, "meeting", m.ID, "error", err)
		return nil
	}
	s.Log.Error("unable to see a group's voice channel", "group", g.ID, "meeting", m.ID, "channel", g.VoiceChannelID, "reason", reason)
	f := s.Failures
	if f == nil {
		f = &Failures{Engine: s.Engine}
	}
	return f.Problem(ctx, g, m.ID, hearth.VoiceCheck, reason)
}

// staffNotice is the staff-channel notice of a problem with a group's
// channels, by reason (JobMeetingStaff: this version queues voice problems
// as failure reports, an older one as staff notices).
func staffNotice(g *hearth.Group, reason string, p hearth.Printer) hearth.Message {
	switch reason {
	case hearth.StaffVoiceGone, hearth.StaffVoiceNoAccess:
		return hearth.VoiceProblemNotice(g, reason, p)
	}
	return hearth.ChannelProblemNotice(g, reason, p)
}

// closeRound takes the round's buttons off the start post of a meeting
// that ended. A post deleted meanwhile needs nothing more.
func (s *Meetings) closeRound(ctx context.Context, j *hearth.Job) (string, error) {
	m, g, err := s.load(ctx, j)
	if err != nil {
		return "", err
	}
	st, err := s.Rounds.Round(ctx, m.ID)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return "", ErrCancelled // no round: the start post was missed
	} else if err != nil {
		return "", err
	}
	msg := hearth.ClosedRoundPost(g, m, st, groupLang(g))
	if err := s.Discord.Edit(ctx, st.ChannelID, st.MessageID, &msg); err != nil {
		if f := hearth.Failure(err); f == hearth.FailGone || f == hearth.FailForbidden {
			return "", ErrCancelled
		}
		return "", err
	}
	return st.MessageID, nil
}
