package hearth

import "time"

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
	CreatedAt time.Time
}
