package storage

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/hearthbot/hearth"
)

// ReassignAlert applies fn to the alert (its Revision bumped) and its
// deliveries under the alert's row lock, and saves in one transaction the
// alert, the deliveries fn returns (inserted when their ID is zero), the
// jobs (pointed at the alert as by CreateAlert) and the audit entry. fn may
// not change the alert's id, guild, group, member, creation time or note.
// An error from fn changes nothing and is returned as is.
func (db *DB) ReassignAlert(ctx context.Context, id int64, fn func(*hearth.Alert, []*hearth.AlertDelivery) ([]*hearth.AlertDelivery, []*hearth.Job, *hearth.AuditEntry, error)) (*hearth.Alert, error) {
	var out *hearth.Alert
	err := db.tx(ctx, func(tx *gorm.DB) error {
		var row alertRow
		if err := forUpdate(tx).Where("id = ?", id).Take(&row).Error; err != nil {
			if isNotFound(err) {
				return errNoAlert()
			}
			return fmt.Errorf("reassign alert %d: %w", id, err)
		}
		a := db.alert(&row)
		var drows []deliveryRow
		if err := tx.Where("alert_id = ?", id).Order("id").Find(&drows).Error; err != nil {
			return fmt.Errorf("reassign alert %d: %w", id, err)
		}
		ds := make([]*hearth.AlertDelivery, len(drows))
		for i := range drows {
			ds[i] = drows[i].domain()
		}
		a.Revision = row.Revision + 1
		changed, jobs, audit, err := fn(a, ds)
		if err != nil {
			return err
		}
		// Only the lifecycle columns change: the note's ciphertext stays.
		err = tx.Model(&alertRow{}).Where("id = ?", id).Updates(map[string]any{
			"status": string(a.Status), "ack_by": a.AckBy, "ack_at": nullTime(a.AckAt),
			"escalated_at": nullTime(a.EscalatedAt), "revision": a.Revision, "escalations": a.Escalations,
		}).Error
		if err != nil {
			return fmt.Errorf("reassign alert %d: %w", id, err)
		}
		now := db.now()
		for _, d := range changed {
			r := newDeliveryRow(d)
			r.AlertID, r.UpdatedAt = id, now
			if r.ID == 0 {
				err = tx.Create(r).Error
			} else {
				err = tx.Save(r).Error
			}
			if err != nil {
				return fmt.Errorf("reassign alert %d: delivery: %w", id, err)
			}
			*d = *r.domain()
		}
		if err := db.alertWork(tx, a, id, jobs, audit); err != nil {
			return err
		}
		a.ID, a.GuildID, a.GroupID, a.UserID = row.ID, row.GuildID, row.GroupID, row.UserID
		out = a
		return db.saveAudit(tx, audit)
	})
	return out, err
}
