package discordtest

import (
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// routeBucket is one per-route rate-limit bucket: a fixed window that opens
// with its first request, as Discord's buckets behave to a client.
type routeBucket struct {
	used  int
	reset time.Time
}

// routeKey names a request's bucket: the route and its top-level resource
// (channel, guild, webhook and its token, or interaction), as Discord keys
// its limits; an interaction's follow-ups share the application's webhook id,
// so the token tells them apart.
// The bucket hash sent to clients names the route alone.
func routeKey(rt *route, params map[string]string) (key, hash string) {
	h := fnv.New64a()
	h.Write([]byte(rt.method + " " + strings.Join(rt.pattern, "/")))
	hash = strconv.FormatUint(h.Sum64(), 16)
	key = hash
	for _, major := range []string{"channel_id", "guild_id", "webhook_id", "webhook_token", "interaction_id"} {
		if v := params[major]; v != "" {
			key += ":" + v
		}
	}
	return key, hash
}

// routeAdmitLocked counts a request against its route's bucket on the
// rate-limit clock. It returns the X-RateLimit-* headers the answer carries
// and, when the bucket is already spent (a client that ignored
// Remaining: 0), the 429 to send instead.
func (s *Server) routeAdmitLocked(rt *route, params map[string]string) (http.Header, *response) {
	limit, window := s.cfg.routeLimit, s.cfg.routeWindow
	if limit <= 0 || rt == nil {
		return nil, nil
	}
	now := s.cfg.limiterNow()
	key, hash := routeKey(rt, params)
	if s.buckets == nil {
		s.buckets = map[string]*routeBucket{}
	}
	b := s.buckets[key]
	if b == nil || !now.Before(b.reset) {
		b = &routeBucket{reset: now.Add(window)}
		s.buckets[key] = b
	}
	var refused *response
	if b.used >= limit {
		s.rateLimited++
		refused = rateLimitResponse(b.reset.Sub(now), false)
	} else {
		b.used++
	}
	after := b.reset.Sub(now).Seconds()
	h := http.Header{}
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(limit-b.used))
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(b.reset.UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(after, 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", hash)
	if refused != nil {
		for k, v := range h {
			refused.header[k] = v
		}
	}
	return h, refused
}

// dmOpenLocked applies the limit on opening DM channels: past it, Discord
// answers 403 with code 40003 ("You are opening direct messages too fast"),
// a rate limit that passes, not a refusal of the user.
func (s *Server) dmOpenLocked() *response {
	limit, window := s.cfg.dmOpenLimit, s.cfg.dmOpenWindow
	if limit <= 0 {
		return nil
	}
	now := s.cfg.limiterNow()
	cut := 0
	for cut < len(s.dmOpens) && !s.dmOpens[cut].After(now.Add(-window)) {
		cut++
	}
	s.dmOpens = s.dmOpens[cut:]
	if len(s.dmOpens) >= limit {
		s.dmRefused++
		return apiError(http.StatusForbidden, 40003, "You are opening direct messages too fast.")
	}
	s.dmOpens = append(s.dmOpens, now)
	return nil
}

// DMOpensRefused is the number of 40003 answers served so far.
func (s *Server) DMOpensRefused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dmRefused
}
