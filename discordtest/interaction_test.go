package discordtest_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/hearthbot/hearth/discordtest"
)

// clock is a settable clock for WithClock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func ephemeral(content string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: content, Flags: discordgo.MessageFlagsEphemeral},
	}
}

func TestServer_SlashCommand(t *testing.T) {
	t.Parallel()
	t.Run("EphemeralReply", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		w := setup(srv)
		b := connect(t, srv)
		perms := int64(discordgo.PermissionManageServer)
		defs := []*discordgo.ApplicationCommand{{
			Name: "group", Description: "Manage groups", DefaultMemberPermissions: &perms,
			Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionSubCommand, Name: "create", Description: "Create a group",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionString, Name: "name", Description: "Name", Required: true},
					{Type: discordgo.ApplicationCommandOptionUser, Name: "facilitator", Description: "Facilitator"},
				},
			}},
		}}
		if _, err := b.ApplicationCommandBulkOverwrite(srv.AppID, w.guild, defs); err != nil {
			t.Fatalf("bulk overwrite: %v", err)
		}
		cmds := srv.Commands(w.guild)
		if len(cmds) != 1 || cmds[0].ID == "" {
			t.Fatalf("commands = %+v", cmds)
		}

		ix := srv.SlashCommand(discordtest.InteractionSpec{GuildID: w.guild, ChannelID: w.channel, User: w.alice, Permissions: perms},
			"group create", discordtest.Str("name", "Tuesday"), discordtest.User("facilitator", w.bob), discordtest.Role("role", w.role))
		got := recv(t, b.interactions)
		data := got.ApplicationCommandData()
		if got.ID != ix.ID || data.ID != cmds[0].ID || data.Name != "group" || data.Options[0].Name != "create" {
			t.Fatalf("interaction = %+v data %+v", got, data)
		}
		sub := data.Options[0]
		if sub.Type != discordgo.ApplicationCommandOptionSubCommand || sub.Options[0].StringValue() != "Tuesday" {
			t.Fatalf("subcommand = %+v", sub)
		}
		if data.Resolved.Users[w.bob].Username != "bob" || data.Resolved.Members[w.bob] == nil || data.Resolved.Roles[w.role].Name != "members" {
			t.Fatalf("resolved = %+v", data.Resolved)
		}
		if got.Member == nil || got.Member.User.ID != w.alice || got.Member.Permissions != perms || got.User != nil {
			t.Fatalf("member = %+v user %+v", got.Member, got.User)
		}
		if err := b.InteractionRespond(got, ephemeral("Created Tuesday")); err != nil {
			t.Fatalf("respond: %v", err)
		}
		r, err := ix.Wait(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		if r.Type != discordgo.InteractionResponseChannelMessageWithSource || r.Content != "Created Tuesday" || !r.Ephemeral {
			t.Fatalf("reply = %+v", r)
		}
		if len(srv.PublicMessages(w.channel)) != 0 || len(srv.Messages(w.channel)) != 1 {
			t.Fatal("an ephemeral reply must be stored but not public")
		}
		err = b.InteractionRespond(got, ephemeral("again"))
		if status, code := restCode(t, err); status != http.StatusBadRequest || code != 40060 {
			t.Fatalf("second callback: %d %d", status, code)
		}
	})
	t.Run("DeferredThenEdited", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		w := setup(srv)
		b := connect(t, srv)
		ix := srv.SlashCommand(discordtest.InteractionSpec{GuildID: w.guild, ChannelID: w.channel, User: w.alice}, "next")
		got := recv(t, b.interactions)
		err := b.InteractionRespond(got, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
		})
		if err != nil {
			t.Fatal(err)
		}
		if r, err := ix.Wait(ctxT(t)); err != nil || r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
			t.Fatalf("wait: %+v %v", r, err)
		}
		content := "Next meeting: Tuesday"
		if _, err := b.InteractionResponseEdit(got, &discordgo.WebhookEdit{Content: &content}); err != nil {
			t.Fatal(err)
		}
		final, err := ix.WaitFinal(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		if final.Content != content || !final.Ephemeral {
			t.Fatalf("final = %+v", final)
		}
		f, err := b.FollowupMessageCreate(got, true, &discordgo.WebhookParams{Content: "also", Flags: discordgo.MessageFlagsEphemeral})
		if err != nil || f.ID == "" {
			t.Fatalf("followup: %+v %v", f, err)
		}
		if fs := ix.Followups(); len(fs) != 1 || fs[0].Content != "also" {
			t.Fatalf("followups = %+v", fs)
		}
		if h := srv.MessageHistory(w.channel, final.Message.ID); len(h) != 2 {
			t.Fatalf("history has %d versions, want 2", len(h))
		}
	})
	t.Run("DMAndFiles", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		w := setup(srv)
		b := connect(t, srv)
		ix := srv.SlashCommand(discordtest.InteractionSpec{User: w.alice}, "privacy export")
		got := recv(t, b.interactions)
		if got.GuildID != "" || got.Member != nil || got.User == nil || got.User.ID != w.alice {
			t.Fatalf("DM interaction: guild %q member %v user %v", got.GuildID, got.Member, got.User)
		}
		err := b.InteractionRespond(got, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{
				Content: "Your data", Flags: discordgo.MessageFlagsEphemeral,
				Files: []*discordgo.File{{Name: "export.json", ContentType: "application/json", Reader: strings.NewReader(`{"a":1}`)}},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		r, err := ix.Wait(ctxT(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Files) != 1 || r.Files[0].Name != "export.json" || string(r.Files[0].Data) != `{"a":1}` || r.Content != "Your data" {
			t.Fatalf("reply = %+v", r)
		}
		if len(srv.DMs(w.alice)) != 1 {
			t.Fatalf("DMs = %+v", srv.DMs(w.alice))
		}
	})
	t.Run("ErrExpired", func(t *testing.T) {
		t.Parallel()
		clk := newClock()
		srv := discordtest.NewServer(t, discordtest.WithClock(clk.Now))
		w := setup(srv)
		b := connect(t, srv)
		srv.SlashCommand(discordtest.InteractionSpec{GuildID: w.guild, ChannelID: w.channel, User: w.alice}, "next")
		got := recv(t, b.interactions)
		clk.Advance(3*time.Second + time.Millisecond)
		err := b.InteractionRespond(got, ephemeral("late"))
		if status, code := restCode(t, err); status != http.StatusNotFound || code != 10062 {
			t.Fatalf("late callback: %d %d", status, code)
		}
	})
	t.Run("Autocomplete", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		w := setup(srv)
		b := connect(t, srv)
		ix := srv.Autocomplete(discordtest.InteractionSpec{GuildID: w.guild, ChannelID: w.channel, User: w.alice}, "join", "group", discordtest.Str("group", "Tu"))
		got := recv(t, b.interactions)
		if got.Type != discordgo.InteractionApplicationCommandAutocomplete || !got.ApplicationCommandData().Options[0].Focused {
			t.Fatalf("autocomplete = %+v", got)
		}
		err := b.InteractionRespond(got, &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "Tuesday", Value: "1"}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		r, err := ix.Wait(ctxT(t))
		if err != nil || len(r.Choices) != 1 || r.Choices[0].Name != "Tuesday" {
			t.Fatalf("choices: %+v %v", r, err)
		}
	})
	t.Run("ButtonModalAndRedeliver", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		w := setup(srv)
		b := connect(t, srv)
		msg, err := b.ChannelMessageSendComplex(w.channel, &discordgo.MessageSend{
			Content: "Join?",
			Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "I agree", Style: discordgo.PrimaryButton, CustomID: "join:agree"},
			}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		ix := srv.Button(discordtest.InteractionSpec{User: w.alice}, msg, "join:agree")
		got := recv(t, b.interactions)
		if got.MessageComponentData().CustomID != "join:agree" || got.Message == nil || got.Message.ID != msg.ID || len(got.Message.Components) != 1 {
			t.Fatalf("component = %+v", got)
		}
		srv.Redeliver(ix)
		again := recv(t, b.interactions)
		if again.ID != got.ID || again.Token != got.Token {
			t.Fatal("redelivery changed id or token")
		}
		err = b.InteractionRespond(got, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Content: "Welcome!", Components: []discordgo.MessageComponent{}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if status, code := restCode(t, b.InteractionRespond(again, ephemeral("dup"))); status != 400 || code != 40060 {
			t.Fatalf("redelivered callback: %d %d", status, code)
		}
		if h := srv.MessageHistory(w.channel, msg.ID); len(h) != 2 || h[1].Content != "Welcome!" {
			t.Fatalf("history = %+v", h)
		}

		mx := srv.ModalSubmit(discordtest.InteractionSpec{GuildID: w.guild, ChannelID: w.channel, User: w.alice}, "checkin", map[string]string{"note": "tired"})
		got = recv(t, b.interactions)
		md := got.ModalSubmitData()
		row, ok := md.Components[0].(*discordgo.ActionsRow)
		if md.CustomID != "checkin" || !ok || row.Components[0].(*discordgo.TextInput).Value != "tired" {
			t.Fatalf("modal = %+v", md)
		}
		if err := b.InteractionRespond(got, ephemeral("Noted")); err != nil {
			t.Fatal(err)
		}
		if r, err := mx.Wait(ctxT(t)); err != nil || r.Content != "Noted" {
			t.Fatalf("modal reply: %+v %v", r, err)
		}
	})
}
