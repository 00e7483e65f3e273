package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/hearthbot/hearth"
)

// MeetingStore is what the meeting handlers read and write.
type MeetingStore interface {
	hearth.GroupStore
	hearth.MembershipStore
	hearth.MeetingStore
	hearth.GuildStore
	hearth.LanguageStore
}

// ChannelNamer is implemented by a hearth.Discord that can name a channel;
// scheduled events then show "#name" as their location instead of a raw
// channel mention, which Discord does not render there.
type ChannelNamer interface {
	ChannelName(ctx context.Context, channelID string) (string, error)
}

// Meetings runs the jobs of meetings through the engine: reminders (in the
// channel and by DM), the start and the end of each meeting, the Discord
// scheduled event, and the notices around them.
//
// Every post is sent once: it carries a nonce derived from its job, its
// message id is saved on the job as soon as Discord returns it, and the job
// is leased to one worker at a time. A post more than CatchUp late (the
// host was down) is skipped and logged as missed; the state changes of the
// start and the end are never skipped.
type Meetings struct {
	Engine  *Engine
	Store   MeetingStore
	Discord hearth.Discord
	CatchUp time.Duration
	Log     *slog.Logger
	// Rounds keeps the round of each meeting (its buttons are on the start
	// post); nil: start posts carry no round.
	Rounds hearth.RoundStore
	// Presence records voice presence and the attendance it earns; nil:
	// none.
	Presence *Presence
	// Failures reports a voice channel hearth cannot see, as it reports
	// refused posts; nil: reported without a metric.
	Failures *Failures
}

// Register registers the meeting job handlers on the engine.
func (s *Meetings) Register() {
	s.Engine.Register(hearth.JobMeetingReminder, s.reminder)
	s.Engine.Register(hearth.JobMeetingDM, s.dm)
	s.Engine.Register(hearth.JobMeetingStart, s.start)
	s.Engine.Register(hearth.JobMeetingEnd, s.end)
	s.Engine.Register(hearth.JobMeetingNotice, s.notice)
	s.Engine.Register(hearth.JobMeetingStaff, s.staff)
	s.Engine.Register(hearth.JobRoundClose, s.closeRound)
}

// load reads the meeting and its group; either deleted meanwhile cancels the job.
func (s *Meetings) load(ctx context.Context, j *hearth.Job) (*hearth.Meeting, *hearth.Group, error) {
	return loadMeeting(ctx, s.Store, j)
}

// meetingReader reads meetings and groups: what every meeting job loads.
type meetingReader interface {
	Meeting(ctx context.Context, id int64) (*hearth.Meeting, error)
	Group(ctx context.Context, id int64) (*hearth.Group, error)
}

// loadMeeting reads the meeting of a job and its group; either deleted
// meanwhile cancels the job.
func loadMeeting(ctx context.Context, st meetingReader, j *hearth.Job) (*hearth.Meeting, *hearth.Group, error) {
	m, err := st.Meeting(ctx, j.MeetingID)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil, nil, ErrCancelled
	} else if err != nil {
		return nil, nil, fmt.Errorf("load meeting: %w", err)
	}
	g, err := st.Group(ctx, m.GroupID)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil, nil, ErrCancelled
	} else if err != nil {
		return nil, nil, fmt.Errorf("load group: %w", err)
	}
	return m, g, nil
}

// late reports whether a post planned for due is too late to be useful.
// The planned time, not the job's DueAt, counts: a retry moves DueAt.
func (s *Meetings) late(due time.Time) bool { return s.Engine.Now().Sub(due) > s.CatchUp }

