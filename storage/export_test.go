package storage

import (
	"context"

	"gorm.io/gorm"
)

// Pragma returns a SQLite PRAGMA as one of db's own connections sees it.
func (db *DB) Pragma(ctx context.Context, name string) (string, error) {
	var s string
	err := db.gorm.WithContext(ctx).Raw("PRAGMA " + name).Scan(&s).Error
	return s, err
}

// HasIndex reports whether the schema has the named index on table.
func (db *DB) HasIndex(table, name string) bool { return db.gorm.Migrator().HasIndex(table, name) }

// StoredNote returns the note column of a row as stored, encrypted.
func (db *DB) StoredNote(ctx context.Context, table string, id int64) (string, error) {
	var s string
	err := db.gorm.WithContext(ctx).Table(table).Select("note").Where("id = ?", id).Scan(&s).Error
	return s, err
}

// Exec runs a statement, for tests that set up odd states.
func (db *DB) Exec(ctx context.Context, sql string, args ...any) error {
	return db.gorm.WithContext(ctx).Exec(sql, args...).Error
}

// ClaimSQL returns the SQL that selects the jobs ClaimJobs claims, as sent to
// this database.
func (db *DB) ClaimSQL() string {
	var ids []int64
	stmt := db.claimable(db.gorm.Session(&gorm.Session{DryRun: true}), db.now(), 10).Pluck("id", &ids).Statement
	return stmt.SQL.String()
}
