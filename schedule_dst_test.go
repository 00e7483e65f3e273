package hearth_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
)

// TestParseSchedule_DSTTransitions pins the 2026 transitions that
// TestParseSchedule_DST relies on, computed from Go's tzdata: if the rules
// change, this says so rather than the DST table failing obscurely.
func TestParseSchedule_DSTTransitions(t *testing.T) {
	want := map[string][]string{
		"Europe/Madrid":    {"2026-03-29 Sun 03:00 CEST", "2026-10-25 Sun 02:00 CET"},
		"America/New_York": {"2026-03-08 Sun 03:00 EDT", "2026-11-01 Sun 01:00 EST"},
		"Australia/Sydney": {"2026-04-05 Sun 02:00 AEST", "2026-10-04 Sun 03:00 AEDT"},
		"America/Santiago": {"2026-04-04 Sat 23:00 -04", "2026-09-06 Sun 01:00 -03"},
	}
	for zone, w := range want {
		t.Run(strings.ReplaceAll(zone, "/", "_"), func(t *testing.T) {
			loc := schedLoc(t, zone)
			var got []string
			for tm := time.Date(2026, 1, 1, 0, 0, 0, 0, loc); ; {
				_, end := tm.ZoneBounds()
				if end.IsZero() || end.Year() > 2026 {
					break
				}
				got = append(got, end.In(loc).Format(schedWall))
				tm = end
			}
			if !slices.Equal(got, w) {
				t.Errorf("transitions %q, want %q", got, w)
			}
		})
	}
}

