package storage

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hearthbot/hearth"
)

// The read cache keeps the answers to the reads nearly every member command
// makes — the caller's groups, a group by name or id, a membership, a
// group's members, its coming meetings and its count of past meetings — so
// that an interaction costs no query while nothing it depends on changed.
//
// Coherence rests on scopes: every answer depends on some (its groups, its
// user), and every write to groups, memberships or meetings names the scopes
// it touched (see changes); answers that were not found are not kept. The cache keeps a
// counter; a write marks its scopes with the next value once its
// transaction has ended, and an answer read from the database is kept with
// the value the counter had before the query. An answer is served only while
// none of its scopes is marked later than that, so an answer that may have
// been read before a write committed is never served after the write ended.
//
// Another process's writes arrive by PostgreSQL NOTIFY (see notify.go);
// while that listener is not connected the cache serves nothing. SQLite is
// one process by design (docs/deploy.md), so there the cache is always on.
// Answers also expire after cacheMaxAge, which bounds what a silently dead
// listener connection could serve.

const (
	cacheMaxEntries = 20000
	cacheMaxAge     = time.Minute
	// cachedMeetings is how many coming meetings of a group are read at
	// once; a shorter answer is the complete list.
	cachedMeetings = 16
)

type cache struct {
	mu      sync.Mutex
	live    bool              // answers may be served and stored
	clock   uint64            // counter of writes
	allAt   uint64            // when everything was last marked
	changed map[string]uint64 // scope → when last marked
	entries map[string]*cacheEntry
	// changes is closed and replaced whenever the cache changes state;
	// heardN counts the notifications heard. Both let tests wait on the
	// listener instead of sleeping.
	changes chan struct{}
	heardN  int
}

type cacheEntry struct {
	readAt uint64
	at     time.Time
	deps   []string
	val    any
}

func newCache(live bool) *cache {
	return &cache{live: live, changed: map[string]uint64{}, entries: map[string]*cacheEntry{},
		changes: make(chan struct{})}
}

// Scopes.
func groupScope(id int64) string { return "g:" + strconv.FormatInt(id, 10) }
func userScope(id string) string { return "u:" + id }

// begin returns the counter to store an answer read from now on with, and
// whether answers may be stored at all.
func (c *cache) begin() (uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.clock, c.live
}

// get returns a stored answer that is still valid.
func (c *cache) get(key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !c.live {
		return nil, false
	}
	if !c.validLocked(e) {
		delete(c.entries, key)
		return nil, false
	}
	return e.val, true
}

func (c *cache) validLocked(e *cacheEntry) bool {
	if c.allAt > e.readAt || time.Since(e.at) >= cacheMaxAge {
		return false
	}
	for _, d := range e.deps {
		if c.changed[d] > e.readAt {
			return false
		}
	}
	return true
}

// put stores an answer read after begin returned readAt. It is kept only if
// none of its scopes changed since, which get would check anyway; checking
// here keeps a stale answer from taking the place of a good one.
func (c *cache) put(key string, readAt uint64, deps []string, val any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := &cacheEntry{readAt: readAt, at: time.Now(), deps: deps, val: val}
	if !c.live || !c.validLocked(e) {
		return
	}
	if _, ok := c.entries[key]; !ok && len(c.entries) >= cacheMaxEntries {
		// Evict whichever entry map iteration offers first: about random.
		for k := range c.entries {
			delete(c.entries, k)
			break
		}
	}
	c.entries[key] = e
}

// mark records that the scopes changed (all of them with "*").
func (c *cache) mark(scopes ...string) {
	if len(scopes) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.markLocked(scopes)
}

// heard marks scopes another process notified.
func (c *cache) heard(scopes ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.heardN++
	c.markLocked(scopes)
}

