package hearth_test

import (
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the DST tables must not depend on the machine's zoneinfo

	"github.com/hearthbot/hearth"
	"github.com/robfig/cron/v3"
)

// schedWall is the layout of expected local times: the zone abbreviation
// pins the offset, so a time on the wrong side of a DST change fails.
const schedWall = "2006-01-02 Mon 15:04 MST"

var _ cron.Schedule = hearth.Schedule(nil) // the same shape as robfig/cron's

func schedLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// schedAt parses a local "2006-01-02 15:04" in loc.
func schedAt(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

// schedNext returns the next n occurrences after after, formatted in loc,
// and checks that each is in UTC and strictly after the one before.
func schedNext(t *testing.T, s hearth.Schedule, after time.Time, n int, loc *time.Location) []string {
	t.Helper()
	var out []string
	prev := after
	for _, tm := range hearth.NextN(s, after, n) {
		if !tm.After(prev) {
			t.Errorf("Next(%v) = %v, not after it", prev, tm)
		}
		if tm.Location() != time.UTC {
			t.Errorf("Next returned %v, not in UTC", tm)
		}
		prev = tm
		out = append(out, tm.In(loc).Format(schedWall))
	}
	return out
}

func TestParseSchedule(t *testing.T) {
	madrid := schedLoc(t, "Europe/Madrid")
	// Monday 2 February 2026, noon, in Madrid (no DST change nearby).
	const anchor = "2026-02-02 12:00"
	tests := []struct {
		name   string
		expr   string
		anchor string // when the schedule was set; default anchor
		after  string // default anchor
		want   []string
	}{
		{"Weekly", "every tuesday at 19:00", "", "",
			[]string{"2026-02-03 Tue 19:00 CET", "2026-02-10 Tue 19:00 CET", "2026-02-17 Tue 19:00 CET"}},
		{"WeeklyCaseAndSpaces", "  Every   TUESDAY  at 19:00 ", "", "",
			[]string{"2026-02-03 Tue 19:00 CET", "2026-02-10 Tue 19:00 CET", "2026-02-17 Tue 19:00 CET"}},
		{"WeeklyAbbrevPM", "every tue at 7pm", "", "",
			[]string{"2026-02-03 Tue 19:00 CET", "2026-02-10 Tue 19:00 CET", "2026-02-17 Tue 19:00 CET"}},
		{"WeeklyPlural", "every Tuesdays at 7:30 pm", "", "",
			[]string{"2026-02-03 Tue 19:30 CET", "2026-02-10 Tue 19:30 CET", "2026-02-17 Tue 19:30 CET"}},
		{"WeeklyNoAt", "every tuesday 19:00", "", "",
			[]string{"2026-02-03 Tue 19:00 CET", "2026-02-10 Tue 19:00 CET", "2026-02-17 Tue 19:00 CET"}},
		{"ListCommas", "every mon,thu at 18:30", "", "",
			[]string{"2026-02-02 Mon 18:30 CET", "2026-02-05 Thu 18:30 CET", "2026-02-09 Mon 18:30 CET"}},
		{"ListAnd", "every Monday and Thursday at 18:30", "", "",
			[]string{"2026-02-02 Mon 18:30 CET", "2026-02-05 Thu 18:30 CET", "2026-02-09 Mon 18:30 CET"}},
		{"ListCommaSpacesAnd", "every mon , wed, and fri at 08:00", "", "",
			[]string{"2026-02-04 Wed 08:00 CET", "2026-02-06 Fri 08:00 CET", "2026-02-09 Mon 08:00 CET"}},
		{"Daily", "every day at 09:00", "", "",
			[]string{"2026-02-03 Tue 09:00 CET", "2026-02-04 Wed 09:00 CET", "2026-02-05 Thu 09:00 CET"}},
		{"DailyTwoTimes", "every day at 18:00 and 9:00", "", "",
			[]string{"2026-02-02 Mon 18:00 CET", "2026-02-03 Tue 09:00 CET", "2026-02-03 Tue 18:00 CET"}},
		{"Weekday", "every weekday at 07:30", "", "2026-02-06 12:00",
			[]string{"2026-02-09 Mon 07:30 CET", "2026-02-10 Tue 07:30 CET", "2026-02-11 Wed 07:30 CET"}},
		{"Weekend", "every weekend at noon", "", "",
			[]string{"2026-02-07 Sat 12:00 CET", "2026-02-08 Sun 12:00 CET", "2026-02-14 Sat 12:00 CET"}},
		{"Midnight12am", "every friday at 12am", "", "",
			[]string{"2026-02-06 Fri 00:00 CET", "2026-02-13 Fri 00:00 CET", "2026-02-20 Fri 00:00 CET"}},
		{"EveryOther", "every other wednesday at 19:00", "", "",
			[]string{"2026-02-04 Wed 19:00 CET", "2026-02-18 Wed 19:00 CET", "2026-03-04 Wed 19:00 CET"}},
		{"EveryOtherAskedLater", "every other wednesday at 19:00", "", "2026-02-05 12:00",
			[]string{"2026-02-18 Wed 19:00 CET", "2026-03-04 Wed 19:00 CET", "2026-03-18 Wed 19:00 CET"}},
		{"EveryOtherSetThatDayBefore", "every other wednesday at 19:00", "2026-02-04 18:59", "",
			[]string{"2026-02-04 Wed 19:00 CET", "2026-02-18 Wed 19:00 CET", "2026-03-04 Wed 19:00 CET"}},
		{"EveryOtherSetThatDayAt", "every other wednesday at 19:00", "2026-02-04 19:00", "",
			[]string{"2026-02-04 Wed 19:00 CET", "2026-02-18 Wed 19:00 CET", "2026-03-04 Wed 19:00 CET"}},
		{"EveryOtherSetThatDayAfter", "every other wednesday at 19:00", "2026-02-04 19:01", "",
			[]string{"2026-02-11 Wed 19:00 CET", "2026-02-25 Wed 19:00 CET", "2026-03-11 Wed 19:00 CET"}},
		{"FirstMonday", "first monday of the month at 19:00", "", "",
			[]string{"2026-02-02 Mon 19:00 CET", "2026-03-02 Mon 19:00 CET", "2026-04-06 Mon 19:00 CEST"}},
		{"SecondTuesdayOfEveryMonth", "second tue of every month at 19:00", "", "",
			[]string{"2026-02-10 Tue 19:00 CET", "2026-03-10 Tue 19:00 CET", "2026-04-14 Tue 19:00 CEST"}},
		{"Third", "third wednesday of the month at 18:00", "", "",
			[]string{"2026-02-18 Wed 18:00 CET", "2026-03-18 Wed 18:00 CET", "2026-04-15 Wed 18:00 CEST"}},
		// March 2026 has five Mondays: the fourth and the last differ.
		{"FourthMonday", "fourth monday of the month at 19:00", "", "",
			[]string{"2026-02-23 Mon 19:00 CET", "2026-03-23 Mon 19:00 CET", "2026-04-27 Mon 19:00 CEST"}},
		{"LastMonday", "last monday of the month at 19:00", "", "",
			[]string{"2026-02-23 Mon 19:00 CET", "2026-03-30 Mon 19:00 CEST", "2026-04-27 Mon 19:00 CEST"}},
		{"LastNoOfTheMonth", "Last Friday at 18:00", "", "",
			[]string{"2026-02-27 Fri 18:00 CET", "2026-03-27 Fri 18:00 CET", "2026-04-24 Fri 18:00 CEST"}},
		{"Cron", "0 19 * * 2", "", "",
			[]string{"2026-02-03 Tue 19:00 CET", "2026-02-10 Tue 19:00 CET", "2026-02-17 Tue 19:00 CET"}},
		{"CronNames", "30 18 * * MON,THU", "", "",
			[]string{"2026-02-02 Mon 18:30 CET", "2026-02-05 Thu 18:30 CET", "2026-02-09 Mon 18:30 CET"}},
		{"CronDayOfMonth", "0 9 1 * *", "", "",
			[]string{"2026-03-01 Sun 09:00 CET", "2026-04-01 Wed 09:00 CEST", "2026-05-01 Fri 09:00 CEST"}},
		// Both day fields restricted: either matches, as in cron(8) and robfig/cron.
		{"CronDomOrDow", "0 19 1 * 3", "", "",
			[]string{"2026-02-04 Wed 19:00 CET", "2026-02-11 Wed 19:00 CET", "2026-02-18 Wed 19:00 CET"}},
		{"CronDescriptor", "@weekly", "", "",
			[]string{"2026-02-08 Sun 00:00 CET", "2026-02-15 Sun 00:00 CET", "2026-02-22 Sun 00:00 CET"}},
		{"CronLeapDay", "0 19 29 2 *", "", "",
			[]string{"2028-02-29 Tue 19:00 CET", "2032-02-29 Sun 19:00 CET", "2036-02-29 Fri 19:00 CET"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, after := tt.anchor, tt.after
			if set == "" {
				set = anchor
			}
			if after == "" {
				after = anchor
			}
			s, err := hearth.ParseSchedule(tt.expr, madrid, schedAt(t, madrid, set))
			if err != nil {
				t.Fatal(err)
			}
			if got := schedNext(t, s, schedAt(t, madrid, after), len(tt.want), madrid); !slices.Equal(got, tt.want) {
				t.Errorf("next:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestParseSchedule_Errors(t *testing.T) {
	tests := []struct {
		name    string
		expr    string
		problem string // part of the message that says what was wrong
	}{
		{"ErrEmpty", "", "empty"},
		{"ErrBlank", "   ", "empty"},
		{"ErrGarbage", "whenever you like", "`whenever you like`"},
		{"ErrPunctuation", "!!!", "`!!!`"},
		{"ErrUnknownDay", "every tusday at 19:00", "`tusday` is not a day"},
		{"ErrHour", "every tuesday at 25:00", "hour must be 00 to 23"},
		{"ErrMinute", "every tuesday at 19:60", "minutes must be 00 to 59"},
		{"ErrMinuteDigits", "every tuesday at 19:5", "`19:5` is not a time"},
		{"ErrHourPM", "every tuesday at 13pm", "1 to 12 with am or pm"},
		{"ErrBareNumber", "every tuesday at 7", "`7` is not a time"},
		{"ErrTrailingWord", "every tuesday at 19:00 sharp", "`sharp` is not a time"},
		{"ErrNoTime", "every tuesday", "no time"},
		{"ErrNoDay", "every at 19:00", "no day"},
		{"ErrOtherList", "every other mon,thu at 19:00", "`every other` takes one day"},
		{"ErrMonthlyList", "first mon and tue of the month at 19:00", "name one day"},
		{"ErrFifth", "fifth monday of the month at 19:00", "first, second, third, fourth or last"},
		{"ErrOfTheYear", "first monday of the year at 19:00", "`of the month`"},
		{"ErrCronSixFields", "0 0 19 * * 2", "5 fields"},
		{"ErrCronFourFields", "0 19 * *", "this one has 4"},
		{"ErrCronRange", "0 25 * * *", "not valid"},
		{"ErrCronNeverFires", "0 0 30 2 *", "never fires"},
		{"ErrCronEvery", "@every 1h", "@every"},
		{"ErrCronTZ", "CRON_TZ=Europe/Madrid 0 19 * * 2", "time zone"},
		{"ErrBacktick", "every `tuesday` at 19:00", "'tuesday'"},
	}
	madrid := schedLoc(t, "Europe/Madrid")
	anchor := time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := hearth.ParseSchedule(tt.expr, madrid, anchor)
			if err == nil {
				t.Fatalf("accepted as %#v", s)
			}
			if code := hearth.ErrorCode(err); code != hearth.EINVALID {
				t.Fatalf("code %q, want %q (%v)", code, hearth.EINVALID, err)
			}
			msg := hearth.ErrorMessage(err)
			if !strings.Contains(msg, tt.problem) {
				t.Errorf("message %q does not say %q", msg, tt.problem)
			}
			for _, accepted := range []string{"`every tuesday at 19:00`", "`every other wednesday at 19:00`", "`first monday of the month at 19:00`", "`0 19 * * 2`"} {
				if !strings.Contains(msg, accepted) {
					t.Errorf("message %q does not list %s", msg, accepted)
				}
			}
			if in := strings.TrimSpace(tt.expr); in != "" && !strings.Contains(tt.expr, "`") && !strings.Contains(msg, "`"+in+"`") {
				t.Errorf("message %q does not quote the input", msg)
			}
		})
	}
}

func TestNextN(t *testing.T) {
	utc := time.UTC
	s, err := hearth.ParseSchedule("every day at 09:00", utc, time.Date(2026, 1, 1, 0, 0, 0, 0, utc))
	if err != nil {
		t.Fatal(err)
	}
	after := time.Date(2026, 1, 1, 9, 0, 0, 0, utc) // exactly a meeting: not included
	t.Run("OK", func(t *testing.T) {
		got := hearth.NextN(s, after, 2)
		want := []time.Time{time.Date(2026, 1, 2, 9, 0, 0, 0, utc), time.Date(2026, 1, 3, 9, 0, 0, 0, utc)}
		if !slices.EqualFunc(got, want, time.Time.Equal) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
	t.Run("Zero", func(t *testing.T) {
		if got := hearth.NextN(s, after, 0); len(got) != 0 {
			t.Errorf("got %v", got)
		}
	})
	t.Run("StopsWhenScheduleEnds", func(t *testing.T) {
		once := schedOnce(time.Date(2026, 1, 5, 0, 0, 0, 0, utc))
		if got := hearth.NextN(once, after, 3); len(got) != 1 {
			t.Errorf("got %v, want one time", got)
		}
	})
	t.Run("RobfigSchedule", func(t *testing.T) {
		c, err := cron.ParseStandard("0 9 * * *")
		if err != nil {
			t.Fatal(err)
		}
		if got := hearth.NextN(c, after, 2); len(got) != 2 {
			t.Errorf("got %v", got)
		}
	})
}

// schedOnce fires once, at its time.
type schedOnce time.Time

func (o schedOnce) Next(t time.Time) time.Time {
	if at := time.Time(o); at.After(t) {
		return at
	}
	return time.Time{}
}

func TestNormalizeSchedule(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Every   TUESDAY at 19:00 ", "every tuesday at 19:00"},
		{"every Mon , Thu at 18:30", "every mon,thu at 18:30"},
		{"0  19 * *\t2", "0 19 * * 2"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := hearth.NormalizeSchedule(tt.in); got != tt.want {
				t.Errorf("NormalizeSchedule(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDescribeSchedule(t *testing.T) {
	tests := []struct{ in, want string }{
		{"every tuesday at 19:00", "every Tuesday at 19:00"},
		{"every thu and mon at 6:30pm", "every Monday and Thursday at 18:30"},
		{"every mon,wed,fri at 08:00", "every Monday, Wednesday and Friday at 08:00"},
		{"every sat,sun at 10:00", "every Saturday and Sunday at 10:00"},
		{"every day at 18:00 and 09:00", "every day at 09:00 and 18:00"},
		{"every weekday at 7:30", "every weekday at 07:30"},
		{"every other wed at 19:00", "every other Wednesday at 19:00"},
		{"first monday of the month at 19:00", "the first Monday of each month at 19:00"},
		{"last friday of the month at 7pm", "the last Friday of each month at 19:00"},
		{"0 19 * * 2", "cron 0 19 * * 2"},
		{"every tusday", "every tusday"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := hearth.DescribeSchedule(tt.in); got != tt.want {
				t.Errorf("DescribeSchedule(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, seed := range []string{
		"every tuesday at 19:00", "every mon,thu at 18:30", "every day at 09:00",
		"every other wednesday at 19:00", "last monday of the month at 7pm",
		"0 19 * * 2", "*/15 2 * * *", "0 0 30 2 *", "@weekly", "every tusday at 25:61",
		"every , and at", "first of the month", "",
		"cada martes a las 19:00", "primer lunes de cada mes a las 19:00", "todos los días a la 1:00",
	} {
		f.Add(seed, uint8(0), int64(0))
	}
	zones := []string{"UTC", "Europe/Madrid", "America/New_York", "Australia/Sydney", "America/Santiago", "Australia/Lord_Howe"}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, expr string, zone uint8, minutes int64) {
		loc := schedLoc(t, zones[int(zone)%len(zones)])
		anchor := base.Add(time.Duration(minutes%(10*365*24*60)) * time.Minute)
		s, err := hearth.ParseSchedule(expr, loc, anchor)
		if err != nil {
			if hearth.ErrorCode(err) != hearth.EINVALID || hearth.ErrorMessage(err) == "" {
				t.Fatalf("error %v is not EINVALID with a message", err)
			}
			return
		}
		// The stored form reads as the same schedule.
		canon, err := hearth.CanonicalSchedule(expr)
		if err != nil {
			t.Fatalf("%q parses but has no canonical form: %v", expr, err)
		}
		again, err := hearth.ParseSchedule(canon, loc, anchor)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canon, expr, err)
		}
		if a, b := hearth.NextN(s, anchor, 3), hearth.NextN(again, anchor, 3); !slices.Equal(a, b) {
			t.Fatalf("%q and its canonical form %q differ: %v, %v", expr, canon, a, b)
		}
		prev := anchor
		for i := range 3 {
			next := s.Next(prev)
			if next.IsZero() {
				if i == 0 {
					t.Fatalf("accepted %q never fires after %v", expr, anchor)
				}
				return
			}
			if !next.After(prev) {
				t.Fatalf("%q: Next(%v) = %v, not after it", expr, prev, next)
			}
			prev = next
		}
	})
}
