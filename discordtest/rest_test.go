package discordtest_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/hearthbot/hearth/discordtest"
)

func TestServer_Validation(t *testing.T) {
	t.Parallel()
	t.Run("ErrInvalidCallbackType", func(t *testing.T) {
		t.Parallel()
		if !discordtest.SchemaAvailable() {
			t.Skip("Discord OpenAPI schema not found (set HEARTH_DISCORD_OPENAPI): schema validation not tested")
		}
		rec := &recorder{TB: t}
		srv := discordtest.NewServer(rec)
		w := setup(srv)
		b := connect(t, srv)
		srv.SlashCommand(discordtest.InteractionSpec{GuildID: w.guild, ChannelID: w.channel, User: w.alice}, "next")
		got := recv(t, b.interactions)
		err := b.InteractionRespond(got, &discordgo.InteractionResponse{Type: 42})
		if status, code := restCode(t, err); status != http.StatusBadRequest || code != 50035 {
			t.Fatalf("invalid callback: %d %d", status, code)
		}
		// The OpenAPI document caught it, not only the fake's own checks.
		if errs := rec.errors(); len(errs) != 1 || !strings.Contains(errs[0], "/callback") || !strings.Contains(errs[0], "request body") {
			t.Fatalf("reported = %q", errs)
		}
	})
	t.Run("RealisticBodies", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t) // any schema complaint fails this test
		w := setup(srv)
		b := connect(t, srv)
		row := []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "Let the psychologists know", Style: discordgo.DangerButton, CustomID: "alert:raise"},
			discordgo.Button{Label: "Docs", Style: discordgo.LinkButton, URL: "https://example.org"},
		}}}
		embeds := []*discordgo.MessageEmbed{{
			Title: "Next meeting", Description: "Tuesday", Color: 0x5865F2, Timestamp: "2026-03-03T19:00:00Z",
			Fields: []*discordgo.MessageEmbedField{{Name: "Sharers", Value: "alice, bob", Inline: true}},
			Footer: &discordgo.MessageEmbedFooter{Text: "hearth"},
		}}
		none := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
		m, err := b.ChannelMessageSendComplex(w.channel, &discordgo.MessageSend{Content: "Reminder", Embeds: embeds, Components: row, AllowedMentions: none})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.ChannelMessageEditComplex(discordgo.NewMessageEdit(w.channel, m.ID).SetContent("Moved").SetEmbeds(embeds)); err != nil {
			t.Fatal(err)
		}
		srv.SlashCommand(discordtest.InteractionSpec{GuildID: w.guild, ChannelID: w.channel, User: w.alice}, "checkin")
		got := recv(t, b.interactions)
		err = b.InteractionRespond(got, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
			CustomID: "checkin", Title: "Check in",
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.TextInput{CustomID: "note", Label: "Note", Style: discordgo.TextInputParagraph, MaxLength: 500},
			}}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		srv.SlashCommand(discordtest.InteractionSpec{GuildID: w.guild, ChannelID: w.channel, User: w.alice}, "next")
		got = recv(t, b.interactions)
		if err := b.InteractionRespond(got, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.InteractionResponseEdit(got, &discordgo.WebhookEdit{Embeds: &embeds, Components: &row, AllowedMentions: none}); err != nil {
			t.Fatal(err)
		}
		if _, err := b.FollowupMessageCreate(got, true, &discordgo.WebhookParams{Embeds: embeds, AllowedMentions: none}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrContentTooLong", func(t *testing.T) {
		t.Parallel()
		rec := &recorder{TB: t}
		srv := discordtest.NewServer(rec)
		w := setup(srv)
		b := newSession(t, srv)
		_, err := b.ChannelMessageSend(w.channel, strings.Repeat("x", 2001))
		if status, code := restCode(t, err); status != http.StatusBadRequest || code != 50035 {
			t.Fatalf("long message: %d %d", status, code)
		}
		if errs := rec.errors(); len(errs) != 1 || !strings.Contains(errs[0], "2000") {
			t.Fatalf("reported = %q", errs)
		}
		if len(srv.Messages(w.channel)) != 0 {
			t.Fatal("an invalid message was stored")
		}
	})
	t.Run("ErrUnknownRoute", func(t *testing.T) {
		t.Parallel()
		rec := &recorder{TB: t}
		srv := discordtest.NewServer(rec)
		b := newSession(t, srv)
		_, err := b.VoiceRegions()
		if status, code := restCode(t, err); status != http.StatusNotFound || code != 0 {
			t.Fatalf("unknown route: %d %d", status, code)
		}
		if len(srv.Unhandled()) != 1 || len(rec.errors()) != 1 {
			t.Fatalf("unhandled %v reported %q", srv.Unhandled(), rec.errors())
		}
	})
	t.Run("ErrUnauthorized", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		b := newSession(t, srv)
		b.Token = "Bot nope"
		_, err := b.User("@me")
		if status, _ := restCode(t, err); status != http.StatusUnauthorized {
			t.Fatalf("status %d", status)
		}
	})
}

