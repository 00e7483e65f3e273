package hearth

import (
	"context"
	"time"
)

// AuditEntry records an admin or psychologist action: who, what, when, and on
// what (by id). It never carries notes, moods or alert content.
type AuditEntry struct {
	ID      int64
	GuildID string
	ActorID string
	Action  string // e.g. "group.create", "alert.acknowledge", "privacy.delete"
	Target  string // an id such as "group:12" or "alert:7"
	At      time.Time
}

// AuditStore reads the audit log and records actions that change nothing
// else (writes that change data record theirs in the same transaction).
type AuditStore interface {
	// Audit records one entry.
	Audit(ctx context.Context, e AuditEntry) error
	// AuditLog returns the newest entries of a guild, newest first.
	AuditLog(ctx context.Context, guildID string, limit, offset int) ([]AuditEntry, error)
}
