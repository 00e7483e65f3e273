package main

// The voice-load benchmark: hearth's interaction latency with and without
// 10,000 voice-state updates a minute arriving on the gateway, and the
// presence rows they leave:
//
//	go test ./cmd/hearth -run '^$' -bench 'VoiceLoad' -benchtime 2000x

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// voiceRate is 10,000 voice-state updates a minute.
const voiceRate = 10000.0 / 60

// startVoiceLoaded is startLoaded with the group meeting in a voice channel
// and a meeting under way (started five minutes ago).
func startVoiceLoaded(b *testing.B) (*harness, *hearth.Group, *hearth.Meeting, string) {
	h := start(b, withRealClock(), withFake(discordtest.WithoutValidation()))
	for i := len(h.members); i < loadMembers; i++ {
		h.members = append(h.members, h.user(fmt.Sprintf("member%d", i+1)))
	}
	g := h.setupGroup()
	voice := h.fake.AddVoiceChannel(h.guild, "", "circle-voice")
	g, err := h.app.DB.UpdateGroup(h.ctx(), g.ID, func(g *hearth.Group) error { g.VoiceChannelID = voice; return nil },
		hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "group.edit"})
	if err != nil {
		b.Fatal(err)
	}
	h.app.Presence.Forget(h.guild)
	m := h.meetingAt(g, time.Now().Add(-5*time.Minute))
	h.meetingAt(g, time.Now().Add(7*24*time.Hour)) // /next and /rota show look ahead
	return h, g, m, voice
}

// voiceLoad sends voice-state updates at voiceRate until stop is closed: in
// turn, every member of the group re-sends their state in its voice channel
// (a mute or an unmute, the most common update), every 50th update moves
// one out and back in, and as many updates come from people in another
// channel, who are not the group's. It returns how many it sent.
func voiceLoad(h *harness, voice string, stop <-chan struct{}) func() int {
	others := make([]string, 50)
	for i := range others {
		others[i] = h.user(fmt.Sprintf("stranger%d", i+1))
	}
	lounge := h.fake.AddVoiceChannel(h.guild, "", "lounge")
	var wg sync.WaitGroup
	sent := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Duration(float64(time.Second) / voiceRate))
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			switch {
			case i%2 == 1:
				h.fake.SetVoiceState(h.guild, others[(i/2)%len(others)], lounge)
			case i%100 == 0:
				m := h.members[(i/2)%len(h.members)]
				h.fake.SetVoiceState(h.guild, m, "")
				h.fake.SetVoiceState(h.guild, m, voice)
				sent++
			default:
				h.fake.SetVoiceState(h.guild, h.members[(i/2)%len(h.members)], voice)
			}
			sent++
		}
	}()
	return func() int { wg.Wait(); return sent }
}

// BenchmarkVoiceLoad measures /rota show at 200/s without and then with
// 10,000 voice-state updates a minute, and reports the presence rows per
// member of the meeting.
func BenchmarkVoiceLoad(b *testing.B) {
	var quiet99 time.Duration
	b.Run("rota-show-quiet", func(b *testing.B) {
		h, _, _, _ := startVoiceLoaded(b)
		lat := openLoop(b, loadRate, func(i int) *discordtest.Interaction {
			return h.fake.SlashCommand(h.as(h.members[i%len(h.members)]), "rota show")
		}, said("Check-in order"))
		_, quiet99 = percentiles(b, lat)
	})
	b.Run("rota-show-voice-10k-per-min", func(b *testing.B) {
		h, _, m, voice := startVoiceLoaded(b)
		stop := make(chan struct{})
		wait := voiceLoad(h, voice, stop)
		lat := openLoop(b, loadRate, func(i int) *discordtest.Interaction {
			return h.fake.SlashCommand(h.as(h.members[i%len(h.members)]), "rota show")
		}, said("Check-in order"))
		close(stop)
		sent := wait()
		_, p99 := percentiles(b, lat)
		if quiet99 > 0 {
			b.ReportMetric(float64(p99)/float64(quiet99), "p99-x-quiet")
		}
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		if err := h.app.Bot.WaitVoiceEvents(ctx, int64(sent)+1); err != nil {
			b.Fatalf("voice events: handled %d of %d: %v", h.app.Bot.VoiceEvents(), sent+1, err)
		}
		ivs, err := h.app.DB.Presence(ctx, m.ID)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(sent), "voice-updates")
		b.ReportMetric(float64(len(ivs))/float64(len(h.members)), "rows/member")
	})
}
