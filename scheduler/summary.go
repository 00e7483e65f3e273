package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/hearthbot/hearth"
)

// SummaryStore is what the summary handler reads.
type SummaryStore interface {
	hearth.MeetingStore
	hearth.GroupStore
	hearth.MembershipStore
	hearth.CheckInStore
	hearth.HistoryStore
	hearth.SummaryRecipientStore
	hearth.LanguageStore
}

// Summaries DMs each psychologist the summary of a meeting that ended.
type Summaries struct {
	Engine  *Engine
	Store   SummaryStore
	Discord hearth.Discord
	Log     *slog.Logger
}

// Register registers the summary job handler on the engine.
func (s *Summaries) Register() {
	s.Engine.Register(hearth.JobMeetingSummary, s.send)
}

// dmPrefix marks a job result that holds the recipient's DM channel, saved
// before the send so a retry resumes with it.
const dmPrefix = "dm:"

// send DMs one psychologist (j.UserID) the summary of meeting j.MeetingID,
// once: the DM channel is saved on the job, the send carries the job's nonce
// (a retry gets the first message back) and the message id is the job's
// result.
func (s *Summaries) send(ctx context.Context, j *hearth.Job) (string, error) {
	m, g, err := loadMeeting(ctx, s.Store, j)
	if err != nil {
		return "", err
	}
	if !g.IsPsychologist(j.UserID) {
		return "", ErrCancelled // no longer a psychologist of the group
	}
	sum, err := s.summarize(ctx, g, m)
	if err != nil {
		return "", err
	}
	ch, ok := strings.CutPrefix(j.Result, dmPrefix)
	if !ok {
		if ch, err = s.Discord.DMChannel(ctx, j.UserID); err != nil {
			return "", s.failed(j, m, err)
		}
		if err := s.Engine.SaveResult(ctx, j, dmPrefix+ch); err != nil {
			return "", err
		}
	}
	// The summary is a DM: in the recipient's language (SPEC §10).
	lang, err := dmLang(ctx, s.Store, g, j.UserID)
	if err != nil {
		return "", err
	}
	msg := hearth.SummaryDM(sum, lang)
	id, err := s.Discord.Send(ctx, ch, &msg, nonce(j))
	if err != nil {
		return "", s.failed(j, m, err)
	}
	// Details answers only the people the summary went to (SPEC §6). A
	// failure here retries the job, whose nonce returns the same message.
	if err := s.Store.AddSummaryRecipient(ctx, m.ID, j.UserID); err != nil {
		return "", err
	}
	s.Log.Info("meeting summary sent", "meeting", m.ID, "group", g.ID, "recipient", j.UserID)
	return id, nil
}

// summarize counts the meeting's attendance, moods and the alerts raised
// since the previous meeting ended (or since the group was created).
func (s *Summaries) summarize(ctx context.Context, g *hearth.Group, m *hearth.Meeting) (*hearth.MeetingSummary, error) {
	members, err := s.Store.Members(ctx, g.ID)
	if err != nil {
		return nil, fmt.Errorf("load members: %w", err)
	}
	checkIns, err := s.Store.CheckIns(ctx, m.ID)
	if err != nil {
		return nil, fmt.Errorf("load check-ins: %w", err)
	}
	// Expected: the members not away, and anyone who checked in anyway.
	expected := map[string]bool{}
	for _, mb := range members {
		if !mb.Away(m.StartsAt) {
			expected[mb.UserID] = true
		}
	}
	for _, c := range checkIns {
		expected[c.UserID] = true
	}
	sum := hearth.Summarize(g, m, len(expected), checkIns)
	sum.Since = g.CreatedAt
	prev, err := s.Store.PreviousMeeting(ctx, g.ID, m.StartsAt)
	switch {
	case err == nil:
		sum.Since = prev.EndsAt
	case hearth.ErrorCode(err) != hearth.ENOTFOUND:
		return nil, fmt.Errorf("load previous meeting: %w", err)
	}
	if sum.Alerts, err = s.Store.CountAlerts(ctx, g.ID, sum.Since, m.EndsAt); err != nil {
		return nil, err
	}
	return sum, nil
}

// failed cancels the summary of a psychologist whose DMs are closed (it is
// not worth a staff notice: nothing urgent is lost) and returns any other
// error for the engine to retry or fail.
func (s *Summaries) failed(j *hearth.Job, m *hearth.Meeting, err error) error {
	if hearth.Failure(err) == hearth.FailUnreachable {
		s.Log.Warn("meeting summary recipient unreachable by DM", "meeting", m.ID, "recipient", j.UserID)
		return ErrCancelled
	}
	return err
}
