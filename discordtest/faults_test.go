package discordtest_test

import (
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/hearthbot/hearth/discordtest"
)

// answer waits for the next interaction on b and answers it ephemerally.
func answer(t *testing.T, b *bot, ix *discordtest.Interaction, content string) {
	t.Helper()
	got := recv(t, b.interactions)
	if got.ID != ix.ID {
		t.Fatalf("got interaction %s, want %s", got.ID, ix.ID)
	}
	if err := b.InteractionRespond(got, ephemeral(content)); err != nil {
		t.Fatalf("respond: %v", err)
	}
	r, err := ix.Wait(ctxT(t))
	if err != nil || r.Content != content {
		t.Fatalf("reply: %+v %v", r, err)
	}
}

// frozen is a clock that never moves.
func frozen() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }

func TestServer_GatewayFaults(t *testing.T) {
	t.Parallel()
	t.Run("DropConnectionsResumes", func(t *testing.T) {
		t.Parallel()
		// A frozen clock: the interaction's 3-second deadline must not
		// depend on how fast a loaded machine reconnects.
		srv := discordtest.NewServer(t, discordtest.WithClock(frozen))
		w := setup(srv)
		b := connect(t, srv)
		recv(t, b.guilds)
		srv.DropConnections()
		// Sent while the bot is away: replayed when it resumes.
		ix := srv.SlashCommand(discordtest.InteractionSpec{GuildID: w.guild, ChannelID: w.channel, User: w.alice}, "next")
		if err := srv.WaitFor(ctxT(t), func() bool { return srv.Resumes() == 1 && srv.Connections() == 1 }); err != nil {
			t.Fatal(err)
		}
		answer(t, b, ix, "after the drop")
		ix2 := srv.SlashCommand(discordtest.InteractionSpec{GuildID: w.guild, ChannelID: w.channel, User: w.alice}, "next")
		answer(t, b, ix2, "and a new one")
		if srv.Identifies() != 1 {
			t.Fatalf("identifies = %d, want a resume only", srv.Identifies())
		}
	})
	t.Run("Reconnect", func(t *testing.T) {
		t.Parallel()
		// A frozen clock: the interaction's 3-second deadline must not
		// depend on how fast a loaded machine reconnects.
		srv := discordtest.NewServer(t, discordtest.WithClock(frozen))
		w := setup(srv)
		b := connect(t, srv)
		srv.SendReconnect()
		if err := srv.WaitFor(ctxT(t), func() bool { return srv.Resumes() == 1 && srv.Connections() == 1 }); err != nil {
			t.Fatal(err)
		}
		ix := srv.SlashCommand(discordtest.InteractionSpec{GuildID: w.guild, ChannelID: w.channel, User: w.alice}, "next")
		answer(t, b, ix, "still here")
	})
	t.Run("InvalidSession", func(t *testing.T) {
		t.Parallel()
		// A frozen clock: the interaction's 3-second deadline must not
		// depend on how fast a loaded machine reconnects.
		srv := discordtest.NewServer(t, discordtest.WithClock(frozen))
		w := setup(srv)
		b := connect(t, srv)
		srv.SendInvalidSession(false)
		recv(t, b.ready) // discordgo identifies again
		if srv.Identifies() != 2 {
			t.Fatalf("identifies = %d", srv.Identifies())
		}
		ix := srv.SlashCommand(discordtest.InteractionSpec{GuildID: w.guild, ChannelID: w.channel, User: w.alice}, "next")
		answer(t, b, ix, "new session")
	})
	t.Run("SilencedHeartbeats", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t, discordtest.WithHeartbeatInterval(50*time.Millisecond))
		w := setup(srv)
		b := connect(t, srv)
		srv.SilenceHeartbeatACKs(true)
		// discordgo gives up after five intervals without an ACK. It closes
		// with 1000, which ends the session, so it has to identify again.
		if err := srv.WaitFor(ctxT(t), func() bool { return srv.Identifies() >= 2 }); err != nil {
			t.Fatal(err)
		}
		srv.SilenceHeartbeatACKs(false)
		if err := srv.WaitReady(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		ix := srv.SlashCommand(discordtest.InteractionSpec{GuildID: w.guild, ChannelID: w.channel, User: w.alice}, "next")
		answer(t, b, ix, "heartbeat back")
	})
}

// The recorder sees dispatches the way discordgo decodes them.
func TestServer_Payload(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	w := setup(srv)
	ix := srv.SlashCommand(discordtest.InteractionSpec{GuildID: w.guild, ChannelID: w.channel, User: w.alice, Permissions: 8}, "a b c", discordtest.Int("n", 3))
	p := ix.Payload()
	if p.AppID != srv.AppID || p.Version != 1 || p.Member.Permissions != 8 {
		t.Fatalf("payload = %+v", p)
	}
	group := p.ApplicationCommandData().Options[0]
	if group.Type != discordgo.ApplicationCommandOptionSubCommandGroup || group.Options[0].Name != "c" || group.Options[0].Options[0].IntValue() != 3 {
		t.Fatalf("options = %+v", group)
	}
}
