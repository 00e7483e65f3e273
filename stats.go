package hearth

import "time"

// QueueStats describes the delivery queue at one moment, for monitoring.
type QueueStats struct {
	// Due is the number of pending jobs due now (held ones included).
	Due int
	// Late is the number of pending jobs due longer ago than the late
	// threshold the caller chose.
	Late int
	// OldestDue is the due time of the oldest pending job due now; zero
	// when none is due. Now minus OldestDue is the delivery lag.
	OldestDue time.Time
	// Failed is the number of jobs that gave up, until they are purged.
	Failed int
	// FailedAlerts is the number of those that were alert work.
	FailedAlerts int
}

// Lag is how long the oldest due job has waited at now; zero when none.
func (q QueueStats) Lag(now time.Time) time.Duration {
	if q.OldestDue.IsZero() || !now.After(q.OldestDue) {
		return 0
	}
	return now.Sub(q.OldestDue)
}

// AlertStats counts the alerts not yet resolved, for monitoring.
type AlertStats struct {
	Open           int // open or acknowledged
	Unacknowledged int // open and nobody has acknowledged them
}
