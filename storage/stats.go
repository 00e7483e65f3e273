package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/hearthbot/hearth"
)

// QueueStats counts the pending jobs due at now, those due longer ago than
// late, the oldest due time, and the failed jobs not yet purged. Monitoring
// reads it at every scrape, so it is a few indexed counts. Due, late and
// oldest count delivery work only (alerts, meeting posts, reminders):
// housekeeping such as the daily retention purge may wait without anyone
// missing a message.
func (db *DB) QueueStats(ctx context.Context, now time.Time, late time.Duration) (hearth.QueueStats, error) {
	now = utc(now)
	g := db.gorm.WithContext(ctx)
	var due, lateN, failed, failedAlerts int64
	var oldest sql.NullTime
	delivery := func() *gorm.DB {
		return g.Model(&jobRow{}).Where("status = ? AND priority <= ?", hearth.JobPending, hearth.PriorityReminder)
	}
	err := delivery().Where("due_at <= ?", now).Count(&due).Error
	if err == nil && due > 0 {
		err = delivery().Where("due_at < ?", now.Add(-late)).Count(&lateN).Error
	}
	if err == nil && due > 0 {
		var rows []jobRow
		err = delivery().Select("due_at").Where("due_at <= ?", now).Order("due_at").Limit(1).Find(&rows).Error
		if len(rows) > 0 {
			oldest = sql.NullTime{Time: rows[0].DueAt, Valid: true}
		}
	}
	if err == nil {
		err = g.Model(&jobRow{}).Where("status = ?", hearth.JobFailed).Count(&failed).Error
	}
	if err == nil && failed > 0 {
		err = g.Model(&jobRow{}).Where("status = ? AND priority = ?", hearth.JobFailed, hearth.PriorityAlert).Count(&failedAlerts).Error
	}
	if err != nil {
		return hearth.QueueStats{}, fmt.Errorf("queue stats: %w", err)
	}
	return hearth.QueueStats{Due: int(due), Late: int(lateN), OldestDue: fromNull(oldest), Failed: int(failed), FailedAlerts: int(failedAlerts)}, nil
}

// AlertStats counts the alerts not yet resolved, and those nobody has
// acknowledged.
func (db *DB) AlertStats(ctx context.Context) (hearth.AlertStats, error) {
	var rows []struct {
		Status string
		N      int
	}
	err := db.gorm.WithContext(ctx).Model(&alertRow{}).Select("status, COUNT(*) AS n").
		Where("status <> ?", hearth.AlertResolved).Group("status").Scan(&rows).Error
	if err != nil {
		return hearth.AlertStats{}, fmt.Errorf("alert stats: %w", err)
	}
	var s hearth.AlertStats
	for _, r := range rows {
		s.Open += r.N
		if r.Status == string(hearth.AlertOpen) {
			s.Unacknowledged += r.N
		}
	}
	return s, nil
}
