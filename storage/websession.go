package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/hearthbot/hearth"
)

type webSessionRow struct {
	ID        string `gorm:"primaryKey"`
	UserID    string
	UserName  string
	CSRF      string `gorm:"column:csrf"`
	Timezone  string
	CreatedAt time.Time
	ExpiresAt time.Time
}

func (webSessionRow) TableName() string { return "web_sessions" }

// CreateWebSession stores a new dashboard session.
func (db *DB) CreateWebSession(ctx context.Context, s *hearth.WebSession) error {
	row := webSessionRow{ID: s.ID, UserID: s.UserID, UserName: s.UserName, CSRF: s.CSRF, Timezone: s.Timezone,
		CreatedAt: utc(s.CreatedAt), ExpiresAt: utc(s.ExpiresAt)}
	if err := db.gorm.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("create web session: %w", err)
	}
	return nil
}

// WebSession returns a session that has not expired at now, or ENOTFOUND.
func (db *DB) WebSession(ctx context.Context, id string, now time.Time) (*hearth.WebSession, error) {
	var rows []webSessionRow
	if err := db.gorm.WithContext(ctx).Where("id = ? AND expires_at > ?", id, utc(now)).Limit(1).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read web session: %w", err)
	}
	if len(rows) == 0 {
		return nil, hearth.Errorf(hearth.ENOTFOUND, "session not found")
	}
	r := rows[0]
	return &hearth.WebSession{ID: r.ID, UserID: r.UserID, UserName: r.UserName, CSRF: r.CSRF, Timezone: r.Timezone,
		CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC()}, nil
}

// SetWebSessionTimezone changes the zone a session shows times in.
func (db *DB) SetWebSessionTimezone(ctx context.Context, id, tz string) error {
	if err := db.gorm.WithContext(ctx).Model(&webSessionRow{}).Where("id = ?", id).Update("timezone", tz).Error; err != nil {
		return fmt.Errorf("update web session: %w", err)
	}
	return nil
}

// DeleteWebSession revokes a session.
func (db *DB) DeleteWebSession(ctx context.Context, id string) error {
	if err := db.gorm.WithContext(ctx).Where("id = ?", id).Delete(&webSessionRow{}).Error; err != nil {
		return fmt.Errorf("delete web session: %w", err)
	}
	return nil
}

// DeleteUserWebSessions revokes every session of a user.
func (db *DB) DeleteUserWebSessions(ctx context.Context, userID string) error {
	if err := db.gorm.WithContext(ctx).Where("user_id = ?", userID).Delete(&webSessionRow{}).Error; err != nil {
		return fmt.Errorf("delete web sessions: %w", err)
	}
	return nil
}

// PurgeWebSessions deletes the sessions expired before t.
func (db *DB) PurgeWebSessions(ctx context.Context, t time.Time) (int, error) {
	res := db.gorm.WithContext(ctx).Where("expires_at < ?", utc(t)).Delete(&webSessionRow{})
	if res.Error != nil {
		return 0, fmt.Errorf("purge web sessions: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// PsychologistGroups returns the groups of every guild the user
// facilitates or observes.
func (db *DB) PsychologistGroups(ctx context.Context, userID string) ([]*hearth.Group, error) {
	var rows []groupRow
	if err := db.gorm.WithContext(ctx).Where("facilitator_id = ? OR observer_id = ?", userID, userID).
		Order("guild_id, name_key, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read psychologist groups: %w", err)
	}
	return groupsOf(rows)
}

// MemberGroups returns the groups of every guild the user belongs to.
func (db *DB) MemberGroups(ctx context.Context, userID string) ([]*hearth.Group, error) {
	var rows []groupRow
	if err := db.gorm.WithContext(ctx).
		Where("id IN (?)", db.gorm.Model(&membershipRow{}).Select("group_id").Where("user_id = ?", userID)).
		Order("guild_id, name_key, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read member groups: %w", err)
	}
	return groupsOf(rows)
}

// RecentAlerts returns the groups' alerts that are open or were raised at or
// after since, newest first, at most limit.
func (db *DB) RecentAlerts(ctx context.Context, groupIDs []int64, since time.Time, limit int) ([]*hearth.Alert, error) {
	if len(groupIDs) == 0 {
		return nil, nil
	}
	var rows []alertRow
	err := db.gorm.WithContext(ctx).
		Where("group_id IN ? AND (status <> ? OR created_at >= ?)", groupIDs, string(hearth.AlertResolved), utc(since)).
		Omit("note", "resolution_note").Order("created_at DESC, id DESC").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read recent alerts: %w", err)
	}
	out := make([]*hearth.Alert, len(rows))
	for i := range rows {
		out[i] = db.alert(&rows[i])
	}
	return out, nil
}
