package commands

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
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
func (s *Service) replanned(ctx context.Context, r *Request, g *hearth.Group) string {
	if err := s.replan(ctx, g.ID); err != nil {
		s.Log.Error("unable to re-plan group", "group", g.ID, "error", err)
		return r.T(locale.SchedReplanLater)
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
	// One stored form whatever the language it was written in (SPEC §10).
	stored, err := hearth.CanonicalSchedule(when)
	if err != nil {
		return nil, err
	}
	g, err = s.Store.UpdateGroup(ctx, g.ID, func(cur *hearth.Group) error {
		cur.Schedule = stored
		cur.ScheduleSetAt = now(r)
		return nil
	}, audit(r, "schedule.set", groupTarget(g)))
	if err != nil {
		return nil, err
	}
	note := s.replanned(ctx, r, g)
	next, err := s.comingMeetings(ctx, g, now(r), 3)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteString(r.T(locale.SchedSet, locale.A("Group", g.Name), locale.A("Schedule", hearth.DescribeScheduleIn(g.Schedule, r.Lang)), locale.A("Zone", zoneName(g))))
	writeMeetings(&b, r, r.T(locale.SchedNextMeetings), next)
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
		return nil, &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.SchedOncePast,
			locale.A("At", clip(r.String("at"), 20)), locale.A("Relative", hearth.Timestamp(at, "R")), locale.A("Zone", zoneName(g)))}
	}
	m := &hearth.Meeting{GroupID: g.ID, StartsAt: at, EndsAt: at.Add(g.Length()), OneOff: true}
	created, err := s.Store.PlanMeetings(ctx, []*hearth.Meeting{m}, func(m *hearth.Meeting) []*hearth.Job {
		return append(hearth.MeetingJobs(m, g, now(r)), hearth.EventsJob(g.GuildID, now(r), "meeting:"+strconv.FormatInt(m.ID, 10)))
	})
	if err != nil {
		return nil, err
	}
	if len(created) == 0 {
		return nil, &hearth.Error{Code: hearth.ECONFLICT, Message: r.T(locale.SchedOnceExists, locale.A("Group", g.Name), locale.A("When", hearth.Timestamp(at, "F")))}
	}
	if err := s.Store.Audit(ctx, audit(r, "schedule.once", meetingTarget(m))); err != nil {
		return nil, err
	}
	s.wake()
	return Ephemeral(r.T(locale.SchedOnceAdded, locale.A("Group", g.Name), locale.A("When", hearth.Timestamp(at, "F")),
		locale.A("Relative", hearth.Timestamp(at, "R")), locale.A("Offsets", hearth.FormatOffsets(g.ReminderOffsets)))), nil
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
		return nil, &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.SchedSkipPast, locale.A("Date", clip(date, 10)))}
	}
	if s.Skip == nil {
		return nil, errors.New("commands: no planner to skip meetings") // internal: the user sees the apology
	}
	skipped, err := s.Skip(ctx, g.ID, from, to, audit(r, "schedule.skip", ""))
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		weekday := r.T(locale.Key(fmt.Sprintf("schedule.weekday_%d", int(from.In(loc).Weekday()))))
		return nil, &hearth.Error{Code: hearth.ENOTFOUND, Message: r.T(locale.SchedSkipNone,
			locale.A("Group", g.Name), locale.A("Date", clip(date, 10)), locale.A("Weekday", weekday))}
	} else if err != nil {
		return nil, err
	}
	s.wake()
	whens := make([]string, len(skipped))
	for i, m := range skipped {
		whens[i] = hearth.Timestamp(m.StartsAt, "F")
	}
	return Ephemeral(r.T(locale.SchedSkipDone, locale.A("Group", g.Name), locale.A("When", strings.Join(whens, r.T(locale.SchedSkipAnd))),
		locale.A("Channel", "<#"+g.ChannelID+">"))), nil
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
	note := s.replanned(ctx, r, g)
	return Ephemeral(r.T(locale.SchedRemindersSet, locale.A("Group", g.Name), locale.A("Offsets", hearth.FormatOffsets(g.ReminderOffsets)),
		locale.A("Channel", "<#"+g.ChannelID+">"), locale.A("Note", note))), nil
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
	args := []locale.Arg{locale.A("Group", g.Name), locale.A("Zone", zoneName(g)), locale.A("Length", g.LengthMinutes),
		locale.A("Offsets", hearth.FormatOffsets(g.ReminderOffsets))}
	if g.Schedule != "" {
		b.WriteString(r.T(locale.SchedShowMeets, append(args, locale.A("Schedule", hearth.DescribeScheduleIn(g.Schedule, r.Lang)))...))
	} else {
		b.WriteString(r.T(locale.SchedShowNoSchedule, args...))
	}
	if len(next) == 0 {
		b.WriteString(r.T(locale.SchedShowNone))
	} else {
		writeMeetings(&b, r, r.T(locale.SchedNextMeetings), next)
	}
	return Ephemeral(b.String()), nil
}

// writeMeetings lists meetings as Discord timestamps, one per line.
func writeMeetings(b *strings.Builder, r *Request, title string, ms []*hearth.Meeting) {
	if len(ms) == 0 {
		return
	}
	fmt.Fprintf(b, "\n**%s:**", title)
	for i, m := range ms {
		fmt.Fprintf(b, "\n%d. %s", i+1, hearth.DescribeMeetingIn(m, r.Lang))
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
