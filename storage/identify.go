package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/hearthbot/hearth"
)

type identifyRow struct {
	ID      int64 `gorm:"primaryKey"`
	ShardID int
	At      time.Time
}

func (identifyRow) TableName() string { return "gateway_identifies" }

// RecordIdentify records that shard identified with the gateway at at, and
// forgets identifies older than a day, which no longer count. The table is
// shared by every process of a PostgreSQL deployment, as Discord's daily
// budget is shared by every shard of a token.
func (db *DB) RecordIdentify(ctx context.Context, shard int, at time.Time) error {
	return db.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("at < ?", utc(at.Add(-24*time.Hour))).Delete(&identifyRow{}).Error; err != nil {
			return fmt.Errorf("forget old identifies: %w", err)
		}
		if err := tx.Create(&identifyRow{ShardID: shard, At: utc(at)}).Error; err != nil {
			return fmt.Errorf("record identify: %w", err)
		}
		return nil
	})
}

// Identifies returns the identifies of every shard recorded after since,
// oldest first.
func (db *DB) Identifies(ctx context.Context, since time.Time) ([]hearth.Identify, error) {
	var rows []identifyRow
	if err := db.gorm.WithContext(ctx).Where("at > ?", utc(since)).Order("at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read identifies: %w", err)
	}
	out := make([]hearth.Identify, len(rows))
	for i, r := range rows {
		out[i] = hearth.Identify{Shard: r.ShardID, At: r.At.UTC()}
	}
	return out, nil
}
