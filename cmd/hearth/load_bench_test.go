package main

// The interaction load benchmarks: the same open-loop load of slash commands
// through the fake Discord, sent to a bare discordgo bot (the floor of this
// stack: gateway, JSON, REST callback, nothing else) and to hearth. Run the
// floor and the hearth cases in one invocation and compare them as ratios, so
// the noise of the machine cancels:
//
//	go test ./cmd/hearth -run '^$' -bench 'Interactions' -benchtime 2000x

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// loadRate is the open-loop rate of BenchmarkInteractions.
const loadRate = 200

// loadMembers is how many members the load is spread over.
const loadMembers = 50

// floorLatency holds the floors' percentiles of the current run, so the
// hearth cases can report theirs as multiples of them: the "ok" floor and
// the floor answering with a rota-sized reply.
var floorLatency struct {
	sync.Mutex
	p50, p99         time.Duration
	sized50, sized99 time.Duration
}

// BenchmarkInteractions sends b.N slash commands at 200/s (open loop: a
// ticker sends, each is measured from SlashCommand to the callback stored by
// the fake) and reports p50 and p99, and for hearth their ratio to the floor
// (run the floor first, as this benchmark does).
func BenchmarkInteractions(b *testing.B) {
	b.Run("floor", func(b *testing.B) {
		fake, spec := startFloor(b, nil)
		lat := openLoop(b, loadRate, func(i int) *discordtest.Interaction {
			return fake.SlashCommand(spec(i), "rota show")
		}, func(r *discordtest.Reply) bool { return r.Content == "ok" })
		p50, p99 := percentiles(b, lat)
		floorLatency.Lock()
		floorLatency.p50, floorLatency.p99 = p50, p99
		floorLatency.Unlock()
	})
	// The same bare bot, answering with a reply the size and shape of
	// hearth's /rota show for 50 members (1.3 KB): what that reply costs in
	// discordgo's encoder and the fake's parser, apart from hearth's work.
	b.Run("floor-rota-reply", func(b *testing.B) {
		fake, spec := startFloor(b, rotaReply)
		lat := openLoop(b, loadRate, func(i int) *discordtest.Interaction {
			return fake.SlashCommand(spec(i), "rota show")
		}, said("Check-in order"))
		p50, p99 := percentiles(b, lat)
		floorLatency.Lock()
		floorLatency.sized50, floorLatency.sized99 = p50, p99
		floorLatency.Unlock()
	})
	b.Run("rota-show", func(b *testing.B) {
		h, _ := startLoaded(b)
		lat := openLoop(b, loadRate, func(i int) *discordtest.Interaction {
			return h.fake.SlashCommand(h.as(h.members[i%len(h.members)]), "rota show")
		}, said("Check-in order"))
		reportVsFloor(b, lat, true)
	})
	b.Run("next", func(b *testing.B) {
		h, _ := startLoaded(b)
		lat := openLoop(b, loadRate, func(i int) *discordtest.Interaction {
			return h.fake.SlashCommand(h.as(h.members[i%len(h.members)]), "next")
		}, said("meets next"))
		reportVsFloor(b, lat, true)
	})
	b.Run("checkin", func(b *testing.B) {
		h, _ := startLoaded(b)
		lat := openLoop(b, loadRate, func(i int) *discordtest.Interaction {
			return h.fake.SlashCommand(h.as(h.members[i%len(h.members)]), "checkin", discordtest.Int("mood", int64(1+i%5)))
		}, said("checked in"))
		reportVsFloor(b, lat, false)
	})
}

// BenchmarkCheckInThroughput sends /checkin to hearth on SQLite, open loop
// at 500/s, and closed loop from 16 clients that each send the next as soon
// as the last was answered (the most it sustains); it reports p50, p99 and
// the rate:
//
//	go test ./cmd/hearth -run '^$' -bench CheckInThroughput -benchtime 5000x
func BenchmarkCheckInThroughput(b *testing.B) {
	checkIn := func(h *harness, i int) *discordtest.Interaction {
		return h.fake.SlashCommand(h.as(h.members[i%len(h.members)]), "checkin", discordtest.Int("mood", int64(1+i%5)))
	}
	b.Run("open-500", func(b *testing.B) {
		h, _ := startLoaded(b)
		lat := openLoop(b, 500, func(i int) *discordtest.Interaction { return checkIn(h, i) }, said("checked in"))
		percentiles(b, lat)
	})
	b.Run("closed-16", func(b *testing.B) {
		h, _ := startLoaded(b)
		lat := closedLoop(b, 16, func(i int) *discordtest.Interaction { return checkIn(h, i) }, said("checked in"))
		percentiles(b, lat)
	})
}

