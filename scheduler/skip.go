package scheduler

import (
	"context"
	"fmt"
	"time"

	"github.com/hearthbot/hearth"
)

// Skip cancels the group's meetings that start in [from, to) (one day in
// the group's zone), for `/schedule skip`: each is cancelled with its posts,
// the channel is told, and the server's events are synced (which deletes
// the meeting's event). A meeting of the schedule beyond the planned horizon
// is stored now, cancelled, so planning never brings it back. It returns the
// meetings it cancelled, earliest first; with none, the refusal it met (a
// meeting already cancelled or already started), or ENOTFOUND when the
// group has no meeting then. audit is recorded for each cancelled meeting,
// with the meeting as its target.
//
// It runs under the planner's lock, so a planning pass or a re-plan of the
// group never interleaves with it.
func (p *Planner) Skip(ctx context.Context, groupID int64, from, to time.Time, audit hearth.AuditEntry) ([]*hearth.Meeting, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	g, err := p.Store.Group(ctx, groupID)
	if err != nil {
		return nil, err
	}
	now := p.Now().UTC()
	stored, err := p.Store.MeetingsBetween(ctx, g.ID, from, to)
	if err != nil {
		return nil, err
	}
	times, err := hearth.MeetingTimes(g, from.Add(-1), to.Add(-1))
	if err != nil {
		return nil, err
	}
	var unplanned []*hearth.Meeting
	for _, t := range times {
		if !t.After(now) || hasStart(stored, t) {
			continue
		}
		unplanned = append(unplanned, &hearth.Meeting{GroupID: g.ID, StartsAt: t, EndsAt: t.Add(g.Length()), Status: hearth.MeetingCancelled})
	}
	var skipped []*hearth.Meeting
	var refusal error
	for _, m := range stored {
		if m.Status == hearth.MeetingScheduled && !m.StartsAt.After(now) {
			when := hearth.Timestamp(m.StartsAt, "F")
			refusal = hearth.Errorm(hearth.ECONFLICT, "schedule.skip_started", []any{"When", when}, "The meeting of %s has already started, so it can't be skipped.", when)
			continue
		}
		cancelled, err := p.Store.UpdateMeeting(ctx, m.ID, func(cur *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
			jobs, err := hearth.CancelMeeting(cur, g, now, true)
			a := audit
			a.Target = meetingTarget(cur)
			return jobs, &a, err
		})
		if hearth.ErrorCode(err) == hearth.ECONFLICT {
			refusal = err
			continue
		} else if err != nil {
			return nil, err
		}
		if err := cancelPosts(ctx, p.Store, m.ID); err != nil {
			// The handlers check the meeting's status: nothing is posted.
			p.Log.Error("unable to cancel jobs of a skipped meeting", "meeting", m.ID, "error", err)
		}
		skipped = append(skipped, cancelled)
	}
	if len(unplanned) > 0 {
		created, err := p.Store.PlanMeetings(ctx, unplanned, func(m *hearth.Meeting) []*hearth.Job {
			return []*hearth.Job{hearth.MeetingJob(hearth.JobMeetingNotice, m, g, "", hearth.NoticeSkipped, now, hearth.MeetingKey(m.ID, "notice", hearth.NoticeSkipped))}
		})
		if err != nil {
			return nil, err
		}
		for _, m := range created {
			a := audit
			a.Target = meetingTarget(m)
			if err := p.Store.Audit(ctx, a); err != nil {
				return nil, err
			}
		}
		skipped = append(skipped, created...)
	}
	if len(skipped) == 0 {
		if refusal != nil {
			return nil, refusal
		}
		return nil, hearth.Errorf(hearth.ENOTFOUND, "no meeting then")
	}
	p.wake()
	return skipped, nil
}

// hasStart reports whether a meeting of ms starts at t.
func hasStart(ms []*hearth.Meeting, t time.Time) bool {
	for _, m := range ms {
		if m.StartsAt.Equal(t) {
			return true
		}
	}
	return false
}

// meetingTarget names a meeting in the audit log, as the commands do.
func meetingTarget(m *hearth.Meeting) string { return fmt.Sprintf("meeting:%d", m.ID) }
