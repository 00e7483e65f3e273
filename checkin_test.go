package hearth_test

import (
	"testing"
	"time"

	"github.com/hearthbot/hearth"
)

func TestMeeting_OpenForCheckIn(t *testing.T) {
	start := time.Date(2026, 3, 3, 18, 0, 0, 0, time.UTC)
	m := &hearth.Meeting{StartsAt: start, EndsAt: start.Add(90 * time.Minute), Status: hearth.MeetingScheduled}
	for _, tt := range []struct {
		name string
		at   time.Time
		want bool
	}{
		{"ErrTooEarly", start.Add(-30*time.Minute - time.Second), false},
		{"Opens30MinutesBefore", start.Add(-30 * time.Minute), true},
		{"AtTheStart", start, true},
		{"JustBeforeTheEnd", m.EndsAt.Add(-time.Second), true},
		{"ErrAtTheEnd", m.EndsAt, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.OpenForCheckIn(tt.at); got != tt.want {
				t.Errorf("OpenForCheckIn(%v) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
	t.Run("ErrCancelled", func(t *testing.T) {
		c := *m
		c.Status = hearth.MeetingCancelled
		if c.OpenForCheckIn(start) {
			t.Error("a cancelled meeting is open for check-in")
		}
	})
}