// closedLoop sends b.N interactions from clients goroutines, each sending
// its next when the last was answered, and returns each one's latency.
func closedLoop(b *testing.B, clients int, send func(i int) *discordtest.Interaction, ok func(*discordtest.Reply) bool) []time.Duration {
	lat := make([]time.Duration, b.N)
	var next, bad atomic.Int64
	var mu sync.Mutex // the fake's Fatalf must not run on two goroutines
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(context.Background(), 10*waitTimeout)
	defer cancel()
	b.ResetTimer()
	t0 := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= b.N {
					return
				}
				sent := time.Now()
				mu.Lock()
				ix := send(i)
				mu.Unlock()
				r, err := ix.Wait(ctx)
				lat[i] = time.Since(sent)
				if err != nil || r.Type != discordgo.InteractionResponseChannelMessageWithSource || !ok(r) {
					bad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	b.StopTimer()
	if n := bad.Load(); n > 0 {
		b.Fatalf("%d of %d interactions were not answered at once as expected", n, b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "answered/s")
	return lat
}

// said accepts an immediate ephemeral reply that contains want.
func said(want string) func(*discordtest.Reply) bool {
	return func(r *discordtest.Reply) bool { return r.Ephemeral && strings.Contains(r.Content, want) }
}

// startLoaded starts hearth with a group of loadMembers members and a
// meeting open for check-in (starting in 10 minutes).
func startLoaded(b *testing.B) (*harness, *hearth.Group) {
	h := start(b, withRealClock(), withFake(discordtest.WithoutValidation()))
	for i := len(h.members); i < loadMembers; i++ {
		h.members = append(h.members, h.user(fmt.Sprintf("member%d", i+1)))
	}
	g := h.setupGroup()
	h.meetingAt(g, time.Now().Add(10*time.Minute))
	return h, g
}

// rotaReply renders a reply like hearth's /rota show for the floor's users.
func rotaReply(users []string) string {
	sharers, order := (&hearth.Rota{Order: users, Sharers: users[:2]}).Lines()
	at := time.Now().Add(time.Hour)
	return fmt.Sprintf("Rota of the **Anxiety group** meeting of %s (%s) (may change until the first reminder):\n%s\n%s\nYou share at this meeting and are number 1 in the check-in order. If you would rather not, use `/rota pass`.",
		hearth.Timestamp(at, "F"), hearth.Timestamp(at, "R"), sharers, order)
}

// startFloor starts a fake Discord with loadMembers members and a bare
// discordgo bot that answers every interaction at once with an ephemeral
// reply: "ok", or reply(users) if reply is not nil. spec(i) is the i-th
// interaction's sender.
func startFloor(b *testing.B, reply func(users []string) string) (*discordtest.Server, func(int) discordtest.InteractionSpec) {
	fake := discordtest.NewServer(b, discordtest.WithoutValidation())
	guild := fake.AddGuild("", "Support Server")
	channel := fake.AddChannel(guild, "", "anxiety-group")
	users := make([]string, loadMembers)
	for i := range users {
		users[i] = fake.AddUser("", fmt.Sprintf("member%d", i+1), false)
		fake.AddMember(guild, users[i])
	}
	content := "ok"
	if reply != nil {
		content = reply(users)
	}
	s, err := discordgo.New("Bot " + fake.Token)
	if err != nil {
		b.Fatal(err)
	}
	base, _ := url.Parse(fake.URL)
	s.Client = &http.Client{Transport: floorTransport{base}}
	s.Identify.Intents = discordgo.IntentsGuilds
	s.LogLevel = discordgo.LogError
	ready := make(chan struct{})
	var once sync.Once
	s.AddHandler(func(*discordgo.Session, *discordgo.Ready) { once.Do(func() { close(ready) }) })
	s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		err := s.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: content, Flags: discordgo.MessageFlagsEphemeral},
		})
		if err != nil {
			b.Errorf("floor: respond: %v", err)
		}
	})
	if err := s.Open(); err != nil {
		b.Fatalf("floor: open: %v", err)
	}
	b.Cleanup(func() { s.Close() })
	select {
	case <-ready:
	case <-time.After(waitTimeout):
		b.Fatal("floor: no READY")
	}
	perms := int64(discordgo.PermissionViewChannel | discordgo.PermissionSendMessages)
	return fake, func(i int) discordtest.InteractionSpec {
		return discordtest.InteractionSpec{GuildID: guild, ChannelID: channel, User: users[i%len(users)], Permissions: perms}
	}
}

