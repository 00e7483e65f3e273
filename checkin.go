package hearth

import (
	"context"
	"time"
)

// Mood limits and the threshold at which a check-in offers an alert.
const (
	MinMood        = 1
	MaxMood        = 5
	LowMood        = 2
	MaxCheckInNote = 500
)

// CheckIn is a member's attendance at one meeting.
type CheckIn struct {
	ID        int64
	MeetingID int64
	GroupID   int64
	UserID    string
	Mood      int    // 0: not given
	Note      string // private; encrypted at rest
	// FromPresence marks attendance hearth recorded from the member's time
	// in the group's voice channel (§12), not from their own /checkin.
	FromPresence bool
	CreatedAt    time.Time
}

// CheckInOpens is how long before a meeting's start check-in opens; it
// closes when the meeting ends.
const CheckInOpens = 30 * time.Minute

// OpenForCheckIn reports whether a member may check in to m at t: from
// CheckInOpens before the start until the end, unless it was cancelled.
func (m *Meeting) OpenForCheckIn(t time.Time) bool {
	return m.Status != MeetingCancelled && !t.Before(m.StartsAt.Add(-CheckInOpens)) && t.Before(m.EndsAt)
}

// CheckInStore reads and writes check-ins. Notes are encrypted at rest.
type CheckInStore interface {
	// CreateCheckIn records a member's attendance at a meeting and sets the
	// ids; a second check-in to the same meeting is ECONFLICT.
	CreateCheckIn(ctx context.Context, c *CheckIn) error
	// UpdateCheckIn applies fn (mood and note only) to a member's check-in
	// and saves it atomically; ENOTFOUND if they have not checked in.
	UpdateCheckIn(ctx context.Context, meetingID int64, userID string, fn func(*CheckIn) error) (*CheckIn, error)
	// SaveCheckIn records c or, if the member already checked in to that
	// meeting, applies update (nil: none) to theirs, atomically; it returns
	// the stored check-in and whether it is new.
	SaveCheckIn(ctx context.Context, c *CheckIn, update func(*CheckIn) error) (*CheckIn, bool, error)
	// CheckIn returns a member's check-in to a meeting, or ENOTFOUND.
	CheckIn(ctx context.Context, meetingID int64, userID string) (*CheckIn, error)
	// CheckIns returns the check-ins of a meeting in the order they were made.
	CheckIns(ctx context.Context, meetingID int64) ([]*CheckIn, error)
	// GroupCheckIns returns the check-ins to the group's meetings starting in
	// [from, to), for reports.
	GroupCheckIns(ctx context.Context, groupID int64, from, to time.Time) ([]*CheckIn, error)
	// CreateCheckInAlert stores an alert raised from a member's low-mood
	// check-in, like AlertStore.CreateAlert, and links it to the check-in in
	// the same transaction; a second alert from one check-in is ECONFLICT
	// and stores nothing.
	CreateCheckInAlert(ctx context.Context, meetingID int64, userID string, a *Alert, deliveries []*AlertDelivery, jobs []*Job) error
}
