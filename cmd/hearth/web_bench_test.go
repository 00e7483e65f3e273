package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
)

// BenchmarkDashboard times the dashboard's busiest pages in the server
// (handler in, page out: access checks, queries, template), with 10,000
// groups and 100,000 meetings stored: the alert list of a psychologist of
// 51 groups, and a group page with 12 weeks of history.
//
//	go test ./cmd/hearth -run '^$' -bench Dashboard -benchtime 400x
func BenchmarkDashboard(b *testing.B) {
	w := startWeb(b)
	h := w.harness
	ctx := context.Background()
	const groups, meetingsPer = 10_000, 10
	seedStart := time.Now()
	now := h.now()
	var ms []*hearth.Meeting
	for i := range groups {
		fac := "1"
		if i%200 == 0 { // 50 more groups of the measured psychologist
			fac = h.fac
		}
		g := &hearth.Group{GuildID: h.guild, Name: fmt.Sprintf("Seeded %05d", i), ChannelID: h.channel, FacilitatorID: fac, ObserverID: "2",
			Timezone: "Europe/Madrid", LengthMinutes: 90, ReminderOffsets: hearth.DefaultReminderOffsets, Sharers: 2}
		if err := h.app.DB.CreateGroup(ctx, g, hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "group.create"}); err != nil {
			b.Fatal(err)
		}
		for j := range meetingsPer {
			start := now.Add(time.Duration(j-meetingsPer/2) * 7 * 24 * time.Hour)
			ms = append(ms, &hearth.Meeting{GroupID: g.ID, StartsAt: start, EndsAt: start.Add(90 * time.Minute), Status: hearth.MeetingDone})
		}
		if i%5 == 0 {
			a := &hearth.Alert{GuildID: h.guild, GroupID: g.ID, UserID: "3", Urgency: hearth.UrgencyLater, Status: hearth.AlertResolved, CreatedAt: now.Add(-time.Duration(i) * time.Minute), Note: "n"}
			if err := h.app.DB.CreateAlert(ctx, a, nil, nil); err != nil {
				b.Fatal(err)
			}
		}
		if len(ms) >= 1000 {
			if _, err := h.app.DB.EnsureMeetings(ctx, ms...); err != nil {
				b.Fatal(err)
			}
			ms = ms[:0]
		}
	}
	// The measured group: 12 weekly meetings, each with the members' check-ins.
	for j := range 12 {
		start := now.Add(-time.Duration(j+1) * 7 * 24 * time.Hour)
		m := &hearth.Meeting{GroupID: w.group.ID, StartsAt: start, EndsAt: start.Add(90 * time.Minute), Status: hearth.MeetingDone}
		ms = append(ms, m)
	}
	if _, err := h.app.DB.EnsureMeetings(ctx, ms...); err != nil {
		b.Fatal(err)
	}
	for _, m := range ms {
		if m.GroupID != w.group.ID {
			continue
		}
		for k, u := range h.members {
			if err := h.app.DB.CreateCheckIn(ctx, &hearth.CheckIn{MeetingID: m.ID, GroupID: m.GroupID, UserID: u, Mood: 1 + k%5, Note: "private"}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Logf("seeded %d groups, %d meetings in %s", groups, groups*meetingsPer+12, time.Since(seedStart).Round(time.Second))

	fac := w.login(h.fac)
	cookies := fac.c.Jar.Cookies(mustURL(b, w.base))
	for _, page := range []string{"/alerts", "/groups/" + strconv.FormatInt(w.group.ID, 10)} {
		b.Run(page[:7], func(b *testing.B) {
			serve := func() time.Duration {
				req := httptest.NewRequest(http.MethodGet, w.base+page, nil)
				for _, c := range cookies {
					req.AddCookie(c)
				}
				rec := httptest.NewRecorder()
				t0 := time.Now()
				h.app.Web.ServeHTTP(rec, req)
				d := time.Since(t0)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s: %d", page, rec.Code)
				}
				return d
			}
			serve() // warm: names and Manage Server read from Discord once
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				lat = append(lat, serve())
			}
			percentiles(b, lat)
		})
	}
}
