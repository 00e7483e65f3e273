package hearth

import (
	"context"
	"time"
)

// JobKind names a kind of durable work.
type JobKind string

// Priorities: lower runs first. Alert work always goes ahead of reminders.
const (
	PriorityAlert    = 0
	PriorityMeeting  = 5
	PriorityReminder = 10
)

// JobStatus is the lifecycle of a job.
type JobStatus string

// Job statuses.
const (
	JobPending   JobStatus = "pending"
	JobDone      JobStatus = "done"
	JobFailed    JobStatus = "failed"    // gave up after MaxAttempts or a permanent error
	JobCancelled JobStatus = "cancelled" // no longer applies
	JobMissed    JobStatus = "missed"    // too late to be useful (scheduler.catch_up)
)

// Job is one durable piece of work: a DM, a post, an edit, an escalation.
// It carries ids only, never content, so erasing a member reaches it.
type Job struct {
	ID         int64
	Kind       JobKind
	Key        string // unique: the same work is enqueued once
	Priority   int
	DueAt      time.Time
	Status     JobStatus
	Attempts   int
	LeaseOwner string
	LeaseUntil time.Time
	LastError  string // codes and ids only
	GuildID    string
	GroupID    int64
	MeetingID  int64
	AlertID    int64
	UserID     string
	Arg        string // kind-specific id-only argument, e.g. a reminder offset
	Result     string // e.g. the id of the message a send created
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// FailingSince is when its first try failed (a retry was scheduled);
	// zero while it has not failed. The engine gives up 24 hours after.
	FailingSince time.Time
}

// JobStore is the durable queue behind the delivery engine.
type JobStore interface {
	// EnqueueJobs inserts jobs, skipping any whose Key exists.
	EnqueueJobs(ctx context.Context, jobs ...*Job) error
	// ClaimJobs leases up to limit pending jobs due at or before now, by
	// priority then due time, to owner until now+lease. A job is claimed by
	// one owner at a time; an expired lease may be claimed again.
	ClaimJobs(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*Job, error)
	// FinishJob sets the final status (done, failed, missed, cancelled) of a
	// job the owner holds, with its result or error.
	FinishJob(ctx context.Context, id int64, owner string, status JobStatus, result, lastError string) error
	// RetryJob releases a held job to run again at due, counting the attempt.
	RetryJob(ctx context.Context, id int64, owner string, due time.Time, lastError string) error
	// SaveJobResult records a partial result (a DM channel, a message id)
	// while the job is still held, so a retry resumes from it.
	SaveJobResult(ctx context.Context, id int64, owner, result string) error
	// CancelJobs cancels the pending jobs whose key starts with prefix.
	CancelJobs(ctx context.Context, keyPrefix string) (int, error)
	// Job returns a job by key, or ENOTFOUND.
	Job(ctx context.Context, key string) (*Job, error)
	// NextDue returns the due time of the earliest pending job, or zero.
	NextDue(ctx context.Context) (time.Time, error)
}

type priorityKey struct{}

// WithPriority marks the Discord requests made with ctx as work of priority
// p, so the outbound limiter serves alert work before reminders.
func WithPriority(ctx context.Context, p int) context.Context {
	return context.WithValue(ctx, priorityKey{}, p)
}

// PriorityFrom returns the priority WithPriority put in ctx, and whether one was set.
func PriorityFrom(ctx context.Context) (int, bool) {
	p, ok := ctx.Value(priorityKey{}).(int)
	return p, ok
}
