package hearth

import (
	"context"
	"time"
)

// MeetingStatus is the lifecycle of a meeting.
type MeetingStatus string

// Meeting statuses.
const (
	MeetingScheduled MeetingStatus = "scheduled"
	MeetingCancelled MeetingStatus = "cancelled"
	MeetingRunning   MeetingStatus = "running"
	MeetingDone      MeetingStatus = "done"
)

// Meeting is one occurrence of a group's schedule, or a one-off.
type Meeting struct {
	ID       int64
	GroupID  int64
	StartsAt time.Time // UTC
	EndsAt   time.Time // UTC
	Status   MeetingStatus
	OneOff   bool
	EventID  string // Discord guild scheduled event id, once published
	Rota     *Rota  // fixed when the first reminder is posted; nil before
}

// MeetingStore reads and writes meetings.
type MeetingStore interface {
	// Meeting returns a meeting by id, or ENOTFOUND.
	Meeting(ctx context.Context, id int64) (*Meeting, error)
	// UpcomingMeetings returns the group's meetings that end after t and are
	// not cancelled, earliest first, at most limit.
	UpcomingMeetings(ctx context.Context, groupID int64, t time.Time, limit int) ([]*Meeting, error)
}
