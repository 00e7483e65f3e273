package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/hearthbot/hearth"
)

type presenceRow struct {
	ID        int64 `gorm:"primaryKey"`
	MeetingID int64
	GroupID   int64
	UserID    string
	JoinedAt  time.Time
	LeftAt    sql.NullTime
}

func (presenceRow) TableName() string { return "voice_presence" }

func (r *presenceRow) domain() *hearth.PresenceInterval {
	return &hearth.PresenceInterval{
		ID: r.ID, MeetingID: r.MeetingID, GroupID: r.GroupID, UserID: r.UserID,
		JoinedAt: r.JoinedAt.UTC(), LeftAt: fromNull(r.LeftAt),
	}
}

// OpenPresence records that userID is in the voice channel of m's group
// from at, unless an interval of theirs is open for m already (the partial
// unique index keeps one open interval per member and meeting).
func (db *DB) OpenPresence(ctx context.Context, m *hearth.Meeting, userID string, at time.Time) (bool, error) {
	opened := false
	err := db.tx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&presenceRow{}).Where("meeting_id = ? AND user_id = ? AND left_at IS NULL", m.ID, userID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if err := tx.Create(&presenceRow{MeetingID: m.ID, GroupID: m.GroupID, UserID: userID, JoinedAt: utc(at)}).Error; err != nil {
			if isDuplicate(err) {
				return nil
			}
			return err
		}
		opened = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("open presence: %w", err)
	}
	return opened, nil
}

// ClosePresence closes the user's open interval of the meeting at at.
func (db *DB) ClosePresence(ctx context.Context, meetingID int64, userID string, at time.Time) error {
	err := db.tx(ctx, func(tx *gorm.DB) error {
		return tx.Model(&presenceRow{}).Where("meeting_id = ? AND user_id = ? AND left_at IS NULL", meetingID, userID).
			Update("left_at", utc(at)).Error
	})
	if err != nil {
		return fmt.Errorf("close presence: %w", err)
	}
	return nil
}

// CloseAllPresence closes the open intervals of the meeting at at, except
// those of the users in keep, and returns how many it closed.
func (db *DB) CloseAllPresence(ctx context.Context, meetingID int64, keep map[string]bool, at time.Time) (int, error) {
	closed := 0
	err := db.tx(ctx, func(tx *gorm.DB) error {
		var rows []presenceRow
		if err := tx.Where("meeting_id = ? AND left_at IS NULL", meetingID).Find(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			if keep[r.UserID] {
				continue
			}
			if err := tx.Model(&presenceRow{}).Where("id = ?", r.ID).Update("left_at", utc(at)).Error; err != nil {
				return err
			}
			closed++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("close presence: %w", err)
	}
	return closed, nil
}

// Presence returns the intervals of a meeting, oldest first.
func (db *DB) Presence(ctx context.Context, meetingID int64) ([]*hearth.PresenceInterval, error) {
	var rows []presenceRow
	if err := db.gorm.WithContext(ctx).Where("meeting_id = ?", meetingID).Order("joined_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read presence: %w", err)
	}
	out := make([]*hearth.PresenceInterval, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}
