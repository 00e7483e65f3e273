package discordtest_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/hearthbot/hearth/discordtest"
)

func TestServer_HeartbeatTimeout(t *testing.T) {
	t.Parallel()
	dial := func(t *testing.T, srv *discordtest.Server) *websocket.Conn {
		t.Helper()
		ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/gateway", nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ws.Close() })
		if _, _, err := ws.ReadMessage(); err != nil { // HELLO
			t.Fatal(err)
		}
		if err := ws.WriteJSON(map[string]any{"op": 2, "d": map[string]any{"token": srv.Token, "intents": 1}}); err != nil {
			t.Fatal(err)
		}
		return ws
	}
	t.Run("Silent", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t, discordtest.WithHeartbeatInterval(50*time.Millisecond))
		ws := dial(t, srv)
		_ = ws.SetReadDeadline(time.Now().Add(30 * time.Second))
		for {
			_, _, err := ws.ReadMessage()
			if err == nil {
				continue // READY
			}
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != 4009 {
				t.Fatalf("connection ended with %v, want close 4009", err)
			}
			break
		}
		if srv.HeartbeatTimeouts() != 1 {
			t.Fatalf("HeartbeatTimeouts = %d", srv.HeartbeatTimeouts())
		}
	})
	t.Run("Beating", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t, discordtest.WithHeartbeatInterval(50*time.Millisecond))
		ws := dial(t, srv)
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				if _, _, err := ws.ReadMessage(); err != nil {
					return
				}
			}
		}()
		// Well past 2 intervals + 1 s of grace, heartbeating all along.
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		deadline := time.After(1500 * time.Millisecond)
	loop:
		for {
			select {
			case <-tick.C:
				if err := ws.WriteJSON(map[string]any{"op": 1, "d": nil}); err != nil {
					t.Fatalf("heartbeat: %v", err)
				}
			case <-done:
				t.Fatal("the fake closed a connection that heartbeats")
			case <-deadline:
				break loop
			}
		}
		if srv.HeartbeatTimeouts() != 0 || srv.Connections() != 1 {
			t.Fatalf("timeouts %d, connections %d", srv.HeartbeatTimeouts(), srv.Connections())
		}
	})
}
