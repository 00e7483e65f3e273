package main

import (
	"regexp"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// TestSchedule_ShowBeyondHorizon: a monthly group's /schedule show lists its
// next five meetings, computed from the schedule though only two weeks are
// planned, with a one-off and without a date skipped months ahead.
func TestSchedule_ShowBeyondHorizon(t *testing.T) {
	h := start(t) // Monday 2026-03-02 09:00 UTC
	h.setupGroup()
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	at := func(y int, m time.Month, d, hour int) time.Time { return time.Date(y, m, d, hour, 0, 0, 0, madrid) }
	mustEphemeral(t, h.scheduleCmd("set", discordtest.Str("when", "first monday of the month at 19:00")), "now meets")
	mustEphemeral(t, h.scheduleCmd("once", discordtest.Str("at", "2026-04-15 10:00")), "one-off")
	mustEphemeral(t, h.scheduleCmd("skip", discordtest.Str("date", "2026-05-04")), "Cancelled")

	r := h.scheduleCmd("show")
	want := []time.Time{at(2026, 3, 2, 19), at(2026, 4, 6, 19), at(2026, 4, 15, 10), at(2026, 6, 1, 19), at(2026, 7, 6, 19)}
	mustEphemeral(t, r, "one-off")
	got := regexp.MustCompile(`(?m)^\d\. <t:(\d+):F>`).FindAllStringSubmatch(r.Content, -1)
	if len(got) != len(want) {
		t.Fatalf("%d meetings listed, want %d:\n%s", len(got), len(want), r.Content)
	}
	for i, w := range want {
		if got[i][0][3:] != hearth.Timestamp(w, "F") {
			t.Errorf("meeting %d is %s, want %s (%s)", i+1, got[i][0][3:], hearth.Timestamp(w, "F"), w)
		}
	}
}
