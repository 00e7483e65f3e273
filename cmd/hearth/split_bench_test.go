package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// waitParts waits until every group channel holds all the parts of its
// split reminder (the part titles say how many: "Check-in order (k/N)"),
// and returns the posts by channel.
func (rb *realtimeBench) waitParts(b *testing.B, timeout time.Duration) map[string][]sentPost {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var posts map[string][]sentPost
	complete := 0
	err := rb.fake.WaitFor(ctx, func() bool {
		posts = map[string][]sentPost{}
		for _, m := range rb.fake.AllMessages() {
			if rb.channels[m.ChannelID] {
				posts[m.ChannelID] = append(posts[m.ChannelID], sentPost{Content: m.Content, At: m.Timestamp})
			}
		}
		complete = 0
		for _, ps := range posts {
			want := 1
			if t := partTitleRE.FindStringSubmatch(ps[0].Content); t != nil {
				want, _ = strconv.Atoi(t[2])
			}
			if len(ps) >= want {
				complete++
			}
		}
		return complete == len(rb.channels)
	})
	if err != nil {
		b.Fatalf("%d of %d reminders complete: %v", complete, len(rb.channels), err)
	}
	return posts
}

type sentPost struct {
	Content string
	At      time.Time
}

// BenchmarkReminder_Split500 posts the reminders of 20 (then 100) groups
// of 500 members each, all due in the same instant. A 500-member group's
// reminder does not fit in one message, so each is split into parts
// (hearth.ReminderPosts, 8 parts here): 160 (800) posts, every one of
// which must go out exactly once, in order, within Discord's limits (2,000
// characters, at most 100 users in allowed_mentions). It reports the
// posts, the time from the due instant to the last post's arrival at the
// fake, the posts per second against Discord's global 50/s (the bot allows
// itself 44/s sustained plus a burst of 4, bot/limiter.go), the most posts
// the fake received in any one second, all REST requests in the burst, and
// the 429s the fake served (global or per route). The 100-group case is
// there to measure the sustained rate: 160 posts last under 4 seconds.
//
//	go test ./cmd/hearth -run '^$' -bench Reminder_Split500 -benchtime 1x -timeout 10m
func BenchmarkReminder_Split500(b *testing.B) {
	for _, groups := range []int{20, 100} {
		b.Run(fmt.Sprintf("groups-%d", groups), func(b *testing.B) { benchSplit(b, groups, 500) })
	}
}

// benchSplit is one case of BenchmarkReminder_Split500.
func benchSplit(b *testing.B, groups, members int) {
	for b.Loop() {
		b.StopTimer()
		rb := startRealtimeGroups(b, groups, members, 2)
		calls := len(rb.fake.Calls())
		due := time.Now().Add(3 * time.Second).Truncate(time.Microsecond)
		dues := make([]time.Time, groups)
		for i := range dues {
			dues[i] = due
		}
		rb.plan(b, dues)
		b.StartTimer()
		posts := rb.waitParts(b, 5*time.Minute)
		b.StopTimer()

		var total int
		var at []time.Time
		for _, ps := range posts {
			total += len(ps)
			for _, p := range ps {
				at = append(at, p.At)
			}
		}
		slices.SortFunc(at, time.Time.Compare)
		took := at[len(at)-1].Sub(due)
		peak := 0
		for i, j := 0, 0; i < len(at); i++ {
			for at[i].Sub(at[j]) >= time.Second {
				j++
			}
			peak = max(peak, i-j+1)
		}
		requests := len(rb.fake.Calls()) - calls
		b.ReportMetric(float64(total), "posts")
		b.ReportMetric(took.Seconds(), "burst-s")
		b.ReportMetric(float64(total)/took.Seconds(), "posts/s")
		b.ReportMetric(float64(total)/at[len(at)-1].Sub(at[0]).Seconds(), "posts/s-first-to-last")
		b.ReportMetric(float64(peak), "peak-posts-in-1s")
		b.ReportMetric(float64(requests), "requests")
		b.ReportMetric(float64(rb.fake.RateLimited()), "429s")
		if rl := rb.fake.RateLimited(); rl != 0 {
			b.Errorf("the fake answered %d requests with 429", rl)
		}
		if peak > 50 {
			b.Errorf("%d posts arrived within one second, over Discord's 50", peak)
		}
		rb.checkSplit(b, posts, members)
		b.StartTimer()
	}
}

// checkSplit asserts that each group's reminder was posted as the parts
// hearth.ReminderPosts makes of its meeting (rota as fixed), in order, each
// exactly once (one accepted create call per part, each with its own
// nonce), and that every create call was within Discord's limits.
func (rb *realtimeBench) checkSplit(b *testing.B, posts map[string][]sentPost, members int) {
	b.Helper()
	ctx := context.Background()
	for _, g := range rb.groups {
		ms, err := rb.app.DB.MeetingsBetween(ctx, g.ID, time.Now().Add(-time.Hour), time.Now().Add(3*time.Hour))
		if err != nil || len(ms) != 1 {
			b.Fatalf("group %d: %d meetings: %v", g.ID, len(ms), err)
		}
		m := ms[0]
		if m.Rota == nil || len(m.Rota.Order) != members {
			b.Fatalf("group %d: the rota was not fixed for %d members", g.ID, members)
		}
		want := hearth.ReminderPosts(g, m, locale.Lang(g.Language).OrDefault())
		if len(want) < 2 {
			b.Errorf("group %d: the reminder of %d members fits in one message; the benchmark measures nothing split", g.ID, members)
		}
		got := posts[g.ChannelID]
		if len(got) != len(want) {
			b.Errorf("group %d: %d posts, want the %d parts", g.ID, len(got), len(want))
		}
		for i := range min(len(got), len(want)) {
			if got[i].Content != want[i].Content {
				b.Errorf("group %d: post %d is not part %d: %.80q", g.ID, i+1, i+1, got[i].Content)
			}
		}
		nonces := map[string]bool{}
		accepted := 0
		for _, c := range rb.fake.CallsTo("POST", "/channels/"+g.ChannelID+"/messages") {
			var sm sentMessage
			if err := json.Unmarshal(c.Body, &sm); err != nil {
				b.Fatal(err)
			}
			if n := len([]rune(sm.Content)); n > maxContent {
				b.Errorf("group %d: a part of %d characters", g.ID, n)
			}
			if sm.AllowedMentions == nil || len(sm.AllowedMentions.Users) > maxMentions {
				b.Errorf("group %d: allowed_mentions %+v", g.ID, sm.AllowedMentions)
			}
			if c.Status/100 != 2 {
				continue
			}
			accepted++
			if sm.Nonce == "" || nonces[sm.Nonce] {
				b.Errorf("group %d: nonce %q empty or repeated", g.ID, sm.Nonce)
			}
			nonces[sm.Nonce] = true
		}
		if accepted != len(want) {
			b.Errorf("group %d: %d accepted sends for %d parts", g.ID, accepted, len(want))
		}
	}
}
