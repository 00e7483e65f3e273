package hearth

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule tells when a group meets: Next returns the first meeting strictly
// after t, or the zero time if there is none. It has the shape of
// robfig/cron's Schedule, so a Schedule can be used wherever a cron.Schedule
// is expected and the other way round.
type Schedule interface {
	Next(t time.Time) time.Time
}

// scheduleScanDays bounds the search of Next: nine years covers every date a
// cron expression can name, including a 29 February across a century year.
const scheduleScanDays = 9 * 366

// ParseSchedule reads a recurring schedule as an admin wrote it (SPEC §2
// `/schedule set`) and returns it evaluated in loc, the group's time zone
// (nil means UTC). anchor is when the schedule was set: `every other …`
// counts its fortnights from the date of the first meeting on or after
// anchor, and a schedule with no time in the nine years after anchor (such
// as the cron `0 0 30 2 *`) is rejected as one that never fires.
//
// The accepted forms, case-insensitive and with any spacing:
//
//	every tuesday at 19:00                 one day, full name or 3 letters
//	every mon,thu at 18:30                 a list: commas and/or "and"
//	every day at 09:00                     also "every weekday" (Mon–Fri), "every weekend"
//	every other wednesday at 19:00         biweekly, one day
//	first monday of the month at 19:00     second, third, fourth or last
//	0 19 * * 2                             a 5-field cron expression
//
// Times are HH:MM in 24-hour form, or 7pm, 7:30pm; "at 09:00 and 18:00"
// lists several times a day. Cron expressions use robfig/cron's standard
// syntax (minute hour day-of-month month day-of-week, names such as MON or
// JAN, ranges, lists, steps, and descriptors such as @weekly); @every is
// refused, and so is a TZ= prefix because the zone is the group's.
//
// Daylight saving time. Meetings are wall-clock times in loc, for friendly
// forms and cron alike: `every tuesday at 19:00` in Europe/Madrid is 19:00
// local on both sides of a change. A local time that does not exist on a
// day (it falls in the gap when clocks spring forward) moves to the first
// instant after the gap: 02:30 on a day when clocks jump from 02:00 to 03:00
// happens at 03:00. A local time that occurs twice (clocks fall back)
// happens once, at its first occurrence. Several times that land on the same
// instant fire once: an hourly cron fires once at 03:00 on that spring day,
// and not again in the repeated hour of a fall-back day. Next always returns
// a time strictly after its argument, in UTC.
//
// Errors are *Error with code EINVALID whose message quotes the input, says
// what was wrong when that is known, and lists the accepted forms.
func ParseSchedule(expr string, loc *time.Location, anchor time.Time) (Schedule, error) {
	if loc == nil {
		loc = time.UTC
	}
	spec, err := parseScheduleSpec(expr)
	if err != nil {
		return nil, err
	}
	s := &wallSchedule{loc: loc, spec: spec}
	if spec.kind == specBiweekly {
		// The fortnights start on the date of the first such meeting on or
		// after the anchor.
		weekly := &wallSchedule{loc: loc, spec: &scheduleSpec{kind: specWeekly, days: spec.days, times: spec.times}}
		if _, day := weekly.next(anchor.Add(-time.Nanosecond)); day != noDay {
			s.epoch = day
		}
	}
	if s.Next(anchor).IsZero() {
		e := Errorf(EINVALID, "The schedule `%s` never fires: no date matches it (check the day of month and the month). %s",
			scheduleQuote(expr), scheduleAccepted)
		e.Msg = &Msg{Key: "schedule_err.never", Args: []any{"Quoted", scheduleQuote(expr), "Accepted", Msg{Key: "schedule_err.accepted"}}}
		return nil, e
	}
	return s, nil
}

// NextN returns the next n times of s strictly after after, in order. It
// returns fewer when s stops firing, and none when n <= 0.
func NextN(s Schedule, after time.Time, n int) []time.Time {
	var out []time.Time
	for t := after; len(out) < n; {
		next := s.Next(t)
		if next.IsZero() || !next.After(t) {
			break
		}
		out = append(out, next)
		t = next
	}
	return out
}

