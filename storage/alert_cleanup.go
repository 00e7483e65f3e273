package storage

import (
	"fmt"
	"slices"

	"gorm.io/gorm"

	"github.com/hearthbot/hearth"
)

// enqueueDMDeletes enqueues, inside tx, a JobAlertDMDelete for every alert
// DM sent about the given alerts of guildID, which the caller is about to
// erase: the jobs keep the channel and message ids the deleted delivery
// rows held. It returns how many it enqueued.
func (db *DB) enqueueDMDeletes(tx *gorm.DB, guildID string, alertIDs []int64) (int, error) {
	n := 0
	now := db.now()
	for ids := range slices.Chunk(alertIDs, 500) {
		var ds []deliveryRow
		if err := tx.Where("alert_id IN ? AND message_id <> '' AND channel_id <> ''", ids).Order("alert_id, id").Find(&ds).Error; err != nil {
			return n, fmt.Errorf("alert DMs to delete: %w", err)
		}
		var jobs []*hearth.Job
		for i := range ds {
			if j := hearth.AlertDMDeleteJob(guildID, ds[i].AlertID, ds[i].domain(), now); j != nil {
				jobs = append(jobs, j)
			}
		}
		if err := db.enqueue(tx, jobs); err != nil {
			return n, err
		}
		n += len(jobs)
	}
	return n, nil
}

// recipientKinds are hearth.RecipientJobKinds as strings, for queries.
func recipientKinds() []string {
	out := make([]string, len(hearth.RecipientJobKinds))
	for i, k := range hearth.RecipientJobKinds {
		out[i] = string(k)
	}
	return out
}
