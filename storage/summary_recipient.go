package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/hearthbot/hearth"
)

type summaryRecipientRow struct {
	MeetingID int64  `gorm:"primaryKey;autoIncrement:false"`
	UserID    string `gorm:"primaryKey"`
	SentAt    time.Time
}

func (summaryRecipientRow) TableName() string { return "summary_recipients" }

// AddSummaryRecipient records that the summary of a meeting was sent to a
// user; a second call changes nothing.
func (db *DB) AddSummaryRecipient(ctx context.Context, meetingID int64, userID string) error {
	row := &summaryRecipientRow{MeetingID: meetingID, UserID: userID, SentAt: db.now()}
	err := db.tx(ctx, func(tx *gorm.DB) error {
		return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(row).Error
	})
	if err != nil {
		if isForeignKey(err) {
			return hearth.Errorf(hearth.ENOTFOUND, "That meeting does not exist.")
		}
		return fmt.Errorf("add summary recipient of meeting %d: %w", meetingID, err)
	}
	return nil
}

// IsSummaryRecipient reports whether the summary of a meeting was sent to a user.
func (db *DB) IsSummaryRecipient(ctx context.Context, meetingID int64, userID string) (bool, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Model(&summaryRecipientRow{}).
		Where("meeting_id = ? AND user_id = ?", meetingID, userID).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("read summary recipients of meeting %d: %w", meetingID, err)
	}
	return n > 0, nil
}
