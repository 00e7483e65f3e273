package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hearthbot/hearth"
)

// BriefStore is what the brief handler reads.
type BriefStore interface {
	hearth.MeetingStore
	hearth.GroupStore
	hearth.MembershipStore
	hearth.CheckInStore
	hearth.HistoryStore
	hearth.GuildStore
	hearth.BriefStore
	hearth.LanguageStore
}

// briefNonce tells apart the sends of one job to two recipients (a
// psychologist replaced between two tries), within Discord's 25 characters.
func briefNonce(userID string) string {
	if len(userID) > 4 {
		userID = userID[len(userID)-4:]
	}
	return "b" + userID
}

// briefPastMeetings is how many earlier meetings the brief shows.
const briefPastMeetings = 4

// Briefs DMs each psychologist the pre-meeting brief (SPEC §12), once: the
// DM channel is saved on the job, the send carries the job's nonce and the
// message id is the job's result. A psychologist whose DMs are closed is
// reported in the staff channel, as alerts are.
type Briefs struct {
	Engine  *Engine
	Store   BriefStore
	Discord hearth.Discord
	Log     *slog.Logger
}

// Register registers the brief job handler on the engine.
func (s *Briefs) Register() { s.Engine.Register(hearth.JobMeetingBrief, s.send) }

func (s *Briefs) send(ctx context.Context, j *hearth.Job) (string, error) {
	m, g, err := loadMeeting(ctx, s.Store, j)
	if err != nil {
		return "", err
	}
	to, ok := hearth.BriefRecipient(j, g, m)
	switch {
	case m.Status == hearth.MeetingCancelled || !ok:
		return "", ErrCancelled // skipped, or moved: a re-plan plans its own
	case !s.Engine.Now().Before(m.StartsAt):
		s.Log.Warn("meeting brief missed", "meeting", m.ID, "group", g.ID, "recipient", to)
		return "", ErrMissed // a brief after the start helps nobody
	}
	b, err := s.brief(ctx, g, m)
	if err != nil {
		return "", err
	}
	// The DM channel is saved with its recipient: after a replacement the
	// successor's own channel is opened.
	ch, saved := strings.CutPrefix(j.Result, dmPrefix+to+":")
	if !saved {
		if ch, err = s.Discord.DMChannel(ctx, to); err != nil {
			return "", s.failed(ctx, j, g, m, to, err)
		}
		if err := s.Engine.SaveResult(ctx, j, dmPrefix+to+":"+ch); err != nil {
			return "", err
		}
	}
	// The brief is a DM: in the recipient's language (SPEC §10).
	lang, err := dmLang(ctx, s.Store, g, to)
	if err != nil {
		return "", err
	}
	msg := hearth.BriefDM(b, lang)
	id, err := s.Discord.Send(ctx, ch, &msg, nonce(j)+briefNonce(to))
	if err != nil {
		return "", s.failed(ctx, j, g, m, to, err)
	}
	s.Log.Info("meeting brief sent", "meeting", m.ID, "group", g.ID, "recipient", to, "message", id)
	return id, nil
}

// brief gathers what the psychologists learn before m.
func (s *Briefs) brief(ctx context.Context, g *hearth.Group, m *hearth.Meeting) (*hearth.Brief, error) {
	b := &hearth.Brief{Group: g, Meeting: m, Since: g.CreatedAt}
	prev, err := s.Store.PreviousMeeting(ctx, g.ID, m.StartsAt)
	switch {
	case err == nil:
		b.Since = prev.EndsAt
	case hearth.ErrorCode(err) != hearth.ENOTFOUND:
		return nil, fmt.Errorf("load previous meeting: %w", err)
	}
	members, err := s.Store.Members(ctx, g.ID)
	if err != nil {
		return nil, fmt.Errorf("load members: %w", err)
	}
	for _, mb := range members {
		if mb.Away(m.StartsAt) {
			b.Away = append(b.Away, mb.UserID)
		}
		if !mb.JoinedAt.Before(b.Since) {
			b.Joined = append(b.Joined, mb.UserID)
		}
	}
	if b.Alerts, err = s.Store.AlertsSince(ctx, g.ID, b.Since); err != nil {
		return nil, err
	}
	past, err := s.Store.MeetingsBetween(ctx, g.ID, m.StartsAt.Add(-366*24*time.Hour), m.StartsAt)
	if err != nil {
		return nil, fmt.Errorf("load past meetings: %w", err)
	}
	var done []*hearth.Meeting
	for _, pm := range past {
		if pm.Status == hearth.MeetingDone {
			done = append(done, pm)
		}
	}
	if len(done) > briefPastMeetings {
		done = done[len(done)-briefPastMeetings:]
	}
	for _, pm := range done {
		cs, err := s.Store.CheckIns(ctx, pm.ID)
		if err != nil {
			return nil, fmt.Errorf("load check-ins: %w", err)
		}
		st := &hearth.MeetingStats{Meeting: pm, Attended: len(cs)}
		if pm.Rota != nil {
			st.Members = len(pm.Rota.Order)
		}
		if st.Members < st.Attended {
			st.Members = st.Attended
		}
		sum := 0
		for _, c := range cs {
			if c.Mood > 0 {
				st.Moods++
				sum += c.Mood
			}
		}
		if st.Moods > 0 {
			st.AvgMood = float64(sum) / float64(st.Moods)
		}
		b.Past = append(b.Past, st)
	}
	return b, nil
}

// failed reports a psychologist whose DMs are closed in the staff channel
// (content-free, once per job thanks to the nonce) and gives up on them;
// any other error goes back to the engine to retry.
func (s *Briefs) failed(ctx context.Context, j *hearth.Job, g *hearth.Group, m *hearth.Meeting, to string, err error) error {
	if hearth.Failure(err) != hearth.FailUnreachable {
		return err
	}
	s.Log.Warn("meeting brief recipient unreachable by DM", "meeting", m.ID, "group", g.ID, "recipient", to)
	settings, serr := s.Store.GuildSettings(ctx, g.GuildID)
	if serr != nil {
		return fmt.Errorf("load guild settings: %w", serr)
	}
	if settings.StaffChannelID == "" {
		return ErrCancelled
	}
	msg := hearth.BriefUnreachableNotice(g, to, groupLang(g))
	if _, serr := s.Discord.Send(ctx, settings.StaffChannelID, &msg, nonce(j)+"s"); serr != nil {
		return serr
	}
	return ErrCancelled
}
