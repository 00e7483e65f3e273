package discordtest

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/hearthbot/hearth/discordtest/internal/paths"
)

// faults holds the failures a test asked for; each is consumed by the
// requests it hits.
type faults struct {
	restFaults  []*restFault
	closedDMs   map[string]bool
	window      []time.Time // admitted requests in the global limiter's last second
	rateLimited int
	chaos       chaos
	buckets     map[string]*routeBucket // per-route limits, ratelimit.go
	dmOpens     []time.Time             // DM channels opened in the last window
	dmRefused   int
}

type restFault struct {
	method     string // "" matches any
	pattern    []string
	status     int
	retryAfter time.Duration
	global     bool
	code       int // Discord's JSON error code, with message; 0: none
	message    string
	left       int
}

// DropConnections closes every gateway socket abruptly, without a close
// frame, as a network failure would. Sessions stay resumable.
func (s *Server) DropConnections() {
	s.mu.Lock()
	conns := s.liveConns()
	s.mu.Unlock()
	for _, c := range conns {
		c.kill()
	}
}

// SendReconnect sends op 7 RECONNECT on every open gateway connection.
func (s *Server) SendReconnect() {
	s.sendOp([]byte(`{"op":7,"d":null}`), false)
}

// SendInvalidSession sends op 9 INVALID_SESSION on every open connection.
// When resumable is false the sessions are forgotten, so only a new IDENTIFY
// succeeds.
func (s *Server) SendInvalidSession(resumable bool) {
	frame := []byte(`{"op":9,"d":false}`)
	if resumable {
		frame = []byte(`{"op":9,"d":true}`)
	}
	s.sendOp(frame, !resumable)
}

func (s *Server) sendOp(frame []byte, invalidate bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		if invalidate && c.sess != nil {
			c.sess.dead = true
		}
		c.send(frame)
	}
}

// SilenceHeartbeatACKs stops (true) or resumes (false) answering heartbeats,
// which makes discordgo reconnect after five missed intervals.
func (s *Server) SilenceHeartbeatACKs(silent bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.silenceACK = silent
}

// FailNext answers the next n requests whose method matches (empty matches
// any) and whose path matches pathPattern with status (e.g. 500 or 502).
// In the pattern "*" and "{name}" segments match any one segment:
// "/channels/*/messages".
func (s *Server) FailNext(method, pathPattern string, status, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.restFaults = append(s.restFaults, &restFault{method: method, pattern: paths.Split(paths.Normalize(pathPattern)), status: status, left: n})
}

// RefuseNext answers the next n requests whose method (empty: any) and path
// match with Discord's error body {"code": code, "message": message} and
// status, e.g. 403 and 40003, or 400 and 30038.
func (s *Server) RefuseNext(method, pathPattern string, status, code int, message string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.restFaults = append(s.restFaults, &restFault{method: method, pattern: paths.Split(paths.Normalize(pathPattern)), status: status, code: code, message: message, left: n})
}

// RateLimitNext answers the next n requests matching pathPattern with 429,
// the JSON body and headers Discord uses; global marks it as the global limit.
func (s *Server) RateLimitNext(pathPattern string, retryAfter time.Duration, global bool, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.restFaults = append(s.restFaults, &restFault{pattern: paths.Split(paths.Normalize(pathPattern)), status: http.StatusTooManyRequests, retryAfter: retryAfter, global: global, left: n})
}

// CloseDMs makes messages to the DM channel of userID fail with 403 code
// 50007, as when a user does not accept DMs from server members.
func (s *Server) CloseDMs(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closedDMs == nil {
		s.closedDMs = map[string]bool{}
	}
	s.closedDMs[userID] = true
}

// RateLimited is the number of 429s the global and per-route limiters have
// served, so a benchmark can assert that the bot stayed under the limits.
// Injected RateLimitNext answers are not counted.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rateLimited
}

// takeFaultLocked returns the answer of the first matching injected fault.
func (s *Server) takeFaultLocked(method string, path []string) *response {
	for i, f := range s.restFaults {
		if (f.method != "" && f.method != method) || !paths.Match(f.pattern, path, nil) {
			continue
		}
		f.left--
		if f.left <= 0 {
			s.restFaults = append(s.restFaults[:i:i], s.restFaults[i+1:]...)
		}
		if f.status == http.StatusTooManyRequests {
			return rateLimitResponse(f.retryAfter, f.global)
		}
		if f.code != 0 {
			msg := f.message
			if msg == "" {
				msg = strconv.Itoa(f.status) + ": " + http.StatusText(f.status)
			}
			return apiError(f.status, f.code, msg)
		}
		return apiError(f.status, 0, strconv.Itoa(f.status)+": "+http.StatusText(f.status))
	}
	return nil
}

// admitLocked applies the global limit: a sliding one-second window over
// authorized requests, on the limiter's own clock.
func (s *Server) admitLocked() *response {
	if s.cfg.globalLimit <= 0 {
		return nil
	}
	now := s.cfg.limiterNow()
	cut := 0
	for cut < len(s.window) && !s.window[cut].After(now.Add(-time.Second)) {
		cut++
	}
	s.window = s.window[cut:]
	if len(s.window) >= s.cfg.globalLimit {
		s.rateLimited++
		return rateLimitResponse(s.window[0].Add(time.Second).Sub(now), true)
	}
	s.window = append(s.window, now)
	return nil
}

func rateLimitResponse(retryAfter time.Duration, global bool) *response {
	secs := retryAfter.Seconds()
	r := jsonResponse(http.StatusTooManyRequests, map[string]any{
		"message":     "You are being rate limited.",
		"retry_after": secs,
		"global":      global,
	})
	scope := "user"
	// X-RateLimit-Global is sent only when true: discordgo treats any value,
	// "false" included, as a global limit.
	if global {
		scope = "global"
		r.header.Set("X-RateLimit-Global", "true")
	}
	r.header.Set("Retry-After", strconv.Itoa(int(math.Ceil(secs)))) // whole seconds, as Discord sends
	r.header.Set("X-RateLimit-Scope", scope)
	r.header.Set("X-RateLimit-Limit", "1")
	r.header.Set("X-RateLimit-Remaining", "0")
	r.header.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
	return r
}