func TestServer_RateLimits(t *testing.T) {
	t.Parallel()
	t.Run("Route", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		w := setup(srv)
		b := newSession(t, srv)
		srv.RateLimitNext("/channels/*/messages", 50*time.Millisecond, false, 1)
		_, err := b.ChannelMessageSend(w.channel, "hi")
		var rl *discordgo.RateLimitError
		if !errors.As(err, &rl) || rl.RetryAfter != 50*time.Millisecond {
			t.Fatalf("want RateLimitError of 50ms, got %v", err)
		}
		c := srv.CallsTo("POST", "/channels/{id}/messages")[0]
		if c.Status != 429 || c.Header == nil || !strings.Contains(string(c.Response), `"global":false`) {
			t.Fatalf("call = %v", c)
		}
		if _, err := b.ChannelMessageSend(w.channel, "hi"); err != nil {
			t.Fatalf("after the limit: %v", err)
		}
	})
	t.Run("InjectedGlobal", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		b := newSession(t, srv)
		srv.RateLimitNext("/users/@me", 10*time.Millisecond, true, 1)
		req, _ := http.NewRequest("GET", srv.URL+"/users/@me", nil)
		req.Header.Set("Authorization", "Bot "+srv.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 429 || resp.Header.Get("X-RateLimit-Global") != "true" || resp.Header.Get("X-RateLimit-Scope") != "global" || resp.Header.Get("Retry-After") != "1" {
			t.Fatalf("429 headers = %v", resp.Header)
		}
		if _, err := b.User("@me"); err != nil {
			t.Fatal(err)
		}
		if srv.RateLimited() != 0 {
			t.Fatal("injected 429s must not count as limiter 429s")
		}
	})
	t.Run("GlobalLimiter", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		srv := discordtest.NewServer(t, discordtest.WithRateLimitClock(clk.Now), discordtest.WithGlobalRateLimit(5), discordtest.WithoutValidation())
		get := func() int {
			req, _ := http.NewRequest("GET", srv.URL+"/api/v10/users/@me", nil)
			req.Header.Set("Authorization", "Bot "+srv.Token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		var statuses []int
		for range 8 {
			statuses = append(statuses, get())
		}
		if statuses[4] != 200 || statuses[5] != 429 || srv.RateLimited() != 3 {
			t.Fatalf("statuses %v, limited %d", statuses, srv.RateLimited())
		}
		clk.Advance(time.Second)
		if s := get(); s != 200 {
			t.Fatalf("after the window slid: %d", s)
		}
	})
	t.Run("TestClockDoesNotFreezeTheWindow", func(t *testing.T) {
		t.Parallel()
		clk := newClock() // frozen unless advanced
		srv := discordtest.NewServer(t, discordtest.WithClock(clk.Now), discordtest.WithGlobalRateLimit(1), discordtest.WithoutValidation())
		b := newSession(t, srv)
		b.ShouldRetryOnRateLimit = true
		for i := range 3 { // each waits out the real window instead of failing forever
			if _, err := b.User("@me"); err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
		}
	})
	t.Run("DefaultIs50", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		srv := discordtest.NewServer(t, discordtest.WithRateLimitClock(clk.Now), discordtest.WithoutValidation())
		b := newSession(t, srv)
		for i := range 50 {
			if _, err := b.User("@me"); err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
		}
		_, err := b.User("@me")
		var rl *discordgo.RateLimitError
		if !errors.As(err, &rl) || srv.RateLimited() != 1 {
			t.Fatalf("51st request: %v (limited %d)", err, srv.RateLimited())
		}
	})
}

