package commands_test

import (
	"slices"
	"testing"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/commands"
)

func TestTimezones_List(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		if !slices.IsSorted(commands.Timezones) || len(slices.Compact(slices.Clone(commands.Timezones))) != len(commands.Timezones) {
			t.Errorf("the zone list is not sorted and unique; regenerate it with go generate ./commands")
		}
		for _, z := range commands.Timezones {
			if _, err := hearth.LoadLocation(z); err != nil {
				t.Errorf("zone %q does not load: %v", z, err)
			}
		}
		for _, z := range []string{"UTC", "Europe/Madrid", "America/New_York", "Asia/Kolkata", "Australia/Sydney"} {
			if !slices.Contains(commands.Timezones, z) {
				t.Errorf("the zone list lacks %s", z)
			}
		}
	})
}

func TestTimezones_Match(t *testing.T) {
	tests := []struct {
		typed string
		first string
		n     int // -1: any
	}{
		{"europe/madrid", "Europe/Madrid", 1},
		{"Madrid", "Europe/Madrid", 1},
		{"new york", "America/New_York", 1},
		{"york", "America/New_York", 1},
		{"", "Africa/Abidjan", 25},
		{"Europe/", "Europe/Amsterdam", 25},
		{"utc", "UTC", -1},
		{"Mars/Olympus", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.typed, func(t *testing.T) {
			got := commands.MatchTimezones(tt.typed)
			if tt.n >= 0 && len(got) != tt.n {
				t.Errorf("%d matches, want %d: %v", len(got), tt.n, got)
			}
			if tt.first != "" && (len(got) == 0 || got[0].Value != tt.first) {
				t.Errorf("first match of %q = %v, want %s", tt.typed, got, tt.first)
			}
		})
	}
}
