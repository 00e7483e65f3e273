package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

type userLanguageRow struct {
	GuildID   string `gorm:"primaryKey"`
	UserID    string `gorm:"primaryKey"`
	Language  string
	UpdatedAt time.Time
}

func (userLanguageRow) TableName() string { return "user_languages" }

// UserLanguage returns the user's stored language in the guild, or "".
func (db *DB) UserLanguage(ctx context.Context, guildID, userID string) (string, error) {
	var r userLanguageRow
	err := db.gorm.WithContext(ctx).Where("guild_id = ? AND user_id = ?", guildID, userID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("user language: %w", err)
	}
	return r.Language, nil
}

// SetUserLanguage stores the user's language in the guild (an upsert).
func (db *DB) SetUserLanguage(ctx context.Context, guildID, userID, lang string, at time.Time) error {
	r := &userLanguageRow{GuildID: guildID, UserID: userID, Language: lang, UpdatedAt: utc(at)}
	err := db.gorm.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "guild_id"}, {Name: "user_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"language", "updated_at"}),
	}).Create(r).Error
	if err != nil {
		return fmt.Errorf("set user language: %w", err)
	}
	return nil
}

// LatestUserLanguage returns the language of the user's latest interaction
// in any server (the newest row), or "" when none is stored: the dashboard,
// which is not in one server, shows itself in it.
func (db *DB) LatestUserLanguage(ctx context.Context, userID string) (string, error) {
	var r userLanguageRow
	err := db.gorm.WithContext(ctx).Where("user_id = ?", userID).Order("updated_at DESC").Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("latest user language: %w", err)
	}
	return r.Language, nil
}
