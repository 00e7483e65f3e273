package storage

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"

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

// Exec runs a statement, for tests that set up odd states; the cache
// forgets everything, as it would not know what the statement changed.
func (db *DB) Exec(ctx context.Context, sql string, args ...any) error {
	defer db.cache.mark(allScopes)
	return db.gorm.WithContext(ctx).Exec(sql, args...).Error
}

// Mentions returns, per table, how many rows hold s in any column (compared
// as text), so a test can look for a user id in the whole schema.
func (db *DB) Mentions(ctx context.Context, s string) (map[string]int64, error) {
	g := db.gorm.WithContext(ctx)
	tables, err := g.Migrator().GetTables()
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, table := range tables {
		cols, err := g.Migrator().ColumnTypes(table)
		if err != nil {
			return nil, err
		}
		var conds []string
		var args []any
		for _, c := range cols {
			conds = append(conds, "CAST("+quote(c.Name())+" AS TEXT) LIKE ?")
			args = append(args, "%"+s+"%")
		}
		var n int64
		if err := g.Table(table).Where(strings.Join(conds, " OR "), args...).Count(&n).Error; err != nil {
			return nil, err
		}
		if n > 0 {
			out[table] = n
		}
	}
	return out, nil
}

func quote(name string) string { return `"` + name + `"` }

// Count counts the rows of table matching a condition.
func (db *DB) Count(ctx context.Context, table, cond string, args ...any) (int64, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Table(table).Where(cond, args...).Count(&n).Error
	return n, err

}

// ClaimSQL returns the SQL that selects the jobs ClaimJobs claims, as sent to
// this database.
func (db *DB) ClaimSQL() string {
	var ids []int64
	stmt := db.claimable(db.gorm.Session(&gorm.Session{DryRun: true}), db.now(), 10).Pluck("id", &ids).Statement
	return stmt.SQL.String()
}

// ExecBehindCache runs a statement the cache does not hear of, so a test
// can tell an answer served from the cache from one read again.
func (db *DB) ExecBehindCache(ctx context.Context, sql string, args ...any) error {
	return db.gorm.WithContext(ctx).Exec(sql, args...).Error
}

// ListenerPID returns the server process of the PostgreSQL cache listener.
func (db *DB) ListenerPID() uint32 { return db.listenPID.Load() }

// WaitCache waits until cond holds for the cache's state: whether it serves
// answers, and how many notifications of other processes it heard.
func (db *DB) WaitCache(ctx context.Context, cond func(live bool, heard int) bool) error {
	for {
		c := db.cache
		c.mu.Lock()
		ok, changed := cond(c.live, c.heardN), c.changes
		c.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// CacheChannel is the PostgreSQL notification channel of a schema.
var CacheChannel = cacheChannel

// DurablePragma returns a SQLite PRAGMA as the connection of durable writes
// sees it.
func (db *DB) DurablePragma(ctx context.Context, name string) (string, error) {
	var s string
	err := db.durable.WithContext(ctx).Raw("PRAGMA " + name).Scan(&s).Error
	return s, err
}

// QueryPlan returns SQLite's EXPLAIN QUERY PLAN of a query, its steps
// joined by newlines.
func (db *DB) QueryPlan(ctx context.Context, query string, args ...any) (string, error) {
	var steps []struct{ Detail string }
	err := db.gorm.WithContext(ctx).Raw("EXPLAIN QUERY PLAN "+query, args...).Scan(&steps).Error
	var out []string
	for _, s := range steps {
		out = append(out, s.Detail)
	}
	return strings.Join(out, "\n"), err
}

// SealLegacy encrypts plain as schema versions before 10 did (format v1,
// no additional data), for tests of migration 10.
func (k *Keyring) SealLegacy(plain string) string {
	aead := k.aeads[k.current]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	return blobLegacy + ":" + k.current + ":" + base64.StdEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte(plain), nil))
}

// ScanInt64 runs a query returning one integer, for tests.
func (db *DB) ScanInt64(ctx context.Context, sql string, args ...any) (int64, error) {
	var n int64
	err := db.gorm.WithContext(ctx).Raw(sql, args...).Scan(&n).Error
	return n, err
}