// floorTransport sends discordgo's requests to the fake, as hearth's
// rewriting transport does.
type floorTransport struct{ base *url.URL }

func (t floorTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	u := *t.base
	u.Path = strings.TrimSuffix(t.base.Path, "/") + strings.TrimPrefix(req.URL.Path, "/api/v9")
	u.RawQuery = req.URL.RawQuery
	out.URL, out.Host = &u, u.Host
	return http.DefaultTransport.RoundTrip(out)
}

// openLoop sends b.N interactions, one per tick at rate per second whatever
// the answers do, and returns each one's time from send to callback. A
// callback that is not an immediate reply accepted by ok fails the benchmark:
// a deferred reply would hide the time the answer took.
func openLoop(b *testing.B, rate int, send func(i int) *discordtest.Interaction, ok func(*discordtest.Reply) bool) []time.Duration {
	lat := make([]time.Duration, b.N)
	var bad atomic.Int64
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout+time.Duration(b.N/rate)*time.Second)
	defer cancel()
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	b.ResetTimer()
	t0 := time.Now()
	for i := range b.N {
		<-tick.C
		sent := time.Now()
		ix := send(i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := ix.Wait(ctx)
			lat[i] = time.Since(sent)
			if err != nil || r.Type != discordgo.InteractionResponseChannelMessageWithSource || !ok(r) {
				if bad.Add(1) == 1 {
					if err != nil {
						b.Errorf("interaction %d: %v", i, err)
					} else {
						b.Errorf("interaction %d: callback type %d %q", i, r.Type, r.Content)
					}
				}
			}
		}()
	}
	sending := time.Since(t0)
	wg.Wait()
	b.StopTimer()
	if n := bad.Load(); n > 0 {
		b.Fatalf("%d of %d interactions were not answered at once as expected", n, b.N)
	}
	b.ReportMetric(float64(b.N)/sending.Seconds(), "sent/s")
	return lat
}

// percentiles reports and returns p50 and p99.
func percentiles(b *testing.B, lat []time.Duration) (p50, p99 time.Duration) {
	slices.Sort(lat)
	p50, p99 = lat[len(lat)/2], lat[(len(lat)*99)/100]
	b.ReportMetric(ms(p50), "p50-ms")
	b.ReportMetric(ms(p99), "p99-ms")
	return p50, p99
}

// reportVsFloor reports p50 and p99 and, when the floors ran in this
// invocation, their multiples of the floor's and, with sized, of the
// rota-sized floor's.
func reportVsFloor(b *testing.B, lat []time.Duration, sized bool) {
	p50, p99 := percentiles(b, lat)
	floorLatency.Lock()
	f50, f99, s50, s99 := floorLatency.p50, floorLatency.p99, floorLatency.sized50, floorLatency.sized99
	floorLatency.Unlock()
	if f50 > 0 && b.N > 1 {
		b.ReportMetric(float64(p50)/float64(f50), "p50-x-floor")
		b.ReportMetric(float64(p99)/float64(f99), "p99-x-floor")
	}
	if sized && s50 > 0 && b.N > 1 {
		b.ReportMetric(float64(p50)/float64(s50), "p50-x-sized")
		b.ReportMetric(float64(p99)/float64(s99), "p99-x-sized")
	}
}
