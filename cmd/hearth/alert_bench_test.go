package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// BenchmarkAlertLatency measures, on the wall clock, the time from a
// member's /struggling interaction being sent by the fake Discord to both
// psychologists' DMs being stored by it: first for a bare discordgo bot that
// answers and sends the two DMs at once (the floor), then for hearth alone,
// and while 5,000 reminder sends wait behind the outbound limit. It reports
// p50 and p99 in milliseconds and hearth's ratio to the floor; run it with a
// fixed count:
//
//	go test ./cmd/hearth -run '^$' -bench AlertLatency -benchtime 40x
func BenchmarkAlertLatency(b *testing.B) {
	b.Run("floor", benchAlertFloor)
	b.Run("alone", func(b *testing.B) { benchAlertLatency(b, 0) })
	b.Run("behind-5000-reminders", func(b *testing.B) { benchAlertLatency(b, 5000) })
}

// alertEvery paces the alerts of this benchmark (open loop, timer stopped
// between them): 5 a second is far more than a server raises, and leaves
// the outbound bucket time to refill between alerts, as it has in life.
// Back to back, the benchmark would measure the limiter's sustained rate
// (each alert is two requests), not an alert's latency; and the bare floor
// bot, which has no limiter, would pass Discord's 50/s and sleep on 429s.
const alertEvery = 200 * time.Millisecond

// pace waits for the next tick with the benchmark's timer stopped.
func pace(b *testing.B, tick *time.Ticker) {
	b.StopTimer()
	<-tick.C
	b.StartTimer()
}

// alertFloor holds the floor's percentiles for the hearth cases' ratios.
var alertFloor struct {
	sync.Mutex
	p50, p99 time.Duration
}

// benchAlertFloor is the same measurement for a bare discordgo bot on the
// same fake: on each interaction it answers "ok" (ephemeral), then sends a
// DM to each of two users (their DM channels asked once, as hearth does),
// with no limiter, database or job engine in the way.
func benchAlertFloor(b *testing.B) {
	fake, spec := startFloor(b, nil)
	psy := []string{fake.AddUser("", "dr-a", false), fake.AddUser("", "dr-b", false)}
	s, err := discordgo.New("Bot " + fake.Token)
	if err != nil {
		b.Fatal(err)
	}
	base, _ := url.Parse(fake.URL)
	s.Client = &http.Client{Transport: floorTransport{base}}
	dm := map[string]string{}
	for _, u := range psy {
		ch, err := s.UserChannelCreate(u)
		if err != nil {
			b.Fatal(err)
		}
		dm[u] = ch.ID
	}
	// The floor bot of startFloor answers the interaction; this session
	// sends the DMs when that answer is stored, as one bot would.
	lat := make([]time.Duration, 0, b.N)
	tick := time.NewTicker(alertEvery)
	defer tick.Stop()
	b.ResetTimer()
	for i := range b.N {
		before := len(fake.DMs(psy[0])) + len(fake.DMs(psy[1]))
		t0 := time.Now()
		ix := fake.SlashCommand(spec(i), "struggling")
		if _, err := ix.Wait(context.Background()); err != nil {
			b.Fatal(err)
		}
		for _, u := range psy {
			if _, err := s.ChannelMessageSend(dm[u], "A member of Anxiety group asked for support."); err != nil {
				b.Fatal(err)
			}
		}
		if err := fake.WaitFor(context.Background(), func() bool { return len(fake.DMs(psy[0]))+len(fake.DMs(psy[1])) >= before+2 }); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		pace(b, tick)
	}
	b.StopTimer()
	slices.Sort(lat)
	alertFloor.Lock()
	alertFloor.p50, alertFloor.p99 = lat[len(lat)/2], lat[(len(lat)*99)/100]
	alertFloor.Unlock()
	b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
	b.ReportMetric(ms(lat[(len(lat)*99)/100]), "p99-ms")
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
	tick := time.NewTicker(alertEvery)
	defer tick.Stop()
	b.ResetTimer()
	for i := range b.N {
		before := len(h.dms(h.fac)) + len(h.dms(h.obs))
		t0 := time.Now()
		struggle(h, h.members[i%len(h.members)], "now", false, "")
		if err := h.fake.WaitFor(h.ctx(), func() bool { return len(h.dms(h.fac))+len(h.dms(h.obs)) >= before+2 }); err != nil {
			b.Fatalf("alert %d not delivered: %v", i, err)
		}
		lat = append(lat, time.Since(t0))
		pace(b, tick)
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
	p50, p99 := lat[len(lat)/2], lat[(len(lat)*99)/100]
	b.ReportMetric(ms(p50), "p50-ms")
	b.ReportMetric(ms(p99), "p99-ms")
	alertFloor.Lock()
	f50, f99 := alertFloor.p50, alertFloor.p99
	alertFloor.Unlock()
	if f50 > 0 {
		b.ReportMetric(float64(p50)/float64(f50), "p50-x-floor")
		b.ReportMetric(float64(p99)/float64(f99), "p99-x-floor")
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
