package hearth

import (
	"context"
	"time"
)

// Membership is a user in a group.
type Membership struct {
	ID          int64
	GroupID     int64
	UserID      string
	JoinedAt    time.Time
	AgreedAt    time.Time // when the member agreed to the guidelines
	AwayUntil   time.Time // away for meetings starting before this instant
	DMReminders bool
	Shares      int       // times the member shared
	LastShared  time.Time // zero if never
	Seq         int64     // joining order within the group (back of the queue on join)
}

// Away reports whether the member is away for a meeting starting at t.
func (m *Membership) Away(t time.Time) bool { return t.Before(m.AwayUntil) }

// MembershipStore reads and writes memberships.
type MembershipStore interface {
	// Join adds the user to the group (or returns ECONFLICT if already a member).
	Join(ctx context.Context, m *Membership) error
	// Leave removes the user from the group (ENOTFOUND if not a member) and,
	// atomically, from the fixed rotas of its meetings still to come: a
	// sharer's turn goes to the next in line (Rota.Remove).
	Leave(ctx context.Context, groupID int64, userID string) error
	// Membership returns one membership, or ENOTFOUND.
	Membership(ctx context.Context, groupID int64, userID string) (*Membership, error)
	// Members returns a group's members in joining order.
	Members(ctx context.Context, groupID int64) ([]*Membership, error)
	// UserGroups returns the groups of a guild the user belongs to.
	UserGroups(ctx context.Context, guildID, userID string) ([]*Group, error)
	// UpdateMembership applies fn to a membership and saves it atomically.
	UpdateMembership(ctx context.Context, groupID int64, userID string, fn func(*Membership) error) (*Membership, error)
	// SetDMReminders sets the DM-reminders flag on all the user's memberships in a guild.
	SetDMReminders(ctx context.Context, guildID, userID string, on bool) (int, error)
}
