package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/hearthbot/hearth"
)

// FailureStore is what failure reports read.
type FailureStore interface {
	Group(ctx context.Context, id int64) (*hearth.Group, error)
	GuildSettings(ctx context.Context, guildID string) (*hearth.GuildSettings, error)
	Alert(ctx context.Context, id int64) (*hearth.Alert, error)
	hearth.LanguageStore
}

// Failures makes sure no work fails in silence. Its Report is the engine's
// Failed hook: every job that fails for good (a refusal such as a deleted
// channel, missing access or a 400) or that the engine gave up on after
// transient failures is counted (Count, a metric) and, where people can act
// on it, reported:
//
//   - a group's reminder, start post or notice: the staff channel is told
//     which group and what to fix, or, if it has none or Discord refuses
//     that too, both psychologists of the group by DM; one report per
//     meeting and reason;
//   - a psychologist's meeting summary: reported the same way;
//   - a group's voice channel hearth cannot see at a meeting's start
//     (Problem): reported the same way;
//   - alert work (the alert DM, the escalation, its reminders, the staff
//     notice): the staff channel and the clinical lead are told that an
//     alert could not be delivered (no content, no member name), and the
//     member that it may take longer.
//
// Other work (reminder DMs to members, event syncs, retention) is logged
// and counted only. The failed jobs stay in the queue as failed, which
// /healthz and the metrics show.
type Failures struct {
	Engine  *Engine
	Store   FailureStore
	Discord hearth.Discord
	Log     *slog.Logger
	// Count, if set, counts a failed job by kind, exhausted or refused.
	Count func(kind hearth.JobKind, exhausted bool)
}

// Register registers the report handlers on the engine.
func (f *Failures) Register() {
	f.Engine.Register(hearth.JobFailureReport, f.report)
	f.Engine.Register(hearth.JobAlertUndelivered, f.alertNotice)
}

// Report counts a job that failed for good and queues its reports.
func (f *Failures) Report(ctx context.Context, j *hearth.Job, err error, exhausted bool) {
	if f.Count != nil {
		f.Count(j.Kind, exhausted)
	}
	jobs, rerr := f.reports(ctx, j, err, exhausted)
	if rerr == nil && len(jobs) > 0 {
		rerr = f.Engine.Jobs.EnqueueJobs(ctx, jobs...)
	}
	if rerr != nil {
		f.Log.Error("unable to report failed work", "job", j.ID, "kind", string(j.Kind), "error", rerr)
		return
	}
	if len(jobs) > 0 {
		f.Engine.Wake()
	}
}

func (f *Failures) reports(ctx context.Context, j *hearth.Job, err error, exhausted bool) ([]*hearth.Job, error) {
	now := f.Engine.Now()
	switch j.Kind {
	case hearth.JobMeetingReminder, hearth.JobMeetingStart, hearth.JobMeetingNotice, hearth.JobMeetingSummary:
		g, gerr := f.group(ctx, j.GroupID)
		if g == nil {
			return nil, gerr
		}
		reason := hearth.FailureReason(err, exhausted)
		if j.Kind == hearth.JobMeetingSummary {
			reason = hearth.FailureSummary
		}
		return []*hearth.Job{hearth.FailureReportJob(g, j.MeetingID, reason, now)}, nil
	case hearth.JobFailureReport:
		if j.UserID != "" {
			f.Log.Error("a failure report reached no one: the psychologist's DM failed too", "group", j.GroupID, "user", j.UserID, "reason", j.Arg)
			return nil, nil
		}
		g, gerr := f.group(ctx, j.GroupID)
		if g == nil {
			return nil, gerr
		}
		return psychologistReports(j, g, now), nil
	case hearth.JobAlertDM, hearth.JobAlertRemind, hearth.JobAlertEscalate, hearth.JobAlertStaff:
		return f.alertReports(ctx, j, now)
	case hearth.JobAlertUndelivered:
		f.Log.Error("an undelivered alert could not be reported", "alert", j.AlertID, "to", j.Arg)
	}
	return nil, nil
}

func (f *Failures) group(ctx context.Context, id int64) (*hearth.Group, error) {
	g, err := f.Store.Group(ctx, id)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil, nil // deleted: nothing to fix
	} else if err != nil {
		return nil, fmt.Errorf("load group: %w", err)
	}
	return g, nil
}

// Problem reports, like a refused post, a problem hearth found with a
// group's setup outside a failed job (a voice channel it cannot see): the
// staff channel, or failing that both psychologists by DM, are told which
// group and what to fix, once per meeting and reason (the report's key),
// and Count counts it under kind as refused.
func (f *Failures) Problem(ctx context.Context, g *hearth.Group, meetingID int64, kind hearth.JobKind, reason string) error {
	r := hearth.FailureReportJob(g, meetingID, reason, f.Engine.Now())
	if err := f.Engine.Jobs.EnqueueJobs(ctx, r); err != nil {
		return fmt.Errorf("queue failure report: %w", err)
	}
	if r.ID == 0 {
		return nil // reported already: a retried start
	}
	if f.Count != nil {
		f.Count(kind, false)
	}
	f.Engine.Wake()
	return nil
}

