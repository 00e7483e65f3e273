package hearth

import (
	"context"
	"strings"
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

// AuditLine renders entry e for `/settings audit` in the reader's language
// p: when, who, the action code and its target ids, then what the action
// means as a sentence from the catalog (dom_audit). It shows ids only,
// never content. An action the catalog does not name shows its code only.
func AuditLine(e AuditEntry, p Printer) string {
	line := "• " + Timestamp(e.At, "f") + " · " + Mention(e.ActorID) + " · `" + e.Action + "`"
	if e.Target != "" {
		line += " · `" + e.Target + "`"
	}
	if what := AuditActionText(e.Action, p); what != "" {
		line += " — " + what
	}
	return line
}

// AuditActionText is what the action code means, as a sentence in p's
// language ("created a group"), or "" for a code the catalog lacks.
func AuditActionText(action string, p Printer) string {
	key := "dom_audit." + strings.ReplaceAll(action, ".", "_")
	if text := p.Text(key); text != key && text != "" {
		return text
	}
	return ""
}
