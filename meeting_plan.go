package hearth

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"
)

// MeetingPlan records how far a group's recurring meetings are stored and
// from which settings, so that housekeeping only extends plans that need it
// and re-plans a group whose settings changed behind its back (a crash
// between a change and its re-plan, or another process).
type MeetingPlan struct {
	GroupID int64
	Key     string    // PlanKey of the group when it was planned
	Until   time.Time // meetings starting up to this instant are stored
}

// PlanKey returns a fingerprint of the settings a group's meetings and their
// jobs and events are made from: schedule, zone, when the schedule was set,
// length, reminder offsets, name and channel.
func PlanKey(g *Group) string {
	h := fnv.New64a()
	for _, part := range []string{
		g.Schedule, g.Timezone, strconv.FormatInt(g.ScheduleSetAt.Unix(), 10),
		strconv.Itoa(g.LengthMinutes), FormatOffsets(g.ReminderOffsets), g.Name, g.ChannelID,
	} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return strconv.FormatUint(h.Sum64(), 36)
}

// MeetingTimes returns the starts of a group's recurring meetings in (after,
// until], computed from its schedule in its zone. A group without a
// schedule has none.
func MeetingTimes(g *Group, after, until time.Time) ([]time.Time, error) {
	if strings.TrimSpace(g.Schedule) == "" {
		return nil, nil
	}
	loc, err := g.Location()
	if err != nil {
		return nil, err
	}
	s, err := ParseSchedule(g.Schedule, loc, g.ScheduleSetAt)
	if err != nil {
		return nil, err
	}
	var out []time.Time
	for t := s.Next(after); !t.IsZero() && !t.After(until); t = s.Next(t) {
		out = append(out, t)
	}
	return out, nil
}

// PlanStore is what the planner needs beyond meetings and jobs.
type PlanStore interface {
	// ScheduledGroups returns every group, of every guild, that has a
	// recurring schedule.
	ScheduledGroups(ctx context.Context) ([]*Group, error)
	// MeetingPlans returns the plans of all groups by group id.
	MeetingPlans(ctx context.Context) (map[int64]*MeetingPlan, error)
	// SaveMeetingPlans stores plans, replacing those of the same groups.
	SaveMeetingPlans(ctx context.Context, ps ...*MeetingPlan) error
	// PendingMeetingJobs returns the pending meeting jobs (keys starting
	// with "meeting:") of a group.
	PendingMeetingJobs(ctx context.Context, groupID int64) ([]*Job, error)
	// ComingMeetings returns the scheduled meetings of every group that
	// start in (from, to] and still have their pending start job, by start.
	ComingMeetings(ctx context.Context, from, to time.Time) ([]*Meeting, error)
}

// ParseMeetingTime reads a one-off meeting time, `YYYY-MM-DD HH:MM`, as a
// wall-clock time in loc, with ParseSchedule's daylight saving rule: a time
// in a gap moves to the end of the gap, a repeated time is its first
// occurrence. The result is in UTC.
func ParseMeetingTime(s string, loc *time.Location) (time.Time, error) {
	t, err := time.Parse("2006-01-02 15:04", strings.Join(strings.Fields(s), " "))
	if err != nil {
		return time.Time{}, Errorm(EINVALID, "input_err.date_time", []any{"Quoted", fmt.Sprintf("%q", clipText(s))},
			"I can't read %q as a date and time: write it as `YYYY-MM-DD HH:MM` in the group's time zone, e.g. `2026-03-17 19:00`.", clipText(s))
	}
	return resolveWallClock(t.Year(), t.Month(), t.Day(), t.Hour()*60+t.Minute(), zoneOr(loc)).UTC(), nil
}

// ParseMeetingDate reads a date, `YYYY-MM-DD`, and returns the instants its
// local day in loc begins and ends, in UTC.
func ParseMeetingDate(s string, loc *time.Location) (from, to time.Time, err error) {
	d, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, time.Time{}, Errorm(EINVALID, "input_err.date", []any{"Quoted", fmt.Sprintf("%q", clipText(s))},
			"I can't read %q as a date: write it as `YYYY-MM-DD`, e.g. `2026-03-17`.", clipText(s))
	}
	loc = zoneOr(loc)
	next := d.AddDate(0, 0, 1)
	from = resolveWallClock(d.Year(), d.Month(), d.Day(), 0, loc).UTC()
	to = resolveWallClock(next.Year(), next.Month(), next.Day(), 0, loc).UTC()
	return from, to, nil
}

func zoneOr(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// clipText shortens user input quoted in a message.
func clipText(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