// psychologistReports sends report r to each psychologist of g by DM.
func psychologistReports(r *hearth.Job, g *hearth.Group, now time.Time) []*hearth.Job {
	var jobs []*hearth.Job
	for _, p := range g.Psychologists() {
		jobs = append(jobs, hearth.FailureReportDM(r, p, now))
	}
	return jobs
}

// alertReports is the work that reports an alert hearth could not deliver.
func (f *Failures) alertReports(ctx context.Context, j *hearth.Job, now time.Time) ([]*hearth.Job, error) {
	a, err := f.Store.Alert(ctx, j.AlertID)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil, nil // erased
	} else if err != nil {
		return nil, fmt.Errorf("load alert: %w", err)
	}
	settings, err := f.Store.GuildSettings(ctx, a.GuildID)
	if err != nil {
		return nil, fmt.Errorf("load guild settings: %w", err)
	}
	staff, lead := settings.StaffChannelID, settings.LeadID
	if j.Kind == hearth.JobAlertStaff {
		staff = "" // the staff channel is what failed
	}
	if staff == "" && lead == "" {
		f.Log.Error("an alert could not be delivered and the server has no staff channel or clinical lead to tell",
			"alert", a.ID, "group", a.GroupID, "guild", a.GuildID, "job", j.ID, "kind", string(j.Kind))
	} else {
		f.Log.Error("an alert could not be delivered: telling the staff", "alert", a.ID, "group", a.GroupID, "job", j.ID, "kind", string(j.Kind))
	}
	return hearth.AlertUndeliveredJobs(a, staff, lead, true, now), nil
}

// report posts a failure report in the staff channel, or DMs it to one
// psychologist (UserID). A staff channel that is not set, or that Discord
// refuses for good, hands the report to both psychologists by DM.
func (f *Failures) report(ctx context.Context, j *hearth.Job) (string, error) {
	g, err := f.group(ctx, j.GroupID)
	if g == nil {
		if err != nil {
			return "", err
		}
		return "", ErrCancelled
	}
	if j.UserID != "" {
		// A report by DM is in its recipient's language (SPEC §10).
		lang, err := dmLang(ctx, f.Store, g, j.UserID)
		if err != nil {
			return "", err
		}
		msg := hearth.FailureNotice(g, j.Arg, lang)
		ch, err := f.Discord.DMChannel(ctx, j.UserID)
		if err != nil {
			return "", err
		}
		return f.Discord.Send(ctx, ch, &msg, nonce(j))
	}
	settings, err := f.Store.GuildSettings(ctx, g.GuildID)
	if err != nil {
		return "", fmt.Errorf("load guild settings: %w", err)
	}
	if settings.StaffChannelID != "" {
		msg := hearth.FailureNotice(g, j.Arg, groupLang(g))
		id, err := f.Discord.Send(ctx, settings.StaffChannelID, &msg, nonce(j))
		if err == nil || hearth.Failure(err) == hearth.FailRetry {
			return id, err
		}
		f.Log.Warn("the staff channel refused a failure report: telling the psychologists", "group", g.ID, "error", err)
	}
	if err := f.Engine.Jobs.EnqueueJobs(ctx, psychologistReports(j, g, f.Engine.Now())...); err != nil {
		return "", fmt.Errorf("queue failure reports: %w", err)
	}
	f.Engine.Wake()
	return "", nil
}

// alertNotice tells the staff channel or the clinical lead that an alert
// could not be delivered.
func (f *Failures) alertNotice(ctx context.Context, j *hearth.Job) (string, error) {
	a, err := f.Store.Alert(ctx, j.AlertID)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return "", ErrCancelled
	} else if err != nil {
		return "", fmt.Errorf("load alert: %w", err)
	}
	g, err := f.group(ctx, a.GroupID)
	if g == nil {
		if err != nil {
			return "", err
		}
		return "", ErrCancelled
	}
	// The staff channel reads the group's language, the lead's DM theirs.
	msg := hearth.AlertUndeliveredNotice(g, groupLang(g))
	switch j.Arg {
	case "staff":
		settings, err := f.Store.GuildSettings(ctx, a.GuildID)
		if err != nil {
			return "", fmt.Errorf("load guild settings: %w", err)
		}
		if settings.StaffChannelID == "" {
			return "", ErrCancelled
		}
		return f.Discord.Send(ctx, settings.StaffChannelID, &msg, nonce(j))
	case "lead":
		lang, err := dmLang(ctx, f.Store, g, j.UserID)
		if err != nil {
			return "", err
		}
		msg = hearth.AlertUndeliveredNotice(g, lang)
		ch, err := f.Discord.DMChannel(ctx, j.UserID)
		if err != nil {
			return "", err
		}
		return f.Discord.Send(ctx, ch, &msg, nonce(j))
	}
	return "", fmt.Errorf("unknown undelivered-alert notice %q", j.Arg)
}
