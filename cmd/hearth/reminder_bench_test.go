package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// realtimeBench is hearth on the real clock against a fake Discord with
// Discord's global limit (50 requests per second), with n groups each in
// its own channel, for benchmarks of delivery timing.
type realtimeBench struct {
	app      *App
	fake     *discordtest.Server
	groups   []*hearth.Group
	channels map[string]bool
}

// startRealtime is startRealtimeGroups with n groups of two members, one
// sharing: for benchmarks of delivery timing, not of message size.
func startRealtime(b *testing.B, n int) *realtimeBench { return startRealtimeGroups(b, n, 2, 1) }

// startRealtimeGroups is hearth on the real clock against a fake Discord
// with Discord's global limit (50 requests per second): groups groups, each
// in its own channel with sharers sharers, all with the same members
// (a member may be in several groups).
func startRealtimeGroups(b *testing.B, groups, members, sharers int) *realtimeBench {
	b.Helper()
	fake := discordtest.NewServer(b, discordtest.WithoutValidation())
	guild := fake.AddGuild("", "Bench Server")
	fac, obs := fake.AddUser("", "fac", false), fake.AddUser("", "obs", false)
	fake.AddMember(guild, fac)
	fake.AddMember(guild, obs)
	users := make([]string, members)
	for i := range users {
		users[i] = fake.AddUser("", fmt.Sprintf("m%d", i), false)
		fake.AddMember(guild, users[i])
	}
	cfg := hearth.DefaultConfig()
	cfg.Database.DSN = filepath.Join(b.TempDir(), "hearth.db")
	cfg.HTTP.Listen = ""
	cfg.Discord.Token, cfg.Discord.APIBaseURL, cfg.Discord.GuildID = fake.Token, fake.URL, guild
	ctx, cancel := context.WithCancel(context.Background())
	app, err := NewApp(ctx, cfg, AppOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	rb := &realtimeBench{app: app, fake: fake, channels: map[string]bool{}}
	for i := range groups {
		ch := fake.AddChannel(guild, "", fmt.Sprintf("group-%d", i))
		g := &hearth.Group{
			GuildID: guild, Name: fmt.Sprintf("Group %d", i), ChannelID: ch, FacilitatorID: fac, ObserverID: obs,
			Timezone: "UTC", LengthMinutes: 60, Sharers: sharers, ReminderOffsets: []time.Duration{time.Hour},
		}
		if err := app.DB.CreateGroup(ctx, g, hearth.AuditEntry{}); err != nil {
			b.Fatal(err)
		}
		for _, u := range users {
			if err := app.DB.Join(ctx, &hearth.Membership{GroupID: g.ID, UserID: u}); err != nil {
				b.Fatal(err)
			}
		}
		rb.groups = append(rb.groups, g)
		rb.channels[ch] = true
	}
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx) }()
	select {
	case <-app.Ready():
	case err := <-done:
		b.Fatalf("hearth stopped: %v", err)
	}
	b.Cleanup(func() {
		cancel()
		<-done
		app.Close()
	})
	return rb
}

// plan stores one meeting per group whose reminder is due at dues[i].
func (rb *realtimeBench) plan(b *testing.B, dues []time.Time) {
	b.Helper()
	var ms []*hearth.Meeting
	byGroup := map[int64]*hearth.Group{}
	for i, due := range dues {
		g := rb.groups[i]
		byGroup[g.ID] = g
		start := due.Add(time.Hour)
		ms = append(ms, &hearth.Meeting{GroupID: g.ID, StartsAt: start, EndsAt: start.Add(time.Hour)})
	}
	now := time.Now()
	_, err := rb.app.DB.PlanMeetings(context.Background(), ms, func(m *hearth.Meeting) []*hearth.Job {
		return hearth.MeetingJobs(m, byGroup[m.GroupID], now)[:1] // the reminder only
	})
	if err != nil {
		b.Fatal(err)
	}
	rb.app.Engine.Wake()
}

