package hearth

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// specKind is the shape of a schedule expression.
type specKind int

const (
	specWeekly   specKind = iota // every <days> at <times>
	specBiweekly                 // every other <day> at <times>
	specMonthly                  // <nth> <day> of the month at <times>
	specCron                     // a 5-field cron expression
)

// scheduleSpec is a parsed schedule expression, independent of time zone.
type scheduleSpec struct {
	kind  specKind
	days  uint8 // weekdays, bit i for time.Weekday(i)
	nth   int   // specMonthly: 1 to 4, or -1 for the last
	times []int // minutes after midnight, ascending, no duplicates
	cron  *cron.SpecSchedule
	text  string // the expression normalized
}

// Weekday sets used by the friendly forms.
const (
	everyDay     uint8 = 0x7f
	everyWeekday uint8 = 0x3e // Monday to Friday
	everyWeekend uint8 = 0x41 // Saturday and Sunday
)

// weekdayNames are the day names the friendly forms accept.
var weekdayNames = map[string]time.Weekday{
	"sunday":    time.Sunday,
	"monday":    time.Monday,
	"tuesday":   time.Tuesday,
	"wednesday": time.Wednesday,
	"thursday":  time.Thursday,
	"friday":    time.Friday,
	"saturday":  time.Saturday,

	"sun": time.Sunday,
	"mon": time.Monday,
	"tue": time.Tuesday,
	"wed": time.Wednesday,
	"thu": time.Thursday,
	"fri": time.Friday,
	"sat": time.Saturday,

	"tues":  time.Tuesday,
	"thur":  time.Thursday,
	"thurs": time.Thursday,
}

// ordinals are the weeks of `<nth> <day> of the month`; -1 is the last.
var ordinals = map[string]int{
	"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1,
	"1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
}

// parseScheduleSpec parses a friendly form or a cron expression.
func parseScheduleSpec(expr string) (*scheduleSpec, error) {
	text := NormalizeSchedule(expr)
	if text == "" {
		return nil, scheduleError(expr, problem{})
	}
	if strings.ContainsRune("0123456789*?@", rune(text[0])) ||
		strings.HasPrefix(text, "tz=") || strings.HasPrefix(text, "cron_tz=") {
		return parseCron(expr, text)
	}
	if isSpanishSchedule(text) {
		return parseFriendly(expr, spanishToEnglish(text))
	}
	return parseFriendly(expr, text)
}

// parseCron parses a 5-field cron expression or a robfig/cron descriptor.
func parseCron(expr, text string) (*scheduleSpec, error) {
	if strings.HasPrefix(text, "tz=") || strings.HasPrefix(text, "cron_tz=") {
		return nil, scheduleError(expr, problemf("schedule_err.tz", nil, "the time zone is the group's, so leave out TZ= and set the zone with `/group edit`"))
	}
	if strings.HasPrefix(text, "@every") {
		return nil, scheduleError(expr, problemf("schedule_err.every", nil, "@every is not a meeting schedule"))
	}
	if !strings.HasPrefix(text, "@") {
		if n := len(strings.Fields(text)); n != 5 {
			return nil, scheduleError(expr, problemf("schedule_err.cron_fields", []any{"Count", n}, "a cron expression has 5 fields (minute hour day-of-month month day-of-week), this one has %d", n))
		}
	}
	sched, err := cron.ParseStandard(text)
	if err != nil {
		return nil, scheduleError(expr, problemf("schedule_err.cron_invalid", []any{"Detail", err.Error()}, "the cron expression is not valid (%s)", err.Error()))
	}
	c, ok := sched.(*cron.SpecSchedule)
	if !ok {
		return nil, scheduleError(expr, problem{})
	}
	spec := &scheduleSpec{kind: specCron, cron: c, text: text}
	for h := range 24 {
		for m := range 60 {
			if c.Hour&(1<<uint(h)) != 0 && c.Minute&(1<<uint(m)) != 0 {
				spec.times = append(spec.times, h*60+m)
			}
		}
	}
	return spec, nil
}

