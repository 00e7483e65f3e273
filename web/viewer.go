package web

import (
	"context"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// priorityWeb is the outbound priority of the dashboard's Discord reads:
// after every alert, meeting and reminder (hearth.PriorityReminder is the
// lowest of those), so they never delay an alert.
const priorityWeb = hearth.PriorityReminder + 10

func contextWithWebPriority(ctx context.Context) context.Context {
	return hearth.WithPriority(ctx, priorityWeb)
}

// permTTL is how long a Manage Server answer is trusted: Discord is asked at
// most once a minute per person and server.
const permTTL = time.Minute

// viewer is a logged-in visitor and what they may see, read from the
// database on every request.
type viewer struct {
	s     *Server
	sess  *hearth.WebSession
	loc   *time.Location
	lang  locale.Lang     // the language of their pages
	psych []*hearth.Group // groups they coordinate, in every server
	leads []string        // servers where they are the clinical lead

	adminOnce sync.Once
	admin     []hearth.GuildInfo // servers where they have Manage Server
	adminErr  error
}

func (s *Server) newViewer(r *http.Request, sess *hearth.WebSession) (*viewer, error) {
	ctx := r.Context()
	v := &viewer{s: s, sess: sess, loc: time.UTC, lang: s.viewerLang(r, sess.UserID)}
	if sess.Timezone != "" {
		if loc, err := hearth.LoadLocation(sess.Timezone); err == nil {
			v.loc = loc
		}
	}
	gs, err := s.o.Store.PsychologistGroups(ctx, sess.UserID)
	if err != nil {
		return nil, err
	}
	v.psych = gs
	if ls, ok := s.o.Store.(leadGuilds); ok {
		if v.leads, err = ls.LeadGuilds(ctx, sess.UserID); err != nil {
			return nil, err
		}
	}
	// Until the visitor picks a zone on /me, times show in the zone of the
	// first group they coordinate, else UTC.
	if sess.Timezone == "" && len(gs) > 0 {
		if loc, err := hearth.LoadLocation(gs[0].Timezone); err == nil {
			v.loc = loc
		}
	}
	return v, nil
}

// leadGuilds is the optional part of the store that finds the servers
// whose clinical lead a user is (storage.DB has it).
type leadGuilds interface {
	LeadGuilds(ctx context.Context, userID string) ([]string, error)
}

// coordinates returns the group if the visitor is one of its psychologists now.
func (v *viewer) coordinates(groupID int64) *hearth.Group {
	for _, g := range v.psych {
		if g.ID == groupID {
			return g
		}
	}
	return nil
}

func (v *viewer) psychIDs() []int64 {
	ids := make([]int64, len(v.psych))
	for i, g := range v.psych {
		ids[i] = g.ID
	}
	return ids
}

// isAdmin reports whether the visitor has Manage Server in the guild, read
// from Discord at most once a minute.
func (v *viewer) isAdmin(ctx context.Context, guildID string) (bool, error) {
	if guildID == "" || v.s.o.Discord == nil {
		return false, nil
	}
	return v.s.perms.manageGuild(ctx, v.s.o.Discord, guildID, v.sess.UserID)
}

// adminServers returns the servers of the bot where the visitor is an admin.
func (v *viewer) adminServers(ctx context.Context) ([]hearth.GuildInfo, error) {
	v.adminOnce.Do(func() {
		if v.s.o.Discord == nil {
			return
		}
		for _, g := range v.s.o.Discord.Guilds() {
			ok, err := v.isAdmin(ctx, g.ID)
			if err != nil {
				v.adminErr = err
				return
			}
			if ok {
				v.admin = append(v.admin, g)
			}
		}
		sort.Slice(v.admin, func(i, j int) bool { return v.admin[i].Name < v.admin[j].Name })
	})
	return v.admin, v.adminErr
}

// nav builds the menu; an error reading Discord only hides admin links.
func (v *viewer) nav(ctx context.Context) nav {
	servers, _ := v.adminServers(ctx)
	return nav{Alerts: len(v.psych) > 0 || len(v.leads) > 0, Groups: true, Me: true, Servers: servers}
}

// serverName names a server in l, or returns its id.
func (s *Server) serverName(l locale.Lang, id string) string {
	if s.o.Discord != nil {
		for _, g := range s.o.Discord.Guilds() {
			if g.ID == id && g.Name != "" {
				return g.Name
			}
		}
	}
	return l.T(locale.WebCommonServer, locale.A("ID", id))
}

// permCache remembers Manage Server answers for permTTL.
type permCache struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[[2]string]permEntry
}

type permEntry struct {
	ok bool
	at time.Time
}

func newPermCache(now func() time.Time) *permCache {
	return &permCache{now: now, m: map[[2]string]permEntry{}}
}

func (c *permCache) manageGuild(ctx context.Context, d Discord, guildID, userID string) (bool, error) {
	key := [2]string{guildID, userID}
	now := c.now()
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < permTTL && now.Sub(e.at) >= 0 {
		return e.ok, nil
	}
	allowed, err := d.ManageGuild(contextWithWebPriority(ctx), guildID, userID)
	if err != nil {
		return false, err
	}
	c.mu.Lock()
	if len(c.m) > 100_000 { // bound the memory: forget everything, re-ask
		c.m = map[[2]string]permEntry{}
	}
	c.m[key] = permEntry{ok: allowed, at: now}
	c.mu.Unlock()
	return allowed, nil
}