// waitPosts waits until n reminders have arrived and returns when each
// arrived, by channel.
func (rb *realtimeBench) waitPosts(b *testing.B, n int, timeout time.Duration) map[string]time.Time {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	arrived := map[string]time.Time{}
	err := rb.fake.WaitFor(ctx, func() bool {
		for _, m := range rb.fake.AllMessages() {
			if rb.channels[m.ChannelID] {
				if _, ok := arrived[m.ChannelID]; !ok {
					arrived[m.ChannelID] = m.Timestamp
				}
			}
		}
		return len(arrived) >= n
	})
	if err != nil {
		b.Fatalf("%d of %d reminders arrived: %v", len(arrived), n, err)
	}
	return arrived
}

// BenchmarkReminder_Lateness measures how late reminders arrive at the fake
// Discord when hearth is not rate-limited: 200 reminders due over 8 seconds
// (25 per second, under the 48 per second the bot allows itself), on the
// real clock. It reports the p50, p99 and max lateness, from due time to
// the post's creation at the fake.
//
//	go test ./cmd/hearth -run '^$' -bench Reminder_Lateness -benchtime 1x
func BenchmarkReminder_Lateness(b *testing.B) {
	const n = 200
	for b.Loop() {
		b.StopTimer()
		rb := startRealtime(b, n)
		first := time.Now().Add(2 * time.Second)
		dues := make([]time.Time, n)
		due := map[string]time.Time{}
		for i := range dues {
			dues[i] = first.Add(time.Duration(i) * 40 * time.Millisecond).Truncate(time.Microsecond)
			due[rb.groups[i].ChannelID] = dues[i]
		}
		rb.plan(b, dues)
		b.StartTimer()
		arrived := rb.waitPosts(b, n, time.Minute)
		b.StopTimer()
		var late []time.Duration
		for ch, at := range arrived {
			late = append(late, at.Sub(due[ch]))
		}
		slices.Sort(late)
		p99 := late[len(late)*99/100]
		b.ReportMetric(float64(late[len(late)/2].Milliseconds()), "p50-ms")
		b.ReportMetric(float64(p99.Milliseconds()), "p99-ms")
		b.ReportMetric(float64(late[len(late)-1].Milliseconds()), "max-ms")
		if p99 >= time.Second {
			b.Errorf("p99 lateness %s, want under 1s", p99)
		}
		if rl := rb.fake.RateLimited(); rl != 0 {
			b.Errorf("the fake answered %d requests with 429", rl)
		}
		b.StartTimer()
	}
}

// BenchmarkReminder_Burst5000 posts 5,000 reminders due in the same instant
// (one per group and channel) and measures how long the last takes to
// arrive: Discord's global limit allows 5,000/50 = 100 s, the target is
// within 1.25× (125 s), with no 429 from the fake. At the bot's 44
// requests a second it takes about 115 s.
//
//	go test ./cmd/hearth -run '^$' -bench Reminder_Burst5000 -benchtime 1x -timeout 10m
func BenchmarkReminder_Burst5000(b *testing.B) {
	const n = 5000
	for b.Loop() {
		b.StopTimer()
		rb := startRealtime(b, n)
		due := time.Now().Add(3 * time.Second).Truncate(time.Microsecond)
		dues := make([]time.Time, n)
		for i := range dues {
			dues[i] = due
		}
		rb.plan(b, dues)
		b.StartTimer()
		arrived := rb.waitPosts(b, n, 5*time.Minute)
		b.StopTimer()
		var last time.Time
		for _, at := range arrived {
			if at.After(last) {
				last = at
			}
		}
		took := last.Sub(due)
		b.ReportMetric(took.Seconds(), "burst-s")
		b.ReportMetric(float64(n)/took.Seconds(), "posts/s")
		b.ReportMetric(float64(rb.fake.RateLimited()), "429s")
		if took > 125*time.Second {
			b.Errorf("the burst took %s, want within 125s", took)
		}
		if rl := rb.fake.RateLimited(); rl != 0 {
			b.Errorf("the fake answered %d requests with 429", rl)
		}
		b.StartTimer()
	}
}
