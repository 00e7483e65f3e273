package hearth

import (
	"context"
	"time"
)

// WebSession is one login to the dashboard (SPEC §11), stored server-side
// so that any process serves any visitor and logging out ends it at once.
// The cookie holds a random token; only its SHA-256 (ID) is stored.
type WebSession struct {
	ID        string // hex SHA-256 of the cookie token
	UserID    string
	UserName  string
	CSRF      string // per-session token every POST must carry
	Timezone  string // the viewer's IANA zone for showing times; "" = UTC
	CreatedAt time.Time
	ExpiresAt time.Time
}

// WebSessionStore keeps dashboard sessions.
type WebSessionStore interface {
	// CreateWebSession stores a new session.
	CreateWebSession(ctx context.Context, s *WebSession) error
	// WebSession returns a session that has not expired at now, or ENOTFOUND.
	WebSession(ctx context.Context, id string, now time.Time) (*WebSession, error)
	// SetWebSessionTimezone changes the zone a session shows times in.
	SetWebSessionTimezone(ctx context.Context, id, tz string) error
	// DeleteWebSession revokes a session (logout).
	DeleteWebSession(ctx context.Context, id string) error
	// DeleteUserWebSessions revokes every session of a user.
	DeleteUserWebSessions(ctx context.Context, userID string) error
	// PurgeWebSessions deletes the sessions expired before t.
	PurgeWebSessions(ctx context.Context, t time.Time) (int, error)
}

// DashboardStore answers what the dashboard asks across servers: a person
// logs in once and sees every server where they have a role.
type DashboardStore interface {
	// PsychologistGroups returns the groups, of every guild, that the user
	// facilitates or observes, ordered by guild and name.
	PsychologistGroups(ctx context.Context, userID string) ([]*Group, error)
	// MemberGroups returns the groups, of every guild, the user belongs to.
	MemberGroups(ctx context.Context, userID string) ([]*Group, error)
	// RecentAlerts returns the alerts of the groups that are open or were
	// raised at or after since, newest first, at most limit.
	RecentAlerts(ctx context.Context, groupIDs []int64, since time.Time, limit int) ([]*Alert, error)
}

// GuildInfo names a server the bot is in.
type GuildInfo struct {
	ID   string
	Name string
}

// ChannelInfo names a text channel of a server.
type ChannelInfo struct {
	ID   string
	Name string
}