func (c *cache) markLocked(scopes []string) {
	close(c.changes)
	c.changes = make(chan struct{})
	c.clock++
	for _, s := range scopes {
		if s == allScopes {
			c.allAt = c.clock
			clear(c.entries)
			clear(c.changed)
			continue
		}
		if c.changed[s] < c.clock {
			c.changed[s] = c.clock
		}
	}
	// The marks would grow with every group and user ever written; now and
	// then start over as if everything changed.
	if len(c.changed) > 4*cacheMaxEntries {
		c.allAt = c.clock
		clear(c.entries)
		clear(c.changed)
	}
}

// setLive turns serving on or off; either way what was stored is forgotten,
// because changes may have been missed.
func (c *cache) setLive(live bool) {
	c.mu.Lock()
	c.live = live
	c.mu.Unlock()
	c.mark(allScopes)
}

const allScopes = "*"

// changes collects the scopes one write touches.
type changes struct{ scopes []string }

func (ch *changes) group(ids ...int64) {
	for _, id := range ids {
		ch.scopes = append(ch.scopes, groupScope(id))
	}
}
func (ch *changes) user(id string) { ch.scopes = append(ch.scopes, userScope(id)) }
func (ch *changes) everything()    { ch.scopes = append(ch.scopes, allScopes) }
func (ch *changes) payload() string {
	return strings.Join(slices.Compact(slices.Sorted(slices.Values(ch.scopes))), " ")
}

// cached answers key from the cache, or reads it with read (which also
// returns the scopes the answer depends on) and stores a copy. clone copies
// an answer, so no caller can change what the cache holds.
func cached[T any](db *DB, key string, read func() (T, []string, error), clone func(T) T) (T, error) {
	if v, ok := db.cache.get(key); ok {
		return clone(v.(T)), nil
	}
	readAt, live := db.cache.begin()
	v, deps, err := read()
	if err != nil || !live {
		return v, err
	}
	db.cache.put(key, readAt, deps, clone(v))
	return v, nil
}

func cloneGroup(g *hearth.Group) *hearth.Group {
	c := *g
	c.ReminderOffsets = slices.Clone(g.ReminderOffsets)
	return &c
}

func cloneGroups(gs []*hearth.Group) []*hearth.Group {
	out := make([]*hearth.Group, len(gs))
	for i, g := range gs {
		out[i] = cloneGroup(g)
	}
	return out
}

func cloneMembership(m *hearth.Membership) *hearth.Membership {
	c := *m
	return &c
}

func cloneMemberships(ms []*hearth.Membership) []*hearth.Membership {
	out := make([]*hearth.Membership, len(ms))
	for i, m := range ms {
		out[i] = cloneMembership(m)
	}
	return out
}

func cloneMeeting(m *hearth.Meeting) *hearth.Meeting {
	c := *m
	if m.Rota != nil {
		c.Rota = &hearth.Rota{Order: slices.Clone(m.Rota.Order), Sharers: slices.Clone(m.Rota.Sharers), Passed: slices.Clone(m.Rota.Passed)}
	}
	return &c
}

// comingMeetings is what the cache keeps for UpcomingMeetings: the group's
// meetings not cancelled that end after from, earliest first; complete
// when there were no more than these.
type comingMeetings struct {
	from     time.Time
	ms       []*hearth.Meeting
	complete bool
}

func cloneComing(c *comingMeetings) *comingMeetings {
	out := &comingMeetings{from: c.from, complete: c.complete, ms: make([]*hearth.Meeting, len(c.ms))}
	for i, m := range c.ms {
		out.ms[i] = cloneMeeting(m)
	}
	return out
}

// after returns the meetings that end after t, at most limit (all if
// limit <= 0), and whether that is the answer the database would give.
func (c *comingMeetings) after(t time.Time, limit int) ([]*hearth.Meeting, bool) {
	t = utc(t) // as the query compares
	if t.Before(c.from) {
		return nil, false
	}
	var out []*hearth.Meeting
	for _, m := range c.ms {
		if m.EndsAt.After(t) {
			out = append(out, m)
		}
	}
	if limit > 0 && len(out) >= limit {
		return out[:limit], true
	}
	return out, c.complete
}

func identity[T any](v T) T { return v }