func TestParseSchedule_DST(t *testing.T) {
	tests := []struct {
		name   string
		zone   string
		expr   string
		anchor string // when set, and the time to list occurrences after
		want   []string
	}{
		// Europe/Madrid: 29 March 02:00→03:00, 25 October 03:00→02:00.
		{"MadridWeeklySpring", "Europe/Madrid", "every sunday at 19:00", "2026-03-21 12:00",
			[]string{"2026-03-22 Sun 19:00 CET", "2026-03-29 Sun 19:00 CEST", "2026-04-05 Sun 19:00 CEST"}},
		{"MadridWeeklySpringTuesday", "Europe/Madrid", "every tuesday at 19:00", "2026-03-23 12:00",
			[]string{"2026-03-24 Tue 19:00 CET", "2026-03-31 Tue 19:00 CEST"}},
		{"MadridWeeklyFall", "Europe/Madrid", "every tuesday at 19:00", "2026-10-19 12:00",
			[]string{"2026-10-20 Tue 19:00 CEST", "2026-10-27 Tue 19:00 CET"}},
		{"MadridCronWeeklyFall", "Europe/Madrid", "0 19 * * 0", "2026-10-17 12:00",
			[]string{"2026-10-18 Sun 19:00 CEST", "2026-10-25 Sun 19:00 CET", "2026-11-01 Sun 19:00 CET"}},
		{"MadridGap", "Europe/Madrid", "every sunday at 02:30", "2026-03-21 12:00",
			[]string{"2026-03-22 Sun 02:30 CET", "2026-03-29 Sun 03:00 CEST", "2026-04-05 Sun 02:30 CEST"}},
		{"MadridGapDaily", "Europe/Madrid", "every day at 02:30", "2026-03-28 00:00",
			[]string{"2026-03-28 Sat 02:30 CET", "2026-03-29 Sun 03:00 CEST", "2026-03-30 Mon 02:30 CEST"}},
		{"MadridGapCron", "Europe/Madrid", "30 2 * * *", "2026-03-28 00:00",
			[]string{"2026-03-28 Sat 02:30 CET", "2026-03-29 Sun 03:00 CEST", "2026-03-30 Mon 02:30 CEST"}},
		{"MadridGapStartCron", "Europe/Madrid", "0 2 * * *", "2026-03-28 00:00",
			[]string{"2026-03-28 Sat 02:00 CET", "2026-03-29 Sun 03:00 CEST", "2026-03-30 Mon 02:00 CEST"}},
		// Several times in the gap land on 03:00, which happens once.
		{"MadridGapManyCron", "Europe/Madrid", "*/30 2 * * *", "2026-03-28 23:00",
			[]string{"2026-03-29 Sun 03:00 CEST", "2026-03-30 Mon 02:00 CEST", "2026-03-30 Mon 02:30 CEST"}},
		{"MadridGapHourlyCron", "Europe/Madrid", "0 * * * *", "2026-03-29 00:30",
			[]string{"2026-03-29 Sun 01:00 CET", "2026-03-29 Sun 03:00 CEST", "2026-03-29 Sun 04:00 CEST"}},
		{"MadridFallOnce", "Europe/Madrid", "every day at 02:30", "2026-10-24 00:00",
			[]string{"2026-10-24 Sat 02:30 CEST", "2026-10-25 Sun 02:30 CEST", "2026-10-26 Mon 02:30 CET"}},
		{"MadridFallOnceCron", "Europe/Madrid", "30 2 * * *", "2026-10-24 00:00",
			[]string{"2026-10-24 Sat 02:30 CEST", "2026-10-25 Sun 02:30 CEST", "2026-10-26 Mon 02:30 CET"}},
		{"MadridFallHourlyCron", "Europe/Madrid", "0 * * * *", "2026-10-25 00:30",
			[]string{"2026-10-25 Sun 01:00 CEST", "2026-10-25 Sun 02:00 CEST", "2026-10-25 Sun 03:00 CET", "2026-10-25 Sun 04:00 CET"}},
		{"MadridOtherSpring", "Europe/Madrid", "every other sunday at 19:00", "2026-03-09 12:00",
			[]string{"2026-03-15 Sun 19:00 CET", "2026-03-29 Sun 19:00 CEST", "2026-04-12 Sun 19:00 CEST"}},
		{"MadridOtherFall", "Europe/Madrid", "every other sunday at 02:30", "2026-10-05 12:00",
			[]string{"2026-10-11 Sun 02:30 CEST", "2026-10-25 Sun 02:30 CEST", "2026-11-08 Sun 02:30 CET"}},
		{"MadridLastSunday", "Europe/Madrid", "last sunday of the month at 02:30", "2026-02-01 00:00",
			[]string{"2026-02-22 Sun 02:30 CET", "2026-03-29 Sun 03:00 CEST", "2026-04-26 Sun 02:30 CEST"}},

		// America/New_York: 8 March 02:00→03:00, 1 November 02:00→01:00.
		{"NewYorkWeeklySpring", "America/New_York", "every sunday at 19:00", "2026-03-01 12:00",
			[]string{"2026-03-01 Sun 19:00 EST", "2026-03-08 Sun 19:00 EDT", "2026-03-15 Sun 19:00 EDT"}},
		{"NewYorkWeeklyFall", "America/New_York", "every sunday at 7pm", "2026-10-25 12:00",
			[]string{"2026-10-25 Sun 19:00 EDT", "2026-11-01 Sun 19:00 EST", "2026-11-08 Sun 19:00 EST"}},
		{"NewYorkGap", "America/New_York", "every sunday at 02:30", "2026-03-02 12:00",
			[]string{"2026-03-08 Sun 03:00 EDT", "2026-03-15 Sun 02:30 EDT"}},
		{"NewYorkGapCron", "America/New_York", "30 2 * * 0", "2026-03-02 12:00",
			[]string{"2026-03-08 Sun 03:00 EDT", "2026-03-15 Sun 02:30 EDT"}},
		{"NewYorkFallOnce", "America/New_York", "every day at 01:30", "2026-10-31 00:00",
			[]string{"2026-10-31 Sat 01:30 EDT", "2026-11-01 Sun 01:30 EDT", "2026-11-02 Mon 01:30 EST"}},
		{"NewYorkFallOnceCron", "America/New_York", "30 1 * * *", "2026-10-31 00:00",
			[]string{"2026-10-31 Sat 01:30 EDT", "2026-11-01 Sun 01:30 EDT", "2026-11-02 Mon 01:30 EST"}},
		{"NewYorkOther", "America/New_York", "every other sunday at 19:00", "2026-02-23 12:00",
			[]string{"2026-03-01 Sun 19:00 EST", "2026-03-15 Sun 19:00 EDT", "2026-03-29 Sun 19:00 EDT"}},

		// Australia/Sydney: 5 April 03:00→02:00, 4 October 02:00→03:00.
		{"SydneyWeeklyBack", "Australia/Sydney", "every sunday at 19:00", "2026-03-28 12:00",
			[]string{"2026-03-29 Sun 19:00 AEDT", "2026-04-05 Sun 19:00 AEST", "2026-04-12 Sun 19:00 AEST"}},
		{"SydneyWeeklyForward", "Australia/Sydney", "every sunday at 19:00", "2026-09-26 12:00",
			[]string{"2026-09-27 Sun 19:00 AEST", "2026-10-04 Sun 19:00 AEDT", "2026-10-11 Sun 19:00 AEDT"}},
		{"SydneyGap", "Australia/Sydney", "every sunday at 02:30", "2026-09-28 12:00",
			[]string{"2026-10-04 Sun 03:00 AEDT", "2026-10-11 Sun 02:30 AEDT"}},
		{"SydneyGapCron", "Australia/Sydney", "30 2 * * sun", "2026-09-28 12:00",
			[]string{"2026-10-04 Sun 03:00 AEDT", "2026-10-11 Sun 02:30 AEDT"}},
		{"SydneyBackOnce", "Australia/Sydney", "every day at 02:30", "2026-04-04 00:00",
			[]string{"2026-04-04 Sat 02:30 AEDT", "2026-04-05 Sun 02:30 AEDT", "2026-04-06 Mon 02:30 AEST"}},
		{"SydneyBackOnceCron", "Australia/Sydney", "30 2 * * *", "2026-04-04 00:00",
			[]string{"2026-04-04 Sat 02:30 AEDT", "2026-04-05 Sun 02:30 AEDT", "2026-04-06 Mon 02:30 AEST"}},
		{"SydneyOther", "Australia/Sydney", "every other sunday at 19:00", "2026-09-20 12:00",
			[]string{"2026-09-20 Sun 19:00 AEST", "2026-10-04 Sun 19:00 AEDT", "2026-10-18 Sun 19:00 AEDT"}},

		// America/Santiago: 4 April 24:00→23:00, 6 September 00:00→01:00.
		{"SantiagoWeeklyBack", "America/Santiago", "every saturday at 19:00", "2026-03-23 12:00",
			[]string{"2026-03-28 Sat 19:00 -03", "2026-04-04 Sat 19:00 -03", "2026-04-11 Sat 19:00 -04"}},
		{"SantiagoWeeklyForward", "America/Santiago", "every sunday at 19:00", "2026-08-31 12:00",
			[]string{"2026-09-06 Sun 19:00 -03", "2026-09-13 Sun 19:00 -03"}},
		{"SantiagoWeeklyForwardBefore", "America/Santiago", "every saturday at 19:00", "2026-08-31 12:00",
			[]string{"2026-09-05 Sat 19:00 -04", "2026-09-12 Sat 19:00 -03"}},
		{"SantiagoGapMidnight", "America/Santiago", "every day at 00:00", "2026-09-05 12:00",
			[]string{"2026-09-06 Sun 01:00 -03", "2026-09-07 Mon 00:00 -03"}},
		{"SantiagoGap", "America/Santiago", "every sunday at 00:30", "2026-08-31 12:00",
			[]string{"2026-09-06 Sun 01:00 -03", "2026-09-13 Sun 00:30 -03"}},
		{"SantiagoGapCron", "America/Santiago", "30 0 * * 0", "2026-08-31 12:00",
			[]string{"2026-09-06 Sun 01:00 -03", "2026-09-13 Sun 00:30 -03"}},
		{"SantiagoBackOnce", "America/Santiago", "every saturday at 23:30", "2026-03-30 12:00",
			[]string{"2026-04-04 Sat 23:30 -03", "2026-04-11 Sat 23:30 -04"}},
		{"SantiagoBackOnceCron", "America/Santiago", "30 23 * * 6", "2026-03-30 12:00",
			[]string{"2026-04-04 Sat 23:30 -03", "2026-04-11 Sat 23:30 -04"}},
		{"SantiagoOther", "America/Santiago", "every other wednesday at 19:00", "2026-03-23 12:00",
			[]string{"2026-03-25 Wed 19:00 -03", "2026-04-08 Wed 19:00 -04", "2026-04-22 Wed 19:00 -04"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := schedLoc(t, tt.zone)
			at := schedAt(t, loc, tt.anchor)
			s, err := hearth.ParseSchedule(tt.expr, loc, at)
			if err != nil {
				t.Fatal(err)
			}
			if got := schedNext(t, s, at, len(tt.want), loc); !slices.Equal(got, tt.want) {
				t.Errorf("next:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestParseSchedule_DailyAllYear walks a whole year of a daily meeting at
// times around the changes: each local date gets exactly one meeting, at
// the wall-clock time asked or, when that time does not exist, at the first
// instant after the gap.
func TestParseSchedule_DailyAllYear(t *testing.T) {
	zones := []string{"Europe/Madrid", "America/New_York", "Australia/Sydney", "America/Santiago", "Australia/Lord_Howe", "UTC"}
	clocks := []string{"00:00", "00:30", "01:00", "01:30", "02:00", "02:30", "03:00", "19:00", "23:30"}
	for _, zone := range zones {
		for _, clock := range clocks {
			t.Run(strings.ReplaceAll(zone, "/", "_")+"_"+clock, func(t *testing.T) {
				loc := schedLoc(t, zone)
				start := time.Date(2025, 12, 31, 23, 59, 59, 0, loc)
				s, err := hearth.ParseSchedule("every day at "+clock, loc, start)
				if err != nil {
					t.Fatal(err)
				}
				want := schedAt(t, time.UTC, "2026-01-01 "+clock) // the wall clock, as UTC
				for i, tm := range hearth.NextN(s, start, 365) {
					lt := tm.In(loc)
					day := want.AddDate(0, 0, i)
					if y, m, d := lt.Date(); y != day.Year() || m != day.Month() || d != day.Day() {
						t.Fatalf("meeting %d at %v, want on %v", i, lt, day.Format("2006-01-02"))
					}
					wall := time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute(), 0, 0, time.UTC)
					if wall.Equal(day) {
						// The first occurrence: an hour (or less) earlier was not the same wall time.
						for _, back := range []time.Duration{30 * time.Minute, time.Hour} {
							e := tm.Add(-back).In(loc)
							if e.Hour() == lt.Hour() && e.Minute() == lt.Minute() {
								t.Errorf("meeting %d at %v is the second occurrence of %s", i, lt, clock)
							}
						}
						continue
					}
					// Not the wall time asked: it must not exist, and the
					// meeting is the first instant after the gap.
					_, offBefore := tm.Add(-time.Nanosecond).In(loc).Zone()
					if _, offAt := lt.Zone(); offBefore == offAt {
						t.Errorf("meeting %d at %v, want %s", i, lt, clock)
					}
					if !wall.After(day) || wall.Sub(day) > 2*time.Hour {
						t.Errorf("meeting %d at %v, want %s or just after a gap", i, lt, clock)
					}
				}
			})
		}
	}
}
