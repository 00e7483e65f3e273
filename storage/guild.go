package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/hearthbot/hearth"
)

type guildRow struct {
	GuildID        string `gorm:"primaryKey"`
	CrisisText     string
	CrisisTextES   string `gorm:"column:crisis_text_es"`
	StaffChannelID string
	LeadID         string
	RetentionDays  int
	Timezone       string
	UpdatedAt      time.Time
}

func (guildRow) TableName() string { return "guild_settings" }

func (r *guildRow) domain() *hearth.GuildSettings {
	return &hearth.GuildSettings{
		GuildID: r.GuildID, CrisisText: r.CrisisText, CrisisTextES: r.CrisisTextES, StaffChannelID: r.StaffChannelID,
		LeadID: r.LeadID, RetentionDays: r.RetentionDays, Timezone: r.Timezone,
		UpdatedAt: r.UpdatedAt.UTC(),
	}
}

func newGuildRow(s *hearth.GuildSettings) *guildRow {
	return &guildRow{
		GuildID: s.GuildID, CrisisText: s.CrisisText, CrisisTextES: s.CrisisTextES, StaffChannelID: s.StaffChannelID,
		LeadID: s.LeadID, RetentionDays: s.RetentionDays, Timezone: s.Timezone,
		UpdatedAt: utc(s.UpdatedAt),
	}
}

// GuildSettings returns the settings of a guild, or the defaults if it has
// stored none.
func (db *DB) GuildSettings(ctx context.Context, guildID string) (*hearth.GuildSettings, error) {
	var row guildRow
	err := db.gorm.WithContext(ctx).Where("guild_id = ?", guildID).Take(&row).Error
	if isNotFound(err) {
		return hearth.DefaultGuildSettings(guildID), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read guild settings: %w", err)
	}
	return row.domain(), nil
}

// LeadGuilds returns the guilds whose clinical lead is the user, in id
// order: the dashboard shows them the alerts that escalated to them there.
func (db *DB) LeadGuilds(ctx context.Context, userID string) ([]string, error) {
	var ids []string
	if userID == "" {
		return nil, nil
	}
	err := db.gorm.WithContext(ctx).Model(&guildRow{}).Where("lead_id = ?", userID).Order("guild_id").Pluck("guild_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("read lead guilds: %w", err)
	}
	return ids, nil
}

// UpdateGuildSettings applies fn to the guild's current settings (the
// defaults if none are stored) and saves them with the audit entry in one
// transaction. An error from fn changes nothing and is returned as is.
func (db *DB) UpdateGuildSettings(ctx context.Context, guildID string, fn func(*hearth.GuildSettings) error, audit hearth.AuditEntry) (*hearth.GuildSettings, error) {
	var out *hearth.GuildSettings
	err := db.tx(ctx, func(tx *gorm.DB) error {
		// Insert the defaults first, so concurrent first updates serialise on
		// the row lock instead of one overwriting the other.
		def := newGuildRow(hearth.DefaultGuildSettings(guildID))
		def.UpdatedAt = db.now()
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(def).Error; err != nil {
			return fmt.Errorf("update guild settings: %w", err)
		}
		var row guildRow
		if err := forUpdate(tx).Where("guild_id = ?", guildID).Take(&row).Error; err != nil {
			return fmt.Errorf("update guild settings: %w", err)
		}
		s := row.domain()
		if err := fn(s); err != nil {
			return err
		}
		s.GuildID = guildID
		s.UpdatedAt = db.now()
		if err := tx.Save(newGuildRow(s)).Error; err != nil {
			return fmt.Errorf("update guild settings: %w", err)
		}
		if audit.GuildID == "" {
			audit.GuildID = guildID
		}
		out = s
		return db.saveAudit(tx, &audit)
	})
	return out, err
}