// NormalizeSchedule returns expr lowercased, with single spaces and no
// spaces around commas, which is how a schedule is stored and shown.
func NormalizeSchedule(expr string) string {
	s := strings.Join(strings.Fields(strings.ToLower(expr)), " ")
	s = strings.ReplaceAll(s, " ,", ",")
	return strings.ReplaceAll(s, ", ", ",")
}

// DescribeSchedule returns a short English description of a schedule
// expression, such as "every Monday and Thursday at 18:30" or "cron 0 19 * *
// 2"; for an expression that cannot be read it returns the expression
// normalized by NormalizeSchedule.
func DescribeSchedule(expr string) string {
	spec, err := parseScheduleSpec(expr)
	if err != nil {
		return NormalizeSchedule(expr)
	}
	return spec.describe()
}

// scheduleAccepted is the list of accepted forms that ends every error.
const scheduleAccepted = "Use a friendly form such as `every tuesday at 19:00`, `every mon,thu at 18:30`, " +
	"`every day at 09:00`, `every other wednesday at 19:00`, `first monday of the month at 19:00`, " +
	"or a 5-field cron expression such as `0 19 * * 2`."

// scheduleError returns the EINVALID error for expr, with the problem when
// it is known.
func scheduleError(expr string, p problem) error {
	quoted := scheduleQuote(expr)
	accepted := Msg{Key: "schedule_err.accepted"}
	var e *Error
	switch {
	case quoted == "":
		e = Errorf(EINVALID, "The schedule is empty. %s", scheduleAccepted)
		e.Msg = &Msg{Key: "schedule_err.empty", Args: []any{"Accepted", accepted}}
	case p.en == "":
		e = Errorf(EINVALID, "I can't read `%s` as a schedule. %s", quoted, scheduleAccepted)
		e.Msg = &Msg{Key: "schedule_err.unreadable", Args: []any{"Quoted", quoted, "Accepted", accepted}}
	default:
		e = Errorf(EINVALID, "I can't read `%s` as a schedule: %s. %s", quoted, p.en, scheduleAccepted)
		e.Msg = &Msg{Key: "schedule_err.problem", Args: []any{"Quoted", quoted, "Problem", p.msg, "Accepted", accepted}}
	}
	return e
}

// problem says what is wrong with a schedule expression: in English, and
// as a catalog message for the reader's language. The zero problem is none.
type problem struct {
	en  string
	msg Msg
}

// problemf returns a problem: key and its name, value args for the
// catalog, format and its args for the English.
func problemf(key string, args []any, format string, fmtArgs ...any) problem {
	return problem{en: fmt.Sprintf(format, fmtArgs...), msg: Msg{Key: key, Args: args}}
}

// scheduleQuote returns expr fit to quote in a message: single spaces, no
// backticks, at most 80 characters.
func scheduleQuote(expr string) string {
	quoted := strings.ReplaceAll(strings.Join(strings.Fields(expr), " "), "`", "'")
	if r := []rune(quoted); len(r) > 80 {
		quoted = string(r[:80]) + "…"
	}
	return quoted
}

// wallSchedule evaluates a schedule spec as wall-clock times in loc.
type wallSchedule struct {
	loc   *time.Location
	spec  *scheduleSpec
	epoch int64 // biweekly: a date (days since 1970-01-01) on which it meets
}

var _ cron.Schedule = (*wallSchedule)(nil)

// noDay is the day returned by next when there is no next time.
const noDay = -1 << 62

// Next returns the first time of the schedule strictly after t, in UTC, or
// the zero time if there is none within nine years.
func (s *wallSchedule) Next(t time.Time) time.Time {
	next, _ := s.next(t)
	return next
}

