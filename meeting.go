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
	// EventOff marks a meeting whose event is never published again: an
	// admin ended or deleted it, or Discord refused it for good.
	EventOff bool
	EventSig string // what the published event says (EventSignature)
	Rota     *Rota  // fixed when the first reminder is posted; nil before
}

// MeetingStore reads and writes meetings.
//
// The lifecycle of a meeting: the planner stores it (scheduled) with its
// reminder, start and end jobs (see meeting_job.go); the first reminder
// fixes its Rota; the start job makes it running; the end job makes it done
// and counts the shares of its rota. `/schedule skip` and re-planning cancel
// it. Only the end job moves a meeting to done, so DoneMeetings counts the
// rounds of the check-in order.
type MeetingStore interface {
	// Meeting returns a meeting by id, or ENOTFOUND.
	Meeting(ctx context.Context, id int64) (*Meeting, error)
	// UpcomingMeetings returns the group's meetings that end after t and are
	// not cancelled, earliest first, at most limit.
	UpcomingMeetings(ctx context.Context, groupID int64, t time.Time, limit int) ([]*Meeting, error)
	// CreateMeeting stores a meeting and sets its ID; another meeting of the
	// group at the same start is ECONFLICT.
	CreateMeeting(ctx context.Context, m *Meeting) error
	// EnsureMeetings stores the meetings that do not exist yet (a meeting of
	// the group at that start, whatever its status, counts) and sets every
	// ID; it returns how many it created.
	EnsureMeetings(ctx context.Context, ms ...*Meeting) (int, error)
	// UpdateMeeting applies fn to a meeting and saves it with the jobs and
	// the audit entry fn returns, in one transaction. An error from fn
	// changes nothing and is returned as is.
	UpdateMeeting(ctx context.Context, id int64, fn func(*Meeting) ([]*Job, *AuditEntry, error)) (*Meeting, error)
	// MeetingsBetween returns the group's meetings starting in [from, to),
	// of every status, earliest first.
	MeetingsBetween(ctx context.Context, groupID int64, from, to time.Time) ([]*Meeting, error)
	// DoneMeetings counts the group's meetings that are done and started
	// before before: the round of a meeting starting at before, which
	// rotates its check-in order.
	DoneMeetings(ctx context.Context, groupID int64, before time.Time) (int, error)
	// PlanMeetings stores, in one transaction, the meetings of ms that do
	// not exist yet (as EnsureMeetings) together with the jobs jobs returns
	// for each of them once its ID is set (jobs whose key exists are
	// skipped), and returns the meetings it created. A meeting that exists
	// is never given jobs again, so planning the same times twice is safe.
	PlanMeetings(ctx context.Context, ms []*Meeting, jobs func(*Meeting) []*Job) ([]*Meeting, error)
}
