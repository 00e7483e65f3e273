package hearth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
)

// fuzzZones include zones whose clocks jump at midnight (America/Santiago)
// or by half an hour (Australia/Lord_Howe).
var fuzzZones = []string{"UTC", "Europe/Madrid", "America/New_York", "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata"}

// FuzzParseMeetingTime checks the `/schedule once at` parser: no panic; a
// rejection is EINVALID with a message; an accepted time is a whole minute
// (in UTC) whose wall clock in the zone is the one written, or, in a daylight
// saving gap, the end of the gap shortly after it.
func FuzzParseMeetingTime(f *testing.F) {
	for _, s := range []string{"2026-03-17 19:00", " 2026-03-17   19:00 ", "2026-03-29 02:30", "2026-10-25 02:30", "2026-02-30 10:00", "17/03/2026 19:00", ""} {
		f.Add(s, uint8(1))
	}
	f.Fuzz(func(t *testing.T, s string, zone uint8) {
		loc := schedLoc(t, fuzzZones[int(zone)%len(fuzzZones)])
		got, err := hearth.ParseMeetingTime(s, loc)
		if err != nil {
			if hearth.ErrorCode(err) != hearth.EINVALID || hearth.ErrorMessage(err) == "" {
				t.Fatalf("ParseMeetingTime(%q): %v is not EINVALID with a message", s, err)
			}
			return
		}
		// A whole minute on the zone's clock: in UTC, a historical offset
		// (local mean time) may add seconds.
		if got.Location() != time.UTC || got.In(loc).Second() != 0 || got.Nanosecond() != 0 {
			t.Fatalf("ParseMeetingTime(%q) = %v: not a whole local minute, in UTC", s, got)
		}
		want, err := time.Parse("2006-01-02 15:04", strings.Join(strings.Fields(s), " "))
		if err != nil {
			t.Fatalf("accepted %q, which does not read as YYYY-MM-DD HH:MM: %v", s, err)
		}
		wall := got.In(loc)
		wallAsUTC := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), 0, 0, time.UTC)
		if d := wallAsUTC.Sub(want); d < 0 || d > 2*time.Hour {
			t.Fatalf("ParseMeetingTime(%q) in %s = %v (wall %v), %v from what was written", s, loc, got, wall, d)
		}
	})
}

// FuzzParseMeetingDate checks the `/schedule skip date` parser: no panic; a
// rejection is EINVALID with a message; an accepted date is the local day it
// names, about a day long.
func FuzzParseMeetingDate(f *testing.F) {
	for _, s := range []string{"2026-03-17", " 2026-03-17 ", "2026-09-06", "2026-03-29", "2026-02-29", "2026-3-7", ""} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, zone uint8) {
		loc := schedLoc(t, fuzzZones[int(zone)%len(fuzzZones)])
		from, to, err := hearth.ParseMeetingDate(s, loc)
		if err != nil {
			if hearth.ErrorCode(err) != hearth.EINVALID || hearth.ErrorMessage(err) == "" {
				t.Fatalf("ParseMeetingDate(%q): %v is not EINVALID with a message", s, err)
			}
			return
		}
		if d := to.Sub(from); d < 22*time.Hour || d > 26*time.Hour {
			t.Fatalf("ParseMeetingDate(%q) in %s: a day of %v", s, loc, d)
		}
		if got := from.In(loc).Format("2006-01-02"); got != strings.TrimSpace(s) {
			t.Fatalf("ParseMeetingDate(%q) in %s starts on %s", s, loc, got)
		}
	})
}
