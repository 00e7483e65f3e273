package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// BenchmarkAlertLatency measures, on the wall clock, the time from a
// member's /struggling interaction being sent by the fake Discord to both
// psychologists' DMs being stored by it: alone, and while 5,000 reminder
// sends wait behind the outbound limit (48/s, under Discord's 50/s). It
// reports p50 and p99 in milliseconds; run it with a fixed count:
//
//	go test ./cmd/hearth -run '^$' -bench AlertLatency -benchtime 40x
func BenchmarkAlertLatency(b *testing.B) {
	b.Run("alone", func(b *testing.B) { benchAlertLatency(b, 0) })
	b.Run("behind-5000-reminders", func(b *testing.B) { benchAlertLatency(b, 5000) })
}

// benchPost is a stand-in for a reminder: one channel post at reminder
// priority, through the same engine, limiter and REST client.
const benchPost hearth.JobKind = "bench.post"

func benchAlertLatency(b *testing.B, queued int) {
	h := start(b, withRealClock(), withFake(discordtest.WithoutValidation()))
	h.setupGroup()
	ctx := context.Background()
	h.app.Engine.Register(benchPost, func(ctx context.Context, j *hearth.Job) (string, error) {
		return h.app.Bot.Send(ctx, h.channel, &hearth.Message{Content: "reminder " + j.Arg}, "hb"+strconv.FormatInt(j.ID, 36))
	})
	if queued > 0 {
		jobs := make([]*hearth.Job, queued)
		due := time.Now()
		for i := range jobs {
			jobs[i] = &hearth.Job{Kind: benchPost, Key: fmt.Sprintf("bench:%d", i), Priority: hearth.PriorityReminder, DueAt: due, Arg: strconv.Itoa(i)}
		}
		if err := h.app.DB.EnqueueJobs(ctx, jobs...); err != nil {
			b.Fatal(err)
		}
		h.app.Engine.Wake()
		// Let the burst fill the limiter's queue before the first alert.
		h.waitMessages(h.channel, 20)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		before := len(h.dms(h.fac)) + len(h.dms(h.obs))
		t0 := time.Now()
		struggle(h, h.members[i%len(h.members)], "now", false, "")
		if err := h.fake.WaitFor(h.ctx(), func() bool { return len(h.dms(h.fac))+len(h.dms(h.obs)) >= before+2 }); err != nil {
			b.Fatalf("alert %d not delivered: %v", i, err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	if queued > 0 {
		if left := queued - len(h.posts(h.channel)); left < 1000 {
			b.Fatalf("only %d reminders still queued at the end: the alerts were not measured behind the burst", left)
		}
	}
	if n := h.fake.RateLimited(); n != 0 {
		b.Errorf("the fake answered %d requests with 429", n)
	}
	slices.Sort(lat)
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[(len(lat)*99)/100]), "p99-ms")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
