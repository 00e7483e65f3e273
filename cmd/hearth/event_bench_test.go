package main

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
)

// BenchmarkEvents_Sync120 measures the scheduled-event sync of a server
// with 120 groups meeting weekly (240 meetings in the 14-day horizon, so
// the cap of 80 events binds): the first sync, when hearth starts on a
// database holding the groups and plans them, and a later one when nothing
// changed. It reports the REST requests to scheduled events and the wall
// time from the start of hearth to the last event published.
func BenchmarkEvents_Sync120(b *testing.B) {
	days := []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
	for range b.N {
		h := start(b)
		ctx := h.ctx()
		// The groups are stored while hearth is stopped, so its start plans
		// them in one pass (as after an upgrade, or on a server that
		// joins): groups created one by one while it runs are synced as
		// they come, sooner meetings taking the places of later ones.
		h.stop()
		db, err := openDB(ctx, h.cfg, h.now, slog.New(slog.DiscardHandler))
		if err != nil {
			b.Fatal(err)
		}
		for i := range 120 {
			g := &hearth.Group{
				GuildID: h.guild, Name: fmt.Sprintf("Group %03d", i+1), ChannelID: h.channel,
				FacilitatorID: h.fac, ObserverID: h.obs, Timezone: "Europe/Madrid",
				Schedule:      fmt.Sprintf("every %s at %02d:%02d", days[i%7], 9+i%12, (i/12)*5),
				ScheduleSetAt: h.now(), LengthMinutes: 90, ReminderOffsets: []time.Duration{time.Hour}, Sharers: 2,
			}
			if err := db.CreateGroup(ctx, g, hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "group.create"}); err != nil {
				b.Fatal(err)
			}
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		eventCalls := func() int {
			n := 0
			for _, c := range h.fake.Calls() {
				if strings.Contains(c.Path, "/scheduled-events") {
					n++
				}
			}
			return n
		}
		before := eventCalls()
		t0 := time.Now()
		h.startApp()
		if err := h.fake.WaitFor(ctx, func() bool { return len(h.fake.ScheduledEvents(h.guild)) >= h.cfg.Scheduler.MaxEvents }); err != nil {
			b.Fatal(err)
		}
		h.settle()
		took := time.Since(t0)
		events := len(h.fake.ScheduledEvents(h.guild))
		if events != h.cfg.Scheduler.MaxEvents {
			b.Fatalf("%d events, want %d", events, h.cfg.Scheduler.MaxEvents)
		}
		first := eventCalls() - before

		// A sync when nothing changed, as every planning pass asks for.
		before = eventCalls()
		t1 := time.Now()
		if err := h.app.DB.EnqueueJobs(ctx, hearth.EventsJob(h.guild, h.now(), "bench")); err != nil {
			b.Fatal(err)
		}
		h.app.Engine.Wake()
		h.settle()
		steady, steadyTook := eventCalls()-before, time.Since(t1)

		b.ReportMetric(float64(first), "requests/first-sync")
		b.ReportMetric(took.Seconds(), "s/first-sync")
		b.ReportMetric(float64(steady), "requests/steady-sync")
		b.ReportMetric(float64(steadyTook.Microseconds())/1000, "ms/steady-sync")
		b.Logf("120 groups: first sync %d requests (%d events) in %s; steady sync %d requests in %s; 429s %d",
			first, events, took.Round(time.Millisecond), steady, steadyTook.Round(time.Millisecond), h.fake.RateLimited())
		h.stop()
	}
}