// parseFriendly parses the friendly forms documented on ParseSchedule.
func parseFriendly(expr, text string) (*scheduleSpec, error) {
	toks := strings.Fields(strings.ReplaceAll(text, ",", " , "))
	spec := &scheduleSpec{kind: specWeekly, text: text}
	fail := func(p problem) (*scheduleSpec, error) { return nil, scheduleError(expr, p) }
	i := 0
	peek := func() string {
		if i < len(toks) {
			return toks[i]
		}
		return ""
	}
	if peek() == "every" || peek() == "each" {
		i++
		if peek() == "other" {
			spec.kind = specBiweekly
			i++
		}
	}
	if n, ok := ordinals[peek()]; ok && spec.kind == specWeekly {
		spec.kind, spec.nth = specMonthly, n
		i++
	} else if peek() == "fifth" || peek() == "5th" {
		return fail(problemf("schedule_err.fifth", nil, "a month may have no fifth day of a kind: use first, second, third, fourth or last"))
	} else if i == 0 {
		return fail(problem{})
	}

	// The days, up to "at" or the first time.
	ndays := 0
	for ; i < len(toks) && toks[i] != "at" && !startsWithDigit(toks[i]) && toks[i] != "noon" && toks[i] != "midnight"; i++ {
		tok := toks[i]
		switch tok {
		case ",", "and", "&":
			continue
		case "day", "days", "daily":
			spec.days |= everyDay
		case "weekday", "weekdays":
			spec.days |= everyWeekday
		case "weekend", "weekends":
			spec.days |= everyWeekend
		case "of":
			if spec.kind != specMonthly {
				return fail(problemf("schedule_err.of", nil, "`of` only follows first, second, third, fourth or last, as in `first monday of the month at 19:00`"))
			}
			// of [the|every|each] month
			i++
			if w := peek(); w == "the" || w == "every" || w == "each" {
				i++
			}
			if peek() != "month" {
				return fail(problemf("schedule_err.of_month", nil, "write `of the month`, as in `first monday of the month at 19:00`"))
			}
			continue
		default:
			wd, ok := weekdayNames[tok]
			if !ok && strings.HasSuffix(tok, "s") {
				wd, ok = weekdayNames[strings.TrimSuffix(tok, "s")]
			}
			if !ok {
				return fail(problemf("schedule_err.not_a_day", []any{"Token", tok}, "`%s` is not a day (use monday to sunday, or mon, tue, wed, thu, fri, sat, sun)", tok))
			}
			spec.days |= 1 << wd
		}
		ndays++
	}
	if ndays == 0 || spec.days == 0 {
		return fail(problemf("schedule_err.no_day", nil, "it names no day"))
	}
	if spec.kind != specWeekly && (ndays != 1 || spec.days&(spec.days-1) != 0) {
		if spec.kind == specBiweekly {
			return fail(problemf("schedule_err.other_one_day", nil, "`every other` takes one day, as in `every other wednesday at 19:00`"))
		}
		return fail(problemf("schedule_err.monthly_one_day", nil, "name one day, as in `first monday of the month at 19:00`"))
	}

	// The times.
	if peek() == "at" {
		i++
	}
	if i >= len(toks) {
		return fail(problemf("schedule_err.no_time", nil, "it has no time: add one such as `at 19:00`"))
	}
	for ; i < len(toks); i++ {
		tok := toks[i]
		if tok == "," || tok == "and" || tok == "&" {
			continue
		}
		if i+1 < len(toks) && (toks[i+1] == "am" || toks[i+1] == "pm") {
			tok += toks[i+1]
			i++
		}
		m, p := parseClock(tok)
		if p.en != "" {
			return fail(p)
		}
		spec.times = append(spec.times, m)
	}
	if len(spec.times) == 0 {
		return fail(problemf("schedule_err.no_time", nil, "it has no time: add one such as `at 19:00`"))
	}
	sort.Ints(spec.times)
	spec.times = compactInts(spec.times)
	return spec, nil
}

// parseClock parses HH:MM (24-hour), H[:MM]am|pm, noon or midnight into
// minutes after midnight, or says what is wrong.
func parseClock(tok string) (int, problem) {
	switch tok {
	case "noon":
		return 12 * 60, problem{}
	case "midnight":
		return 0, problem{}
	}
	bad := problemf("schedule_err.not_a_time", []any{"Token", tok}, "`%s` is not a time: use HH:MM in 24-hour form, such as 19:00, or 7pm, 7:30pm", tok)
	suffix := ""
	if strings.HasSuffix(tok, "am") || strings.HasSuffix(tok, "pm") {
		suffix, tok = tok[len(tok)-2:], tok[:len(tok)-2]
	}
	hs, ms, hasMin := strings.Cut(tok, ":")
	if !hasMin && suffix == "" {
		return 0, bad
	}
	if !isDigits(hs, 1, 2) || (hasMin && !isDigits(ms, 2, 2)) {
		return 0, bad
	}
	h, _ := strconv.Atoi(hs)
	m := 0
	if hasMin {
		m, _ = strconv.Atoi(ms)
	}
	if m > 59 {
		return 0, problemf("schedule_err.minutes", []any{"Token", tok + suffix}, "in `%s%s` the minutes must be 00 to 59", tok, suffix)
	}
	if suffix != "" {
		if h < 1 || h > 12 {
			return 0, problemf("schedule_err.hour_12", []any{"Token", tok + suffix}, "in `%s%s` the hour must be 1 to 12 with am or pm", tok, suffix)
		}
		h %= 12
		if suffix == "pm" {
			h += 12
		}
	} else if h > 23 {
		return 0, problemf("schedule_err.hour_24", []any{"Token", tok}, "in `%s` the hour must be 00 to 23", tok)
	}
	return h*60 + m, problem{}
}

// describe renders a spec in English.
func (s *scheduleSpec) describe() string {
	if s.kind == specCron {
		return "cron " + s.text
	}
	var days string
	switch s.days {
	case everyDay:
		days = "day"
	case everyWeekday:
		days = "weekday"
	default:
		var names []string
		for i := 1; i <= 7; i++ { // Monday first
			if wd := time.Weekday(i % 7); s.days&(1<<wd) != 0 {
				names = append(names, wd.String())
			}
		}
		days = joinAnd(names)
	}
	clocks := make([]string, len(s.times))
	for i, m := range s.times {
		clocks[i] = fmt.Sprintf("%02d:%02d", m/60, m%60)
	}
	at := " at " + joinAnd(clocks)
	switch s.kind {
	case specBiweekly:
		return "every other " + days + at
	case specMonthly:
		nth := [...]string{"last", "first", "second", "third", "fourth"}[max(s.nth, 0)]
		return "the " + nth + " " + days + " of each month" + at
	}
	return "every " + days + at
}

// joinAnd joins words as "a, b and c".
func joinAnd(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

func startsWithDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// isDigits reports whether s is lo to hi ASCII digits.
func isDigits(s string, lo, hi int) bool {
	if len(s) < lo || len(s) > hi {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// compactInts removes adjacent duplicates from a sorted slice.
func compactInts(s []int) []int {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
