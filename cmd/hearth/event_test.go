package main

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
)

// dailyGroups creates n groups in the server meeting every day, an hour
// apart from 08:00 UTC, plans them, and returns them.
func (h *harness) dailyGroups(n int) []*hearth.Group {
	h.t.Helper()
	ctx := h.ctx()
	var gs []*hearth.Group
	for i := range n {
		g := &hearth.Group{
			GuildID: h.guild, Name: fmt.Sprintf("Daily %d", i+1), ChannelID: h.channel,
			FacilitatorID: h.fac, ObserverID: h.obs, Timezone: "UTC",
			Schedule: fmt.Sprintf("every day at %02d:00", 8+i), ScheduleSetAt: h.now(),
			LengthMinutes: 60, ReminderOffsets: []time.Duration{time.Hour}, Sharers: 2,
		}
		if err := h.app.DB.CreateGroup(ctx, g, hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "group.create"}); err != nil {
			h.t.Fatalf("create group: %v", err)
		}
		gs = append(gs, g)
	}
	if _, err := h.app.Planner.PlanAll(ctx); err != nil {
		h.t.Fatal(err)
	}
	h.app.Engine.Wake()
	h.settle()
	return gs
}

// comingStarts returns the starts of the scheduled meetings of gs after
// the harness's now, soonest first.
func (h *harness) comingStarts(gs []*hearth.Group) []time.Time {
	h.t.Helper()
	var out []time.Time
	for _, g := range gs {
		ms, err := h.app.DB.UpcomingMeetings(h.ctx(), g.ID, h.now(), 0)
		if err != nil {
			h.t.Fatal(err)
		}
		for _, m := range ms {
			if m.Status == hearth.MeetingScheduled && m.StartsAt.After(h.now()) {
				out = append(out, m.StartsAt)
			}
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return out
}

// openEvents returns the starts of the server's events that have not ended
// at the harness's now (the fake does not end events by itself), soonest first.
func (h *harness) openEvents() []time.Time {
	var out []time.Time
	for _, ev := range h.fake.ScheduledEvents(h.guild) {
		if ev.ScheduledEndTime != nil && ev.ScheduledEndTime.After(h.now()) {
			out = append(out, ev.ScheduledStartTime)
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return out
}

func TestEvents_Cap(t *testing.T) {
	h := start(t)
	gs := h.dailyGroups(9) // 9 groups x 14 days: more meetings than Discord allows events
	max := h.cfg.Scheduler.MaxEvents
	// Create requests Discord answered, a 429 aside (the request is repeated).
	creates := func() int {
		n := 0
		for _, c := range h.fake.CallsTo("POST", "/guilds/*/scheduled-events") {
			if c.Status != http.StatusTooManyRequests {
				n++
			}
		}
		return n
	}

	t.Run("SoonestFirst", func(t *testing.T) {
		coming := h.comingStarts(gs)
		if len(coming) < 120 {
			t.Fatalf("only %d meetings planned", len(coming))
		}
		got := h.openEvents()
		if len(got) != max {
			t.Fatalf("%d events, want the cap %d", len(got), max)
		}
		for i, s := range got {
			if !s.Equal(coming[i]) {
				t.Fatalf("event %d starts %s; the %dth soonest meeting starts %s", i, s, i+1, coming[i])
			}
		}
		// One writer: no meeting has two events. (Groups planned one by one
		// may have had events that sooner meetings then replaced.)
		seen := map[string]bool{}
		for _, ev := range h.fake.ScheduledEvents(h.guild) {
			k := ev.Name + "@" + ev.ScheduledStartTime.String()
			if seen[k] {
				t.Errorf("two events for the meeting %s", k)
			}
			seen[k] = true
		}
	})
	t.Run("LaterOnesAdded", func(t *testing.T) {
		before := creates()
		h.advanceTo(h.now().Add(24 * time.Hour))
		coming := h.comingStarts(gs)
		got := h.openEvents()
		if len(got) != max {
			t.Fatalf("%d open events, want the cap %d: more meetings wait", len(got), max)
		}
		// The meetings under way keep theirs; every slot left holds the
		// soonest meetings to come.
		var future []time.Time
		for _, s := range got {
			if s.After(h.now()) {
				future = append(future, s)
			}
		}
		if len(future) == 0 || len(future) > len(coming) {
			t.Fatalf("%d future events for %d coming meetings", len(future), len(coming))
		}
		for i, s := range future {
			if !s.Equal(coming[i]) {
				t.Fatalf("event %d starts %s; the %dth soonest meeting starts %s", i, s, i+1, coming[i])
			}
		}
		if added := creates() - before; added == 0 {
			t.Errorf("no event added after a day of meetings ended")
		}
	})
	t.Run("TooManyPauses", func(t *testing.T) {
		// Discord refuses: the server has 100 events (some an admin's own).
		h.fake.RefuseNext("POST", "/guilds/*/scheduled-events", http.StatusBadRequest, 30038, "", 1)
		before, posts := creates(), len(h.posts(h.channel))
		h.advanceTo(h.now().Add(time.Hour)) // one meeting ends: one slot
		if n := creates() - before; n != 1 {
			t.Fatalf("%d create requests after 30038, want only the refused one", n)
		}
		// Reminders and start posts do not wait for events.
		if n := len(h.posts(h.channel)) - posts; n < 2 {
			t.Errorf("%d posts in the hour creation was paused, want a reminder and a start post", n)
		}
		h.advanceTo(h.now().Add(30 * time.Minute)) // nothing ended: still paused
		if n := creates() - before; n != 1 {
			t.Fatalf("%d create requests while paused", n)
		}
		h.advanceTo(h.now().Add(time.Hour)) // the next one ends: creation resumes
		if n := creates() - before; n < 2 {
			t.Fatalf("creation did not resume: %d create requests", n)
		}
		if got := h.openEvents(); len(got) > max {
			t.Errorf("%d open events, over the cap", len(got))
		}
	})
	t.Run("DeletedByHandStaysDeleted", func(t *testing.T) {
		var victim *discordgo.GuildScheduledEvent
		for _, ev := range h.fake.ScheduledEvents(h.guild) {
			if ev.ScheduledStartTime.After(h.now().Add(48*time.Hour)) && ev.Name == gs[0].Name {
				victim = ev
				break
			}
		}
		if victim == nil {
			t.Fatal("no event of the first group to delete")
		}
		h.fake.DeleteScheduledEvent(victim.ID)
		// A rename makes the sync edit every event of the group.
		ctx := h.ctx()
		if _, err := h.app.DB.UpdateGroup(ctx, gs[0].ID, func(g *hearth.Group) error { g.Name = "Daily One"; return nil },
			hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "group.edit"}); err != nil {
			t.Fatal(err)
		}
		if err := h.app.Planner.Replan(ctx, gs[0].ID); err != nil {
			t.Fatal(err)
		}
		h.settle()
		renamed := 0
		for _, ev := range h.fake.ScheduledEvents(h.guild) {
			if ev.ScheduledStartTime.Equal(victim.ScheduledStartTime) {
				t.Fatalf("the event deleted by hand was published again: %s", ev.Name)
			}
			if ev.Name == "Daily One" {
				renamed++
			}
		}
		if renamed == 0 {
			t.Error("no event of the renamed group was edited")
		}
		if got := h.openEvents(); len(got) > max {
			t.Errorf("%d open events, over the cap", len(got))
		}
	})
	t.Run("EndedByHandLeftAlone", func(t *testing.T) {
		// An admin ended an event early: Discord refuses to edit it (180000).
		h.fake.RefuseNext("PATCH", "/guilds/*/scheduled-events/*", http.StatusBadRequest, 180000, "", 1)
		ctx := h.ctx()
		if _, err := h.app.DB.UpdateGroup(ctx, gs[1].ID, func(g *hearth.Group) error { g.Name = "Daily Two"; return nil },
			hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "group.edit"}); err != nil {
			t.Fatal(err)
		}
		if err := h.app.Planner.Replan(ctx, gs[1].ID); err != nil {
			t.Fatal(err)
		}
		h.settle()
		if !strings.Contains(h.logs.String(), "removed by hand") {
			t.Error("the ended event was not left alone")
		}
		q, err := h.app.DB.QueueStats(ctx, h.now(), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if q.Failed != 0 {
			t.Errorf("%d failed jobs: 180000 is not an error", q.Failed)
		}
		if got := h.openEvents(); len(got) > max {
			t.Errorf("%d open events, over the cap", len(got))
		}
	})
}
