package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hearthbot/hearth"
)

// registerSchedule defines /schedule: an admin sets when a group meets, adds
// or skips single meetings, and sets the reminders.
func (s *Service) registerSchedule(rt *Router) {
	rt.Define(Command{
		Name:        "schedule",
		scope:       scopeAdmin,
		Description: "When a group meets (admins)",
		AdminOnly:   true,
		Options: []OptionDef{
			Sub("set", "Set the recurring schedule of a group", GroupOpt(true),
				Str("when", "e.g. every tuesday at 19:00, first monday of the month at 19:00, or cron 0 19 * * 2", true, 100)),
			Sub("once", "Add a one-off meeting", GroupOpt(true),
				Str("at", "YYYY-MM-DD HH:MM in the group's time zone", true, 20)),
			Sub("skip", "Cancel the meeting of a day; members are told in the channel", GroupOpt(true),
				Str("date", "YYYY-MM-DD", true, 10)),
			Sub("reminders", "When reminders are posted before each meeting", GroupOpt(true),
				Str("before", "e.g. 24h,1h: 1 to 5 offsets, each 5m to 7d", true, 60)),
			Sub("show", "The next 5 meetings of a group", GroupOpt(true)),
		},
	})
	rt.Handle("schedule set", s.scheduleSet)
	rt.Handle("schedule once", s.scheduleOnce)
	rt.Handle("schedule skip", s.scheduleSkip)
	rt.Handle("schedule reminders", s.scheduleReminders)
	rt.Handle("schedule show", s.scheduleShow)
}

