package discordtest_test

import (
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/hearthbot/hearth/discordtest"
)

func TestServer_LoseResponseNext(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	w := setup(srv)
	b := newSession(t, srv)
	send := func() (*discordgo.Message, error) {
		body := map[string]any{"content": "reminder", "nonce": "n1", "enforce_nonce": true}
		raw, err := b.RequestWithBucketID("POST", discordgo.EndpointChannelMessages(w.channel), body, discordgo.EndpointChannelMessages(w.channel))
		if err != nil {
			return nil, err
		}
		var m discordgo.Message
		return &m, discordgo.Unmarshal(raw, &m)
	}
	t.Run("OK", func(t *testing.T) {
		srv.LoseResponseNext("POST", "/channels/*/messages", 1)
		if _, err := send(); err == nil {
			t.Fatal("the lost response reached the client")
		}
		// Discord did the work: the message exists.
		if got := srv.Messages(w.channel); len(got) != 1 || got[0].Content != "reminder" {
			t.Fatalf("messages after a lost response = %v", got)
		}
		// The retry with the same nonce gets that message back, answered.
		m, err := send()
		if err != nil {
			t.Fatal(err)
		}
		if got := srv.Messages(w.channel); len(got) != 1 || got[0].ID != m.ID {
			t.Fatalf("the retry made a second message: %v", got)
		}
		if n := len(srv.CallsTo("POST", "/channels/*/messages")); n != 2 {
			t.Fatalf("%d calls recorded, want 2", n)
		}
	})
	t.Run("OnlyMatching", func(t *testing.T) {
		srv.LoseResponseNext("DELETE", "/channels/*/messages/*", 1)
		if _, err := b.ChannelMessageSend(w.channel, "other"); err != nil {
			t.Fatalf("a request the fault does not match lost its answer: %v", err)
		}
	})
}
