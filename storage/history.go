package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/hearthbot/hearth"
)

// PreviousMeeting returns the group's latest meeting that is not cancelled
// and starts before t, or ENOTFOUND.
func (db *DB) PreviousMeeting(ctx context.Context, groupID int64, t time.Time) (*hearth.Meeting, error) {
	var row meetingRow
	err := db.gorm.WithContext(ctx).
		Where("group_id = ? AND starts_at < ? AND status <> ?", groupID, utc(t), hearth.MeetingCancelled).
		Order("starts_at DESC, id DESC").Take(&row).Error
	if isNotFound(err) {
		return nil, errNoMeeting()
	}
	if err != nil {
		return nil, fmt.Errorf("read previous meeting: %w", err)
	}
	return row.domain()
}

// CountAlerts counts the alerts of the group raised in [from, to).
func (db *DB) CountAlerts(ctx context.Context, groupID int64, from, to time.Time) (int, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Model(&alertRow{}).
		Where("group_id = ? AND created_at >= ? AND created_at < ?", groupID, utc(from), utc(to)).
		Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("count alerts: %w", err)
	}
	return int(n), nil
}

// GroupCheckIns returns the check-ins to the group's meetings starting in
// [from, to), by meeting then time, notes decrypted.
func (db *DB) GroupCheckIns(ctx context.Context, groupID int64, from, to time.Time) ([]*hearth.CheckIn, error) {
	var rows []checkInRow
	err := db.gorm.WithContext(ctx).
		Where("group_id = ? AND meeting_id IN (?)", groupID,
			db.gorm.Model(&meetingRow{}).Select("id").
				Where("group_id = ? AND starts_at >= ? AND starts_at < ?", groupID, utc(from), utc(to))).
		Order("meeting_id, created_at, id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read check-ins of group %d: %w", groupID, err)
	}
	out := make([]*hearth.CheckIn, len(rows))
	for i := range rows {
		c, err := db.checkIn(&rows[i])
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}
