package main

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// The harness starts on Monday 2026-03-02 at 09:00 UTC; the group meets in
// Europe/Madrid (UTC+1 until 29 March), so `every tuesday at 19:00` first
// meets at 18:00 UTC on 3 March, with reminders 24h and 1h before.
var (
	firstMeeting = time.Date(2026, 3, 3, 18, 0, 0, 0, time.UTC)
	dayReminder  = firstMeeting.Add(-24 * time.Hour)
	hourReminder = firstMeeting.Add(-time.Hour)
)

// scheduleGroup sets up the group and gives it a weekly schedule through
// the command, as an admin, and waits until its events are published.
func (h *harness) scheduleGroup() *hearth.Group {
	h.t.Helper()
	g := h.setupGroup()
	r := h.scheduleCmd("set", discordtest.Str("when", "every tuesday at 19:00"))
	mustEphemeral(h.t, r, "now meets", hearth.Timestamp(firstMeeting, "F"))
	h.waitEvents(2) // two Tuesdays within the two-week horizon
	return g
}

// scheduleCmd runs /schedule <sub> for the group as the admin.
func (h *harness) scheduleCmd(sub string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordtest.Reply {
	h.t.Helper()
	return h.slash(h.admin, "schedule "+sub, append([]*discordgo.ApplicationCommandInteractionDataOption{discordtest.Str("group", "Anxiety Circle")}, opts...)...)
}

// waitEvents waits until the server has exactly n scheduled events and
// returns them by start time (they are published concurrently).
func (h *harness) waitEvents(n int) []*discordgo.GuildScheduledEvent {
	h.t.Helper()
	var evs []*discordgo.GuildScheduledEvent
	err := h.fake.WaitFor(h.ctx(), func() bool {
		evs = h.fake.ScheduledEvents(h.guild)
		return len(evs) == n
	})
	if err != nil {
		h.t.Fatalf("waiting for %d scheduled events, have %d: %v", n, len(evs), err)
	}
	slices.SortFunc(evs, func(a, b *discordgo.GuildScheduledEvent) int {
		return a.ScheduledStartTime.Compare(b.ScheduledStartTime)
	})
	return evs
}

// advanceTo moves the clock to t, letting due work finish first and after.
func (h *harness) advanceTo(t time.Time) {
	h.t.Helper()
	h.advance(t.Sub(h.clock.Now()))
	h.settle()
}

func TestSchedule_Set(t *testing.T) {
	h := start(t)
	h.scheduleGroup()
	t.Run("PublishesEvents", func(t *testing.T) {
		evs := h.waitEvents(2)
		ev := evs[0]
		if ev.Name != "Anxiety Circle" || ev.EntityType != discordgo.GuildScheduledEventEntityTypeExternal ||
			ev.EntityMetadata.Location != "#anxiety-group" || !ev.ScheduledStartTime.Equal(firstMeeting) ||
			!ev.ScheduledEndTime.Equal(firstMeeting.Add(90*time.Minute)) {
			t.Fatalf("event = %+v (location %q)", ev, ev.EntityMetadata.Location)
		}
		if !evs[1].ScheduledStartTime.Equal(firstMeeting.Add(7 * 24 * time.Hour)) {
			t.Errorf("second event starts %s", evs[1].ScheduledStartTime)
		}
	})
	t.Run("Show", func(t *testing.T) {
		r := h.scheduleCmd("show")
		mustEphemeral(t, r, "every Tuesday at 19:00", "Europe/Madrid", "1d,1h", hearth.Timestamp(firstMeeting, "F"),
			hearth.Timestamp(firstMeeting.Add(7*24*time.Hour), "F"))
	})
	t.Run("ReschedulesMovesEvents", func(t *testing.T) {
		r := h.scheduleCmd("set", discordtest.Str("when", "every wednesday at 18:30"))
		wed := time.Date(2026, 3, 4, 17, 30, 0, 0, time.UTC)
		mustEphemeral(t, r, "every Wednesday at 18:30", hearth.Timestamp(wed, "F"))
		h.settle()
		evs := h.waitEvents(2)
		for i, ev := range evs {
			if want := wed.Add(time.Duration(i) * 7 * 24 * time.Hour); !ev.ScheduledStartTime.Equal(want) {
				t.Errorf("event %d starts %s, want %s", i, ev.ScheduledStartTime, want)
			}
		}
		// The Tuesday reminders were cancelled with their meetings.
		h.advanceTo(dayReminder.Add(time.Minute))
		if got := h.posts(h.channel); len(got) != 0 {
			t.Errorf("a cancelled meeting was reminded: %q", got[0].Content)
		}
	})
	t.Run("Audited", func(t *testing.T) {
		log, err := h.app.DB.AuditLog(h.ctx(), h.guild, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range log {
			if e.Action == "schedule.set" && e.ActorID == h.admin {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d schedule.set audit entries, want 2", n)
		}
	})
}

func TestSchedule_BadInput(t *testing.T) {
	h := start(t)
	h.setupGroup()
	for _, tc := range []struct {
		name string
		sub  string
		opt  *discordgo.ApplicationCommandInteractionDataOption
		want string
	}{
		{"ErrUnreadable", "set", discordtest.Str("when", "every funday at 19:00"), "I can't read"},
		{"ErrNeverFires", "set", discordtest.Str("when", "0 0 30 2 *"), "never fires"},
		{"ErrOffsetTooShort", "reminders", discordtest.Str("before", "24h,1m"), "from 5m to 7d"},
		{"ErrTooManyOffsets", "reminders", discordtest.Str("before", "1d,2d,3d,4d,5d,6d"), "1 to 5"},
		{"ErrOnceFormat", "once", discordtest.Str("at", "next tuesday"), "YYYY-MM-DD HH:MM"},
		{"ErrOncePast", "once", discordtest.Str("at", "2026-03-01 19:00"), "in the past"},
		{"ErrSkipFormat", "skip", discordtest.Str("date", "3/10"), "YYYY-MM-DD"},
		{"ErrSkipPast", "skip", discordtest.Str("date", "2026-03-01"), "in the past"},
		{"ErrSkipNoMeeting", "skip", discordtest.Str("date", "2026-03-04"), "has no meeting on 2026-03-04"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mustEphemeral(t, h.scheduleCmd(tc.sub, tc.opt), tc.want)
		})
	}
	t.Run("ErrNotAdmin", func(t *testing.T) {
		r := h.slash(h.members[0], "schedule set", discordtest.Str("group", "Anxiety Circle"), discordtest.Str("when", "every day at 09:00"))
		mustEphemeral(t, r, "Manage Server")
	})
	t.Run("NothingChanged", func(t *testing.T) {
		mustEphemeral(t, h.scheduleCmd("show"), "has no recurring schedule", "reminders 1d,1h before", "No meetings are planned")
		if evs := h.fake.ScheduledEvents(h.guild); len(evs) != 0 {
			t.Errorf("%d events after bad input", len(evs))
		}
	})
}

func TestSchedule_OnceAndReminders(t *testing.T) {
	h := start(t)
	h.setupGroup()
	t.Run("Reminders", func(t *testing.T) {
		mustEphemeral(t, h.scheduleCmd("reminders", discordtest.Str("before", "2h, 30m")), "2h,30m before each meeting")
	})
	t.Run("Once", func(t *testing.T) {
		// 20:00 in Madrid is 19:00 UTC.
		at := time.Date(2026, 3, 5, 19, 0, 0, 0, time.UTC)
		mustEphemeral(t, h.scheduleCmd("once", discordtest.Str("at", "2026-03-05 20:00")), "one-off", hearth.Timestamp(at, "F"), "2h,30m")
		mustEphemeral(t, h.scheduleCmd("show"), hearth.Timestamp(at, "F")+" ("+hearth.Timestamp(at, "R")+") — one-off")
		h.waitEvents(1)
		mustEphemeral(t, h.scheduleCmd("once", discordtest.Str("at", "2026-03-05 20:00")), "already has a meeting")

		h.advanceTo(at.Add(-2 * time.Hour))
		posts := h.waitMessages(h.channel, 1)
		mustContain(t, posts[0].Content, hearth.Timestamp(at, "F"))
		h.advanceTo(at.Add(-30 * time.Minute))
		h.waitMessages(h.channel, 2)
	})
}

func TestSchedule_Skip(t *testing.T) {
	h := start(t)
	h.scheduleGroup()
	r := h.scheduleCmd("skip", discordtest.Str("date", "2026-03-03"))
	mustEphemeral(t, r, "Cancelled the meeting", hearth.Timestamp(firstMeeting, "F"))

	t.Run("MembersTold", func(t *testing.T) {
		posts := h.waitMessages(h.channel, 1)
		mustContain(t, posts[0].Content, "is cancelled", hearth.Timestamp(firstMeeting, "F"))
	})
	t.Run("EventDeleted", func(t *testing.T) {
		evs := h.waitEvents(1)
		if !evs[0].ScheduledStartTime.Equal(firstMeeting.Add(7 * 24 * time.Hour)) {
			t.Errorf("the remaining event starts %s", evs[0].ScheduledStartTime)
		}
		// One writer per server's events: each event was created once, and
		// only the skipped meeting's was deleted, once.
		h.settle()
		answered := func(method, path string) int {
			n := 0
			for _, c := range h.fake.CallsTo(method, path) {
				if c.Status != http.StatusTooManyRequests {
					n++
				}
			}
			return n
		}
		if n := answered("POST", "/guilds/*/scheduled-events"); n != 2 {
			t.Errorf("%d events created for two meetings", n)
		}
		if n := answered("DELETE", "/guilds/*/scheduled-events/*"); n != 1 {
			t.Errorf("%d events deleted for one skipped meeting", n)
		}
	})
	t.Run("PostsCancelled", func(t *testing.T) {
		h.advanceTo(dayReminder)
		h.advanceTo(hourReminder)
		h.advanceTo(firstMeeting.Add(2 * time.Hour))
		if n := len(h.posts(h.channel)); n != 1 {
			t.Errorf("%d posts in the channel; only the cancellation was expected", n)
		}
		mustEphemeral(t, h.scheduleCmd("show"), hearth.Timestamp(firstMeeting.Add(7*24*time.Hour), "F"))
	})
	t.Run("ErrTwice", func(t *testing.T) {
		h2 := start(t)
		h2.scheduleGroup()
		h2.scheduleCmd("skip", discordtest.Str("date", "2026-03-10"))
		mustEphemeral(t, h2.scheduleCmd("skip", discordtest.Str("date", "2026-03-10")), "already cancelled")
	})
	t.Run("BeyondHorizon", func(t *testing.T) {
		// 31 March is past the planned fortnight: it stays skipped when planned.
		mustEphemeral(t, h.scheduleCmd("skip", discordtest.Str("date", "2026-03-31")), "Cancelled the meeting")
		h.advanceTo(time.Date(2026, 3, 24, 12, 0, 0, 0, time.UTC))
		if _, err := h.app.Planner.PlanAll(h.ctx()); err != nil {
			t.Fatal(err)
		}
		r := h.scheduleCmd("show")
		if strings.Contains(replyText(r), hearth.Timestamp(time.Date(2026, 3, 31, 17, 0, 0, 0, time.UTC), "F")) {
			t.Errorf("the skipped meeting was planned again: %s", replyText(r))
		}
	})
}

// mustContain fails unless s contains every want.
func mustContain(t *testing.T, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%q does not contain %q", s, w)
		}
	}
}