// reminder posts a reminder in the group channel, fixing the meeting's rota
// if this is the first, and then queues the DMs of members who asked.
func (s *Meetings) reminder(ctx context.Context, j *hearth.Job) (string, error) {
	m, g, err := s.load(ctx, j)
	if err != nil {
		return "", err
	}
	off, ok := hearth.ReminderOffset(j)
	if !ok || !slices.Contains(g.ReminderOffsets, off) {
		return "", ErrCancelled // an offset removed since: a re-plan queued the right ones
	}
	if m.Status != hearth.MeetingScheduled {
		if j.Attempts > 0 && j.Result == "" && (m.Status == hearth.MeetingRunning || m.Status == hearth.MeetingDone) {
			// Failing since before the start: members never got it.
			return "", fmt.Errorf("meeting %d started before its reminder could be posted: %w", m.ID, ErrGaveUp)
		}
		return "", ErrCancelled
	}
	if posts := hearth.ReminderPosts(g, m, groupLang(g)); len(hearth.PostIDs(j.Result)) < len(posts) {
		// A first try more than CatchUp late (the host was down) is
		// skipped; a retry is bounded by the engine's Deadline instead.
		if due := m.StartsAt.Add(-off); j.Attempts == 0 && j.Result == "" && s.late(due) {
			s.Log.Warn("reminder missed", "meeting", m.ID, "group", g.ID, "offset", j.Arg, "due", due, "late", s.Engine.Now().Sub(due))
			return "", ErrMissed
		}
		if m, err = s.fixRota(ctx, g, m); err != nil {
			return "", err
		}
		if err := s.sendParts(ctx, g, m, j, hearth.ReminderPosts(g, m, groupLang(g))); err != nil {
			return "", err
		}
		s.Log.Info("reminder posted", "meeting", m.ID, "group", g.ID, "offset", j.Arg, "message", j.Result)
	}
	// Queued after the post, and again on a retry: the keys make it once.
	if err := s.queueDMs(ctx, g, m, j); err != nil {
		return "", err
	}
	return j.Result, nil
}

// sendParts posts the parts of a post in order, each exactly once: part i
// carries its own nonce, and the message ids sent so far are saved on the
// job after each part (hearth.JoinPostIDs), so a retry after a crash
// resumes with the first part not saved (and a part sent but not saved is
// returned by Discord for its nonce instead of being posted again).
func (s *Meetings) sendParts(ctx context.Context, g *hearth.Group, m *hearth.Meeting, j *hearth.Job, parts []hearth.Message) error {
	ids := hearth.PostIDs(j.Result)
	for i := len(ids); i < len(parts); i++ {
		id, err := s.Discord.Send(ctx, g.ChannelID, &parts[i], partNonce(j, i))
		if err != nil {
			return s.postFailed(ctx, g, m, j, err)
		}
		ids = append(ids, id)
		if err := s.Engine.SaveResult(ctx, j, hearth.JoinPostIDs(ids)); err != nil {
			return err
		}
	}
	return nil
}

// postStart posts the start post's parts (sendParts) with the round's
// buttons on the last part, the only one edited afterwards, and saves the
// round with that part's message id. A retry after a crash resends only
// the parts not saved and saves the round then; a round saved is kept.
func (s *Meetings) postStart(ctx context.Context, g *hearth.Group, m *hearth.Meeting, j *hearth.Job) error {
	parts := hearth.StartPosts(g, m, groupLang(g))
	round := hearth.NewRound(m.ID, g.ChannelID, "")
	if s.Rounds != nil {
		hearth.AttachRound(&parts[len(parts)-1], m.Rota, round, groupLang(g))
	}
	if err := s.sendParts(ctx, g, m, j, parts); err != nil {
		return err
	}
	if s.Rounds == nil {
		return nil
	}
	ids := hearth.PostIDs(j.Result)
	round.MessageID = ids[len(ids)-1]
	return s.Rounds.SaveRound(ctx, round)
}

// partNonce is the nonce of part i of a job's post: the job's nonce for
// the first part, so a post that fits in one message keeps it.
func partNonce(j *hearth.Job, i int) string {
	if i == 0 {
		return nonce(j)
	}
	return nonce(j) + "p" + strconv.Itoa(i)
}

