package storage

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/hearthbot/hearth"
)

// CreateCheckInAlert stores an alert raised from a member's check-in (as
// CreateAlert does) and records its id on the check-in, in one
// transaction. The check-in is locked first, so of two presses of the
// button at once one stores the alert and the other is ECONFLICT; a member
// who has not checked in is ENOTFOUND.
func (db *DB) CreateCheckInAlert(ctx context.Context, meetingID int64, userID string, a *hearth.Alert, deliveries []*hearth.AlertDelivery, jobs []*hearth.Job) error {
	return db.durableTx(ctx, func(tx *gorm.DB) error {
		var row struct {
			ID      int64
			AlertID int64
		}
		err := forUpdate(tx).Model(&checkInRow{}).Select("id", "alert_id").
			Where("meeting_id = ? AND user_id = ?", meetingID, userID).Take(&row).Error
		if isNotFound(err) {
			return errNoCheckIn()
		} else if err != nil {
			return fmt.Errorf("create check-in alert: %w", err)
		}
		if row.AlertID != 0 {
			return hearth.Errorf(hearth.ECONFLICT, "You already let the psychologists know after this check-in (alert #%d); they have been told.", row.AlertID)
		}
		if err := db.createAlert(tx, a, deliveries, jobs); err != nil {
			return err
		}
		if err := tx.Model(&checkInRow{}).Where("id = ?", row.ID).Update("alert_id", a.ID).Error; err != nil {
			return fmt.Errorf("create check-in alert: %w", err)
		}
		return nil
	})
}