// scheduleGroup checks that the caller is an admin, on the server side
// (Discord lets a server grant the command to anyone), and resolves the group.
func (s *Service) scheduleGroup(ctx context.Context, r *Request) (*hearth.Group, *time.Location, error) {
	if err := requireAdmin(r); err != nil {
		return nil, nil, err
	}
	g, err := s.group(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	loc, err := g.Location()
	if err != nil {
		return nil, nil, err
	}
	return g, loc, nil
}

// replanned re-plans a group after a change that is already saved. If that
// fails, the planner's housekeeping notices the changed settings within a
// minute, so the change stands and the reply says when it takes effect.
func (s *Service) replanned(ctx context.Context, g *hearth.Group) string {
	if err := s.replan(ctx, g.ID); err != nil {
		s.Log.Error("unable to re-plan group", "group", g.ID, "error", err)
		return "\nThe meetings will be updated within a minute."
	}
	return ""
}

func (s *Service) scheduleSet(ctx context.Context, r *Request) (*Response, error) {
	g, loc, err := s.scheduleGroup(ctx, r)
	if err != nil {
		return nil, err
	}
	when := r.String("when")
	if _, err := hearth.ParseSchedule(when, loc, now(r)); err != nil {
		return nil, err
	}
	g, err = s.Store.UpdateGroup(ctx, g.ID, func(cur *hearth.Group) error {
		cur.Schedule = hearth.NormalizeSchedule(when)
		cur.ScheduleSetAt = now(r)
		return nil
	}, audit(r, "schedule.set", groupTarget(g)))
	if err != nil {
		return nil, err
	}
	note := s.replanned(ctx, g)
	next, err := s.comingMeetings(ctx, g, now(r), 3)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** now meets %s (%s).", g.Name, hearth.DescribeSchedule(g.Schedule), zoneName(g))
	writeMeetings(&b, "Next meetings", next)
	b.WriteString(note)
	return Ephemeral(b.String()), nil
}

func (s *Service) scheduleOnce(ctx context.Context, r *Request) (*Response, error) {
	g, loc, err := s.scheduleGroup(ctx, r)
	if err != nil {
		return nil, err
	}
	at, err := hearth.ParseMeetingTime(r.String("at"), loc)
	if err != nil {
		return nil, err
	}
	if !at.After(now(r)) {
		return nil, hearth.Errorf(hearth.EINVALID, "%s (%s) is in the past: give a date and time still to come, as `YYYY-MM-DD HH:MM` in %s.",
			clip(r.String("at"), 20), hearth.Timestamp(at, "R"), zoneName(g))
	}
	m := &hearth.Meeting{GroupID: g.ID, StartsAt: at, EndsAt: at.Add(g.Length()), OneOff: true}
	created, err := s.Store.PlanMeetings(ctx, []*hearth.Meeting{m}, func(m *hearth.Meeting) []*hearth.Job {
		return append(hearth.MeetingJobs(m, g, now(r)), hearth.MeetingEventJob(m, g, now(r), hearth.MeetingKey(m.ID, "event")))
	})
	if err != nil {
		return nil, err
	}
	if len(created) == 0 {
		return nil, hearth.Errorf(hearth.ECONFLICT, "**%s** already has a meeting at %s (or had one that was skipped). Nothing was added.", g.Name, hearth.Timestamp(at, "F"))
	}
	if err := s.Store.Audit(ctx, audit(r, "schedule.once", meetingTarget(m))); err != nil {
		return nil, err
	}
	s.wake()
	return Ephemeralf("Added a one-off meeting of **%s** on %s (%s). Reminders go out %s before it.",
		g.Name, hearth.Timestamp(at, "F"), hearth.Timestamp(at, "R"), hearth.FormatOffsets(g.ReminderOffsets)), nil
}

func (s *Service) scheduleSkip(ctx context.Context, r *Request) (*Response, error) {
	g, loc, err := s.scheduleGroup(ctx, r)
	if err != nil {
		return nil, err
	}
	date := r.String("date")
	from, to, err := hearth.ParseMeetingDate(date, loc)
	if err != nil {
		return nil, err
	}
	if !to.After(now(r)) {
		return nil, hearth.Errorf(hearth.EINVALID, "%s is in the past: give the date of a meeting still to come, as `YYYY-MM-DD`.", clip(date, 10))
	}
	stored, err := s.Store.MeetingsBetween(ctx, g.ID, from, to)
	if err != nil {
		return nil, err
	}
	// Meetings beyond the planned horizon are stored now, cancelled, so
	// the planner never plans them.
	times, err := hearth.MeetingTimes(g, from.Add(-1), to.Add(-1))
	if err != nil {
		return nil, err
	}
	var unplanned []*hearth.Meeting
	for _, t := range times {
		if !t.After(now(r)) || containsStart(stored, t) {
			continue
		}
		unplanned = append(unplanned, &hearth.Meeting{GroupID: g.ID, StartsAt: t, EndsAt: t.Add(g.Length()), Status: hearth.MeetingCancelled})
	}
	var skipped []*hearth.Meeting
	var refusal error
	for _, m := range stored {
		if m.Status == hearth.MeetingScheduled && !m.StartsAt.After(now(r)) {
			refusal = hearth.Errorf(hearth.ECONFLICT, "The meeting of %s has already started, so it can't be skipped.", hearth.Timestamp(m.StartsAt, "F"))
			continue
		}
		cancelled, err := s.Store.UpdateMeeting(ctx, m.ID, func(cur *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
			jobs, err := hearth.CancelMeeting(cur, g, now(r), true)
			a := audit(r, "schedule.skip", meetingTarget(cur))
			return jobs, &a, err
		})
		if hearth.ErrorCode(err) == hearth.ECONFLICT {
			refusal = err
			continue
		} else if err != nil {
			return nil, err
		}
		for _, prefix := range hearth.MeetingWorkPrefixes(m.ID) {
			if _, err := s.Store.CancelJobs(ctx, prefix); err != nil {
				// The handlers check the meeting's status: nothing is posted.
				s.Log.Error("unable to cancel jobs of a skipped meeting", "meeting", m.ID, "error", err)
			}
		}
		skipped = append(skipped, cancelled)
	}
	if len(unplanned) > 0 {
		created, err := s.Store.PlanMeetings(ctx, unplanned, func(m *hearth.Meeting) []*hearth.Job {
			return []*hearth.Job{hearth.MeetingJob(hearth.JobMeetingNotice, m, g, "", hearth.NoticeSkipped, now(r), hearth.MeetingKey(m.ID, "notice", hearth.NoticeSkipped))}
		})
		if err != nil {
			return nil, err
		}
		for _, m := range created {
			if err := s.Store.Audit(ctx, audit(r, "schedule.skip", meetingTarget(m))); err != nil {
				return nil, err
			}
		}
		skipped = append(skipped, created...)
	}
	if len(skipped) == 0 {
		if refusal != nil {
			return nil, refusal
		}
		return nil, hearth.Errorf(hearth.ENOTFOUND, "**%s** has no meeting on %s (%s). `/schedule show` lists the next ones.",
			g.Name, clip(date, 10), from.In(loc).Weekday())
	}
	s.wake()
	var b strings.Builder
	fmt.Fprintf(&b, "Cancelled the meeting of **%s** on ", g.Name)
	for i, m := range skipped {
		if i > 0 {
			b.WriteString(" and ")
		}
		b.WriteString(hearth.Timestamp(m.StartsAt, "F"))
	}
	fmt.Fprintf(&b, ". Members are told in <#%s>, and the event is removed from the server's Events.", g.ChannelID)
	return Ephemeral(b.String()), nil
}

// containsStart reports whether a meeting of ms starts at t.
func containsStart(ms []*hearth.Meeting, t time.Time) bool {
	for _, m := range ms {
		if m.StartsAt.Equal(t) {
			return true
		}
	}
	return false
}

func (s *Service) scheduleReminders(ctx context.Context, r *Request) (*Response, error) {
	g, _, err := s.scheduleGroup(ctx, r)
	if err != nil {
		return nil, err
	}
	offsets, err := hearth.ParseOffsets(r.String("before"))
	if err != nil {
		return nil, err
	}
	g, err = s.Store.UpdateGroup(ctx, g.ID, func(cur *hearth.Group) error {
		cur.ReminderOffsets = offsets
		return nil
	}, audit(r, "schedule.reminders", groupTarget(g)))
	if err != nil {
		return nil, err
	}
	note := s.replanned(ctx, g)
	return Ephemeralf("Reminders for **%s** now go out %s before each meeting, in <#%s>.%s",
		g.Name, hearth.FormatOffsets(g.ReminderOffsets), g.ChannelID, note), nil
}

func (s *Service) scheduleShow(ctx context.Context, r *Request) (*Response, error) {
	g, _, err := s.scheduleGroup(ctx, r)
	if err != nil {
		return nil, err
	}
	next, err := s.comingMeetings(ctx, g, now(r), 5)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**", g.Name)
	if g.Schedule != "" {
		fmt.Fprintf(&b, " meets %s", hearth.DescribeSchedule(g.Schedule))
	} else {
		b.WriteString(" has no recurring schedule")
	}
	fmt.Fprintf(&b, " (%s), %d minutes; reminders %s before.", zoneName(g), g.LengthMinutes, hearth.FormatOffsets(g.ReminderOffsets))
	if len(next) == 0 {
		b.WriteString("\nNo meetings are planned. Set a schedule with `/schedule set` or add a meeting with `/schedule once`.")
	} else {
		writeMeetings(&b, "Next meetings", next)
	}
	return Ephemeral(b.String()), nil
}

// writeMeetings lists meetings as Discord timestamps, one per line.
func writeMeetings(b *strings.Builder, title string, ms []*hearth.Meeting) {
	if len(ms) == 0 {
		return
	}
	fmt.Fprintf(b, "\n**%s:**", title)
	for i, m := range ms {
		fmt.Fprintf(b, "\n%d. %s", i+1, hearth.DescribeMeeting(m))
	}
}

// zoneName is the group's time zone as shown to admins.
func zoneName(g *hearth.Group) string {
	if g.Timezone == "" {
		return "UTC"
	}
	return g.Timezone
}

// meetingTarget names a meeting in audit entries.
func meetingTarget(m *hearth.Meeting) string { return "meeting:" + strconv.FormatInt(m.ID, 10) }
