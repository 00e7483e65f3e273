package discordtest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hearthbot/hearth/discordtest"
)

func TestServer_FailRandomly(t *testing.T) {
	t.Parallel()
	do := func(t *testing.T, srv *discordtest.Server, method, path, body string) int {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bot "+srv.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	t.Run("OK", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t, discordtest.WithoutValidation(), discordtest.WithGlobalRateLimit(0), discordtest.WithRouteRateLimit(0, 0)) // fast, and only random 429s
		w := setup(srv)
		srv.FailRandomly(0.10, 0.05, 7)
		const n = 400
		counts := map[int]int{}
		for range n {
			counts[do(t, srv, "POST", "/channels/"+w.channel+"/messages", `{"content":"hello"}`)]++
		}
		failed := n - counts[http.StatusOK]
		if counts[http.StatusTooManyRequests] == 0 || failed == counts[http.StatusTooManyRequests] {
			t.Fatalf("statuses %v: want both 429s and 5xx", counts)
		}
		// 15% of 400 is 60; a fixed seed makes this exact, the bounds only
		// catch a wrong rate.
		if failed < 30 || failed > 90 {
			t.Fatalf("%d of %d failed (%v), want about 15%%", failed, n, counts)
		}
		if got := srv.RandomFailures(); got != failed {
			t.Fatalf("RandomFailures = %d, want %d", got, failed)
		}
		if got := len(srv.Messages(w.channel)); got != counts[http.StatusOK] {
			t.Fatalf("%d messages stored, want %d: a failed request must not take effect", got, counts[http.StatusOK])
		}
	})
	t.Run("SparesGateway", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		srv.FailRandomly(1, 0, 7)
		if got := do(t, srv, "GET", "/gateway/bot", ""); got != http.StatusOK {
			t.Fatalf("GET /gateway/bot = %d, want 200", got)
		}
		if got := do(t, srv, "GET", "/users/@me", ""); got < 500 {
			t.Fatalf("GET /users/@me = %d, want a 5xx at rate 1", got)
		}
	})
	t.Run("Off", func(t *testing.T) {
		t.Parallel()
		srv := discordtest.NewServer(t)
		srv.FailRandomly(1, 0, 7)
		srv.FailRandomly(0, 0, 7)
		if got := do(t, srv, "GET", "/users/@me", ""); got != http.StatusOK {
			t.Fatalf("GET /users/@me = %d after turning chaos off", got)
		}
	})
}
