package discordtest_test

import (
	"errors"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/hearthbot/hearth/discordtest"
)

func TestServer_CloseGateway(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	setup(srv)
	disconnected := make(chan struct{}, 4)
	b := connect(t, srv, func(s *discordgo.Session) {
		s.ShouldReconnectOnError = false
		s.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) { disconnected <- struct{}{} })
	})
	// discordgo's heartbeat goroutine sends its first heartbeat as it
	// starts, on the socket it was given, and on a write error closes
	// whatever socket the session holds by then. On a loaded machine it
	// may first run after CloseGateway, and then close the socket that
	// Reopen opened: wait until its first heartbeat was sent (after which
	// it waits 41 s, or ends when the socket closes).
	if err := srv.WaitFor(ctxT(t), func() bool { return srv.Heartbeats() >= 1 }); err != nil {
		t.Fatal(err)
	}
	srv.CloseGateway(4014, "Disallowed intent(s).")
	recv(t, disconnected)
	t.Run("ErrRefused", func(t *testing.T) {
		err := b.Open()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != 4014 {
			t.Fatalf("open after CloseGateway: %v, want close 4014", err)
		}
	})
	t.Run("Reopen", func(t *testing.T) {
		srv.ReopenGateway()
		if err := b.Open(); err != nil {
			t.Fatalf("open after ReopenGateway: %v", err)
		}
		if err := srv.WaitFor(ctxT(t), func() bool { return srv.Connections() == 1 }); err != nil {
			t.Fatal(err)
		}
	})
}
