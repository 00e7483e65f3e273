package web

import (
	"context"
	"sync"
	"time"

	"github.com/hearthbot/hearth"
)

// nameTTL is how long a display name read from Discord is reused.
const nameTTL = time.Hour

// maxNameLookups bounds the Discord reads one page makes for names; the
// rest show as ids until a later page has read them.
const maxNameLookups = 25

// namer is the optional part of Discord that reads display names.
type namer interface {
	DisplayName(ctx context.Context, userID string) (string, error)
}

type nameCache struct {
	mu sync.Mutex
	m  map[string]nameEntry
}

type nameEntry struct {
	name string
	at   time.Time
}

// names returns display names for the ids it can read (at the dashboard's
// low priority); a missing name shows as the id. Names are shown only to
// people who may already see those members.
func (s *Server) names(ctx context.Context, ids ...string) map[string]string {
	out := map[string]string{}
	n, ok := s.o.Discord.(namer)
	if !ok {
		return out
	}
	now := s.o.Now()
	lookups := 0
	for _, id := range ids {
		if id == "" {
			continue
		}
		if _, done := out[id]; done {
			continue
		}
		s.nameCache.mu.Lock()
		e, cached := s.nameCache.m[id]
		s.nameCache.mu.Unlock()
		if cached && now.Sub(e.at) < nameTTL && now.Sub(e.at) >= 0 {
			if e.name != "" {
				out[id] = e.name
			}
			continue
		}
		if lookups == maxNameLookups {
			continue
		}
		lookups++
		name, err := n.DisplayName(contextWithWebPriority(ctx), id)
		if err != nil && hearth.Failure(err) == hearth.FailRetry {
			continue // shown as the id; asked again next time
		}
		if err != nil {
			// Shown as the id, and not asked again for nameTTL: a user
			// Discord does not know must not cost a request per page.
			name = ""
		}
		s.nameCache.mu.Lock()
		if s.nameCache.m == nil || len(s.nameCache.m) > 100_000 {
			s.nameCache.m = map[string]nameEntry{}
		}
		s.nameCache.m[id] = nameEntry{name: name, at: now}
		s.nameCache.mu.Unlock()
		if name != "" {
			out[id] = name
		}
	}
	return out
}
