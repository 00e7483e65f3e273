package hearth_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hearthbot/hearth"
)

func TestClipEvent(t *testing.T) {
	long := strings.Repeat("é", 150)
	e := &hearth.ScheduledEvent{Name: long, Description: strings.Repeat("x", 1200), Location: "#" + strings.Repeat("c", 100)}
	hearth.ClipEvent(e)
	for name, got := range map[string]struct {
		s   string
		max int
	}{"name": {e.Name, 100}, "description": {e.Description, 1000}, "location": {e.Location, 100}} {
		if n := utf8.RuneCountInString(got.s); n != got.max {
			t.Errorf("%s has %d characters, want %d", name, n, got.max)
		}
	}
	t.Run("ShortUntouched", func(t *testing.T) {
		e := &hearth.ScheduledEvent{Name: "Anxiety Circle", Location: "#anxiety"}
		hearth.ClipEvent(e)
		if e.Name != "Anxiety Circle" || e.Location != "#anxiety" {
			t.Errorf("clipped %+v", e)
		}
	})
}

func TestEventSignature(t *testing.T) {
	at := time.Date(2026, 3, 3, 18, 0, 0, 0, time.UTC)
	a := &hearth.ScheduledEvent{GuildID: "g", Name: "A", Location: "#a", StartsAt: at, EndsAt: at.Add(time.Hour)}
	b := *a
	if hearth.EventSignature(a) != hearth.EventSignature(&b) {
		t.Error("equal events differ")
	}
	b.StartsAt = at.Add(time.Minute)
	if hearth.EventSignature(a) == hearth.EventSignature(&b) {
		t.Error("a moved event has the same signature")
	}
}
