package scheduler

import (
	"context"
	"fmt"

	"github.com/hearthbot/hearth"
)

// VoiceChecker is implemented by a hearth.Discord that can tell whether
// hearth sees a voice channel (exists, and View Channel allowed).
type VoiceChecker interface {
	CheckVoiceChannel(ctx context.Context, channelID string) error
}

// checkVoice reports, like a refused post, a group voice channel hearth
// cannot see when a meeting starts: without it, presence counts nobody.
// The staff channel gets one content-free notice per meeting. A transient
// failure is only logged: it must not hold up the start post.
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
	settings, err := s.Store.GuildSettings(ctx, g.GuildID)
	if err != nil {
		return fmt.Errorf("load guild settings: %w", err)
	}
	if settings.StaffChannelID == "" {
		return nil
	}
	staff := hearth.MeetingJob(hearth.JobMeetingStaff, m, g, "", reason, s.Engine.Now(), hearth.MeetingKey(m.ID, "staff", reason))
	if err := s.Engine.Jobs.EnqueueJobs(ctx, staff); err != nil {
		return fmt.Errorf("queue staff notice: %w", err)
	}
	s.Engine.Wake()
	return nil
}

// staffNotice is the staff-channel notice of a problem with a group's
// channels, by reason.
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
