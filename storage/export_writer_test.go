package storage

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// InWriteTx runs fn inside a transaction of db, holding its turn to write.
func (db *DB) InWriteTx(ctx context.Context, fn func() error) error {
	return db.tx(ctx, func(*gorm.DB) error { return fn() })
}

// OnWriterQueue sets a function called when a writer starts to wait for its
// turn, and how long it waits at most. Call it before using db.
func (db *DB) OnWriterQueue(fn func(), wait time.Duration) {
	db.onQueue, db.writerWait = fn, wait
}
