package discordtest

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// chaos answers a random share of bot REST requests with a server error or
// a rate limit, as a struggling Discord does.
type chaos struct {
	rng      *rand.Rand // nil: off
	rate5xx  float64
	rate429  float64
	injected int
}

// serverErrors are the statuses FailRandomly picks from; discordgo retries
// a 502 once on its own, so every kind of path is exercised.
var serverErrors = []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable}

// FailRandomly answers each authenticated bot REST request with a 5xx with
// probability rate5xx, or a per-route 429 (retry_after up to a second) with
// probability rate429, drawing from a generator seeded with seed. The failure
// happens before the request takes effect. Interaction callbacks and webhook
// routes (authenticated by their token) and the gateway are never failed:
// the chaos is in the bot's own sends. Zero rates turn it off.
func (s *Server) FailRandomly(rate5xx, rate429 float64, seed uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chaos = chaos{rate5xx: rate5xx, rate429: rate429}
	if rate5xx > 0 || rate429 > 0 {
		s.chaos.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	}
}

// RandomFailures is how many requests FailRandomly has failed so far, so a
// test can show its faults actually happened.
func (s *Server) RandomFailures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.chaos.injected
}

// randomFaultLocked returns the random failure of a bot request, if any.
// Requests for the gateway's address are spared: they are part of
// connecting, not of sending.
func (s *Server) randomFaultLocked(path []string) *response {
	c := &s.chaos
	if c.rng == nil || (len(path) > 0 && path[0] == "gateway") {
		return nil
	}
	x := c.rng.Float64()
	switch {
	case x < c.rate5xx:
		c.injected++
		status := serverErrors[c.rng.IntN(len(serverErrors))]
		return apiError(status, 0, strconv.Itoa(status)+": "+http.StatusText(status))
	case x < c.rate5xx+c.rate429:
		c.injected++
		retry := time.Duration(100+c.rng.IntN(900)) * time.Millisecond
		return rateLimitResponse(retry, false)
	}
	return nil
}