// next returns the first time strictly after t and its local date as days
// since 1970-01-01.
func (s *wallSchedule) next(t time.Time) (time.Time, int64) {
	times := s.spec.times
	// Start a day early: a time of the day before can only land after t if
	// a gap pushes it past midnight, but costs nothing to check.
	first := dayNumber(t.In(s.loc)) - 1
	for day := first; day <= first+scheduleScanDays; day++ {
		y, m, d := civilDate(day)
		if !s.matches(day, y, m, d) {
			continue
		}
		// Within a day the resolved instants never decrease, so search.
		i := sort.Search(len(times), func(i int) bool {
			return resolveWallClock(y, m, d, times[i], s.loc).After(t)
		})
		if i < len(times) {
			return resolveWallClock(y, m, d, times[i], s.loc).UTC(), day
		}
	}
	return time.Time{}, noDay
}

// matches reports whether the schedule meets on a local date.
func (s *wallSchedule) matches(day int64, y int, m time.Month, d int) bool {
	sp := s.spec
	wd := time.Weekday(((day+4)%7 + 7) % 7) // 1970-01-01 was a Thursday
	switch sp.kind {
	case specWeekly:
		return sp.days&(1<<wd) != 0
	case specBiweekly:
		return sp.days&(1<<wd) != 0 && ((day-s.epoch)%14+14)%14 == 0
	case specMonthly:
		if sp.days&(1<<wd) == 0 {
			return false
		}
		if sp.nth < 0 {
			return d+7 > daysIn(y, m)
		}
		return (d-1)/7+1 == sp.nth
	case specCron:
		c := sp.cron
		if c.Month&(1<<uint(m)) == 0 {
			return false
		}
		// As robfig/cron: if either day field is *, both must match;
		// otherwise either may.
		domMatch := c.Dom&(1<<uint(d)) != 0
		dowMatch := c.Dow&(1<<uint(wd)) != 0
		if c.Dom&cronStar != 0 || c.Dow&cronStar != 0 {
			return domMatch && dowMatch
		}
		return domMatch || dowMatch
	}
	return false
}

// cronStar is the bit robfig/cron sets in a field written as * or ?.
const cronStar = 1 << 63

// resolveWallClock returns the instant of the local wall-clock time minute
// (minutes after midnight) on y-m-d in loc, applying the daylight saving
// rule: a time that occurs twice is its first occurrence, and a time that
// does not exist is the end of the gap it falls in. time.Date leaves both
// cases unspecified.
func resolveWallClock(y int, m time.Month, d, minute int, loc *time.Location) time.Time {
	wall := time.Date(y, m, d, minute/60, minute%60, 0, 0, time.UTC)
	if loc == time.UTC {
		return wall
	}
	// Walk the zone periods around the date, earliest first: the first
	// period in which the wall-clock time exists gives the first occurrence.
	t := wall.Add(-48 * time.Hour)
	limit := wall.Add(48 * time.Hour)
	var gapEnd time.Time
	for range 16 {
		lt := t.In(loc)
		_, off := lt.Zone()
		start, end := lt.ZoneBounds()
		u := wall.Add(-time.Duration(off) * time.Second)
		if (start.IsZero() || !u.Before(start)) && (end.IsZero() || u.Before(end)) {
			return u
		}
		// u before the period's start means wall lies before this period
		// in its own offset: if no earlier period holds it, it is in the
		// gap that ends where this period starts.
		if u.Before(start) && gapEnd.IsZero() {
			gapEnd = start
		}
		if end.IsZero() || end.After(limit) {
			break
		}
		t = end
	}
	if !gapEnd.IsZero() {
		return gapEnd
	}
	return time.Date(y, m, d, minute/60, minute%60, 0, 0, loc) // unreachable for real zones
}

// dayNumber returns the local date of t as days since 1970-01-01.
func dayNumber(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// civilDate returns the date that is day days after 1970-01-01.
func civilDate(day int64) (int, time.Month, int) {
	return time.Unix(day*86400, 0).UTC().Date()
}

// daysIn returns the number of days in a month.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}