func TestServer_REST(t *testing.T) {
	t.Parallel()
	t.Run("ServerErrors", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		w := setup(srv)
		b := newSession(t, srv)
		srv.FailNext("POST", "/channels/*/messages", 500, 1)
		if status, _ := restCode(t, errOnly(b.ChannelMessageSend(w.channel, "a"))); status != 500 {
			t.Fatalf("status %d", status)
		}
		srv.FailNext("", "/channels/{id}/messages", 502, 1)
		m, err := b.ChannelMessageSend(w.channel, "b") // discordgo retries a 502
		if err != nil || m.Content != "b" {
			t.Fatalf("after 502: %v", err)
		}
		calls := srv.CallsTo("POST", "/channels/*/messages")
		if len(calls) != 3 || calls[1].Status != 502 || calls[2].Status != 200 {
			t.Fatalf("calls = %v", calls)
		}
	})
	t.Run("ClosedDMs", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		w := setup(srv)
		b := newSession(t, srv)
		srv.CloseDMs(w.alice)
		dm, err := b.UserChannelCreate(w.alice)
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := b.UserChannelCreate(w.alice); again.ID != dm.ID {
			t.Fatal("DM channel is not stable")
		}
		if status, code := restCode(t, errOnly(b.ChannelMessageSend(dm.ID, "hello"))); status != 403 || code != 50007 {
			t.Fatalf("closed DMs: %d %d", status, code)
		}
		dm2, _ := b.UserChannelCreate(w.bob)
		if _, err := b.ChannelMessageSend(dm2.ID, "hello bob"); err != nil {
			t.Fatal(err)
		}
		if len(srv.DMs(w.alice)) != 0 || len(srv.DMs(w.bob)) != 1 {
			t.Fatal("DMs not as sent")
		}
	})
	t.Run("Nonce", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		srv := discordtest.NewServer(t, discordtest.WithClock(clk.Now))
		w := setup(srv)
		b := newSession(t, srv)
		send := func(enforce bool) *discordgo.Message {
			body := map[string]any{"content": "x", "nonce": "abc", "enforce_nonce": enforce}
			raw, err := b.RequestWithBucketID("POST", discordgo.EndpointChannelMessages(w.channel), body, discordgo.EndpointChannelMessages(w.channel))
			if err != nil {
				t.Fatal(err)
			}
			var m discordgo.Message
			if err := discordgo.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			return &m
		}
		first, second := send(true), send(true)
		if first.ID != second.ID || len(srv.Messages(w.channel)) != 1 {
			t.Fatalf("enforced nonce made a second message: %s %s", first.ID, second.ID)
		}
		if send(false).ID == first.ID {
			t.Fatal("without enforce_nonce the nonce must not dedupe")
		}
		clk.Advance(5 * time.Minute)
		if send(true).ID == first.ID {
			t.Fatal("a nonce must expire after 5 minutes")
		}
	})
	t.Run("MessagesAndChannels", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		w := setup(srv)
		b := newSession(t, srv)
		m, err := b.ChannelMessageSend(w.channel, "v1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.ChannelMessageEdit(w.channel, m.ID, "v2"); err != nil {
			t.Fatal(err)
		}
		if got, err := b.ChannelMessage(w.channel, m.ID); err != nil || got.Content != "v2" || got.EditedTimestamp == nil {
			t.Fatalf("get: %+v %v", got, err)
		}
		if err := b.ChannelMessageDelete(w.channel, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, code := restCode(t, errOnly(b.ChannelMessage(w.channel, m.ID))); code != 10008 {
			t.Fatalf("deleted message code %d", code)
		}
		if all := srv.AllMessages(); len(all) != 2 || all[0].Content != "v1" {
			t.Fatalf("all messages = %+v", all)
		}
		if ch, err := b.Channel(w.channel); err != nil || ch.Name != "general" {
			t.Fatalf("channel: %+v %v", ch, err)
		}
		srv.DeleteChannel(w.channel)
		if _, code := restCode(t, errOnly(b.ChannelMessageSend(w.channel, "gone"))); code != 10003 {
			t.Fatalf("deleted channel code %d", code)
		}
		if g, err := b.Guild(w.guild); err != nil || g.Name != "Support" || len(g.Roles) != 2 {
			t.Fatalf("guild: %+v %v", g, err)
		}
	})
	t.Run("Roles", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		w := setup(srv)
		b := newSession(t, srv)
		if err := b.GuildMemberRoleAdd(w.guild, w.alice, w.role); err != nil {
			t.Fatal(err)
		}
		if roles := srv.MemberRoles(w.guild, w.alice); len(roles) != 1 || roles[0] != w.role {
			t.Fatalf("roles = %v", roles)
		}
		if m, err := b.GuildMember(w.guild, w.alice); err != nil || len(m.Roles) != 1 {
			t.Fatalf("member: %+v %v", m, err)
		}
		if _, code := restCode(t, b.GuildMemberRoleAdd(w.guild, w.alice, "123")); code != 10011 {
			t.Fatalf("unknown role code %d", code)
		}
		srv.SetBotPermissions(discordgo.PermissionSendMessages)
		if status, code := restCode(t, b.GuildMemberRoleRemove(w.guild, w.alice, w.role)); status != 403 || code != 50013 {
			t.Fatalf("missing permissions: %d %d", status, code)
		}
	})
	t.Run("ScheduledEvents", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		w := setup(srv)
		b := newSession(t, srv)
		start := time.Now().UTC().Add(24 * time.Hour).Truncate(time.Second) // the fake's clock is real here
		end := start.Add(time.Hour)
		ev, err := b.GuildScheduledEventCreate(w.guild, &discordgo.GuildScheduledEventParams{
			Name: "Tuesday group", ScheduledStartTime: &start, ScheduledEndTime: &end,
			PrivacyLevel: discordgo.GuildScheduledEventPrivacyLevelGuildOnly, EntityType: discordgo.GuildScheduledEventEntityTypeExternal,
			EntityMetadata: &discordgo.GuildScheduledEventEntityMetadata{Location: "Room 2"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.GuildScheduledEventEdit(w.guild, ev.ID, &discordgo.GuildScheduledEventParams{Name: "Moved"}); err != nil {
			t.Fatal(err)
		}
		if evs := srv.ScheduledEvents(w.guild); len(evs) != 1 || evs[0].Name != "Moved" || !evs[0].ScheduledStartTime.Equal(start) {
			t.Fatalf("events = %+v", evs)
		}
		if err := b.GuildScheduledEventDelete(w.guild, ev.ID); err != nil {
			t.Fatal(err)
		}
		if _, code := restCode(t, errOnly(b.GuildScheduledEvent(w.guild, ev.ID, false))); code != 10070 {
			t.Fatalf("deleted event code %d", code)
		}
	})
}

func errOnly[T any](_ T, err error) error { return err }
