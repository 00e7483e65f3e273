package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/hearthbot/hearth"
)

// MaxAuditPage is the most audit entries AuditLog returns at once.
const MaxAuditPage = 500

type auditRow struct {
	ID      int64 `gorm:"primaryKey"`
	GuildID string
	ActorID string
	Action  string
	Target  string
	At      time.Time
}

func (auditRow) TableName() string { return "audit_log" }

// Audit records one entry, stamped with the clock. An entry needs an Action.
func (db *DB) Audit(ctx context.Context, e hearth.AuditEntry) error {
	if e.Action == "" {
		return fmt.Errorf("audit: entry without an action")
	}
	return db.saveAudit(db.gorm.WithContext(ctx), &e)
}

// AuditLog returns the newest entries of a guild, newest first. limit is
// capped at MaxAuditPage; a limit of 0 or less means MaxAuditPage.
func (db *DB) AuditLog(ctx context.Context, guildID string, limit, offset int) ([]hearth.AuditEntry, error) {
	if limit <= 0 || limit > MaxAuditPage {
		limit = MaxAuditPage
	}
	var rows []auditRow
	err := db.gorm.WithContext(ctx).Where("guild_id = ?", guildID).
		Order("at DESC, id DESC").Limit(limit).Offset(max(offset, 0)).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	out := make([]hearth.AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = hearth.AuditEntry{ID: r.ID, GuildID: r.GuildID, ActorID: r.ActorID, Action: r.Action, Target: r.Target, At: r.At.UTC()}
	}
	return out, nil
}
