package hearth

import (
	"context"
	"time"
)

// RotaStore changes who shares and who is away. The rota of a meeting is
// stored with it (Meeting.Rota).
type RotaStore interface {
	// UpdateMeeting applies fn to a meeting and saves it with the jobs and
	// the audit entry fn returns, atomically; an error from fn changes nothing.
	UpdateMeeting(ctx context.Context, id int64, fn func(*Meeting) ([]*Job, *AuditEntry, error)) (*Meeting, error)
	// DoneMeetings counts the group's meetings that are done and started
	// before t: the round ComputeRota takes for a meeting starting at t.
	DoneMeetings(ctx context.Context, groupID int64, before time.Time) (int, error)
	// SetAway makes a member away for meetings starting before until (it
	// never shortens an earlier away) and, in the same transaction, takes
	// them out of the fixed rotas (Rota.Remove) of the group's meetings
	// starting in [from, until). It returns the membership and the meetings
	// whose rota changed; ENOTFOUND if the user is not a member.
	SetAway(ctx context.Context, groupID int64, userID string, from, until time.Time) (*Membership, []*Meeting, error)
}