// queueDMs queues the reminder by DM for each member of the rota who turned
// DM reminders on. Away members are not in the rota.
func (s *Meetings) queueDMs(ctx context.Context, g *hearth.Group, m *hearth.Meeting, j *hearth.Job) error {
	members, err := s.Store.Members(ctx, g.ID)
	if err != nil {
		return fmt.Errorf("load members: %w", err)
	}
	now := s.Engine.Now()
	var jobs []*hearth.Job
	for _, mem := range members {
		if mem.DMReminders && !mem.Away(m.StartsAt) && m.Rota.Position(mem.UserID) > 0 {
			jobs = append(jobs, hearth.ReminderDMJob(j, mem.UserID, now))
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	if err := s.Engine.Jobs.EnqueueJobs(ctx, jobs...); err != nil {
		return fmt.Errorf("queue reminder dms: %w", err)
	}
	s.Engine.Wake()
	return nil
}

// fixRota computes and stores the meeting's rota if it has none yet: what
// the first reminder says is what happens.
func (s *Meetings) fixRota(ctx context.Context, g *hearth.Group, m *hearth.Meeting) (*hearth.Meeting, error) {
	if m.Rota != nil {
		return m, nil
	}
	members, err := s.Store.Members(ctx, g.ID)
	if err != nil {
		return nil, fmt.Errorf("load members: %w", err)
	}
	round, err := s.Store.DoneMeetings(ctx, g.ID, m.StartsAt)
	if err != nil {
		return nil, err
	}
	rota := hearth.ComputeRota(members, m.StartsAt, round, g.Sharers)
	m, err = s.Store.UpdateMeeting(ctx, m.ID, func(cur *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
		if cur.Rota == nil {
			cur.Rota = rota
		}
		return nil, nil, nil
	})
	if err != nil {
		return nil, fmt.Errorf("fix rota: %w", err)
	}
	return m, nil
}

// dm sends one member the reminder by DM.
func (s *Meetings) dm(ctx context.Context, j *hearth.Job) (string, error) {
	m, g, err := s.load(ctx, j)
	if err != nil {
		return "", err
	}
	if m.Status != hearth.MeetingScheduled {
		return "", ErrCancelled
	}
	off, _ := hearth.ReminderOffset(j)
	if due := m.StartsAt.Add(-off); j.Attempts == 0 && s.late(due) {
		s.Log.Warn("reminder dm missed", "meeting", m.ID, "group", g.ID, "user", j.UserID, "due", due)
		return "", ErrMissed
	}
	mem, err := s.Store.Membership(ctx, g.ID, j.UserID)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return "", ErrCancelled
	} else if err != nil {
		return "", fmt.Errorf("load membership: %w", err)
	}
	if !mem.DMReminders || mem.Away(m.StartsAt) {
		return "", ErrCancelled
	}
	ch, err := s.Discord.DMChannel(ctx, j.UserID)
	if err != nil {
		return "", err
	}
	lang, err := dmLang(ctx, s.Store, g, j.UserID)
	if err != nil {
		return "", err
	}
	msg := hearth.ReminderDM(g, m, j.UserID, lang)
	return s.Discord.Send(ctx, ch, &msg, nonce(j))
}

// start makes the meeting running and posts its check-in order and sharers.
func (s *Meetings) start(ctx context.Context, j *hearth.Job) (string, error) {
	m, g, err := s.load(ctx, j)
	if err != nil {
		return "", err
	}
	switch {
	case m.Status == hearth.MeetingCancelled || m.Status == hearth.MeetingDone:
		return "", ErrCancelled
	case j.Result != "" && m.Status == hearth.MeetingRunning:
		// Some parts were posted before a crash: post the rest, even late.
		if err := s.postStart(ctx, g, m, j); err != nil {
			return "", err
		}
		return j.Result, nil
	case !s.Engine.Now().Before(m.EndsAt):
		s.Log.Warn("meeting start missed", "meeting", m.ID, "group", g.ID, "due", m.StartsAt)
		return "", ErrMissed // the end job closes it
	}
	if m, err = s.fixRota(ctx, g, m); err != nil {
		return "", err
	}
	m, err = s.Store.UpdateMeeting(ctx, m.ID, func(cur *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
		switch cur.Status {
		case hearth.MeetingScheduled:
			cur.Status = hearth.MeetingRunning
		case hearth.MeetingCancelled:
			return nil, nil, ErrCancelled
		}
		return nil, nil, nil
	})
	if err != nil {
		return "", err
	}
	if s.Presence != nil {
		if err := s.Presence.MeetingStarted(ctx, g, m); err != nil {
			return "", err
		}
		if err := s.checkVoice(ctx, g, m); err != nil {
			return "", err
		}
	}
	if s.late(m.StartsAt) {
		s.Log.Warn("meeting start post missed", "meeting", m.ID, "group", g.ID, "due", m.StartsAt)
		return "", ErrMissed
	}
	if err := s.postStart(ctx, g, m, j); err != nil {
		return "", err
	}
	s.Log.Info("meeting started", "meeting", m.ID, "group", g.ID, "message", j.Result)
	return j.Result, nil
}

// end makes the meeting done and counts the shares of its rota, so the
// next meeting rotates. Both steps may repeat after a crash: AdvanceRota
// counts a member's share of one meeting once.
func (s *Meetings) end(ctx context.Context, j *hearth.Job) (string, error) {
	m, g, err := s.load(ctx, j)
	if err != nil {
		return "", err
	}
	switch {
	case m.Status == hearth.MeetingCancelled:
		return "", ErrCancelled
	case m.Status == hearth.MeetingDone:
		return "", nil
	case j.Arg != hearth.EndArg(m):
		return "", ErrCancelled // the length changed: a re-plan queued the right end
	}
	if s.Presence != nil {
		// Before the status changes, so a crash in between records it on
		// the retry; a member's own check-in always wins.
		if _, err := s.Presence.Attend(ctx, g, m); err != nil {
			return "", err
		}
	}
	if m.Rota != nil {
		members, err := s.Store.Members(ctx, g.ID)
		if err != nil {
			return "", fmt.Errorf("load members: %w", err)
		}
		for _, mem := range hearth.AdvanceRota(m.Rota, members, m.StartsAt) {
			_, err := s.Store.UpdateMembership(ctx, g.ID, mem.UserID, func(cur *hearth.Membership) error {
				hearth.AdvanceRota(m.Rota, []*hearth.Membership{cur}, m.StartsAt)
				return nil
			})
			if err != nil && hearth.ErrorCode(err) != hearth.ENOTFOUND {
				return "", fmt.Errorf("count share: %w", err)
			}
		}
	}
	_, err = s.Store.UpdateMeeting(ctx, m.ID, func(cur *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
		if cur.Status == hearth.MeetingCancelled {
			return nil, nil, ErrCancelled
		}
		cur.Status = hearth.MeetingDone
		// The psychologists' summary is queued with the status change, so a
		// meeting that ended always gets its summary, once.
		jobs := hearth.SummaryJobs(cur, g, s.Engine.Now())
		if s.Rounds != nil {
			jobs = append(jobs, hearth.RoundCloseJob(cur, g, s.Engine.Now()))
		}
		return jobs, nil, nil
	})
	if err != nil {
		return "", err
	}
	s.Log.Info("meeting ended", "meeting", m.ID, "group", g.ID)
	s.Engine.Wake()
	return "", nil
}

// notice posts a notice about a meeting in the group channel.
func (s *Meetings) notice(ctx context.Context, j *hearth.Job) (string, error) {
	m, g, err := s.load(ctx, j)
	if err != nil {
		return "", err
	}
	if j.Arg != hearth.NoticeSkipped {
		return "", fmt.Errorf("unknown meeting notice %q", j.Arg)
	}
	msg := hearth.SkippedPost(g, m, groupLang(g))
	id, err := s.Discord.Send(ctx, g.ChannelID, &msg, nonce(j))
	if err != nil {
		return "", s.postFailed(ctx, g, m, j, err)
	}
	return id, nil
}

// postFailed logs a post Discord refused or failed, with ids. A refusal
// for good (a channel gone, missing access, a 400) fails the job at once,
// and the engine's Failed hook reports it to the staff channel (or the
// psychologists), so an admin can fix the group before members miss more.
func (s *Meetings) postFailed(_ context.Context, g *hearth.Group, m *hearth.Meeting, j *hearth.Job, err error) error {
	if hearth.Failure(err) != hearth.FailRetry {
		s.Log.Error("unable to post in a group's channel", "group", g.ID, "meeting", m.ID, "channel", g.ChannelID, "job", j.ID, "kind", string(j.Kind), "error", err)
	}
	return err
}

// Deadline is the engine's retry deadline of meeting work: a reminder, its
// DMs and the start post are not retried past the meeting's start +
// CatchUp, when they no longer help anyone. Zero for other work.
func (s *Meetings) Deadline(ctx context.Context, j *hearth.Job) time.Time {
	switch j.Kind {
	case hearth.JobMeetingReminder, hearth.JobMeetingDM, hearth.JobMeetingStart:
	default:
		return time.Time{}
	}
	m, err := s.Store.Meeting(ctx, j.MeetingID)
	if err != nil {
		return time.Time{}
	}
	return m.StartsAt.Add(s.CatchUp)
}

// staff posts the content-free channel-problem notice (queued by older
// versions; new reports are hearth.JobFailureReport).
func (s *Meetings) staff(ctx context.Context, j *hearth.Job) (string, error) {
	_, g, err := s.load(ctx, j)
	if err != nil {
		return "", err
	}
	settings, err := s.Store.GuildSettings(ctx, g.GuildID)
	if err != nil {
		return "", fmt.Errorf("load guild settings: %w", err)
	}
	if settings.StaffChannelID == "" {
		return "", ErrCancelled
	}
	msg := staffNotice(g, j.Arg, groupLang(g))
	return s.Discord.Send(ctx, settings.StaffChannelID, &msg, nonce(j))
}
