package storage

import (
	"fmt"

	"gorm.io/gorm"
)

// bindNotes is migration 10's re-encryption: every note stored in the
// unbound format (v1) is sealed again, under the current key, bound to its
// table, column and row. It runs inside the migration's transaction, so a
// database is either all v1 or all v2. With notes to rewrite and no keys
// it fails, naming the key ids it needs.
func (db *DB) bindNotes(tx *gorm.DB) error {
	for _, c := range encryptedColumns {
		// Tables of later migrations (session notes) do not exist yet.
		if !tx.Migrator().HasTable(c.table) {
			continue
		}
		type noteRow struct {
			ID   int64
			Note string
		}
		var after int64
		for {
			var rows []noteRow
			err := tx.Table(c.table).Select("id, "+c.column+" AS note").
				Where("id > ? AND "+c.column+" LIKE ?", after, blobLegacy+":%").
				Order("id").Limit(500).Find(&rows).Error
			if err != nil {
				return fmt.Errorf("bind notes of %s.%s: %w", c.table, c.column, err)
			}
			if len(rows) == 0 {
				break
			}
			if db.keyring() == nil {
				return fmt.Errorf("bind notes of %s.%s: %w", c.table, c.column, errNoKeys)
			}
			for _, r := range rows {
				plain, err := db.keyring().open(r.Note, c.table, c.column, r.ID, true)
				if err != nil {
					return fmt.Errorf("bind notes of %s.%s, row %d: %w", c.table, c.column, r.ID, err)
				}
				blob, err := db.keyring().encrypt(plain, c.table, c.column, r.ID)
				if err != nil {
					return err
				}
				if err := tx.Table(c.table).Where("id = ?", r.ID).Update(c.column, blob).Error; err != nil {
					return fmt.Errorf("bind notes of %s.%s, row %d: %w", c.table, c.column, r.ID, err)
				}
			}
			after = rows[len(rows)-1].ID
		}
	}
	return nil
}
