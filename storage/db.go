package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"github.com/hearthbot/hearth"
)

// Drivers accepted by Open.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// sqliteParams are the mattn/go-sqlite3 DSN parameters every SQLite
// connection gets: write-ahead logging (many readers, one writer), waiting up
// to 5 s for the write lock instead of failing, BEGIN IMMEDIATE for every
// transaction (so a read-then-write transaction never fails to upgrade its
// lock), enforced foreign keys (ON DELETE CASCADE), and secure delete: an
// erased or purged row is overwritten with zeros, not left in a free page.
const sqliteParams = "_journal_mode=WAL&_busy_timeout=5000&_txlock=immediate&_foreign_keys=on&_secure_delete=on"

// Options configure a DB.
type Options struct {
	// Now is the clock; nil means time.Now. Its readings are stored in UTC.
	Now func() time.Time
	// Keys encrypts and decrypts notes. With nil Keys, writing or reading a
	// non-empty note fails: notes are never stored in plain text.
	Keys *Keyring
	// MaxOpenConns bounds the connection pool; 0 picks a default (one for an
	// in-memory SQLite database, whose connections would not share data).
	MaxOpenConns int
	// Log receives what the storage does on its own (the PostgreSQL cache
	// listener); nil means slog.Default().
	Log *slog.Logger
}

// DB is hearth's database. It is safe for concurrent use.
type DB struct {
	gorm *gorm.DB
	// durable is the pool of durableTx: gorm itself but on an SQLite file.
	durable    *gorm.DB
	durableSQL *sql.DB // nil when durable is gorm
	sql        *sql.DB
	driver     string
	clock      func() time.Time
	keys       atomic.Pointer[Keyring] // see SetKeys
	log        *slog.Logger
	cache      *cache
	// stopListen ends the PostgreSQL listener (notify.go); listened is
	// closed when it has.
	stopListen context.CancelFunc
	listened   chan struct{}
	listenPID  atomic.Uint32 // the listener's server process, for tests
	// channel and token name this process's cache notifications.
	channel, token string

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt // see prepared

	// writer queues this process's writes on SQLite (see tx); nil on
	// PostgreSQL, whose writers do not exclude each other. A writer waits
	// for its turn at most writerWait.
	writer     chan struct{}
	writerWait time.Duration
	onQueue    func() // called when a writer starts to wait; for tests
}

var (
	_ hearth.GuildStore      = (*DB)(nil)
	_ hearth.AuditStore      = (*DB)(nil)
	_ hearth.GroupStore      = (*DB)(nil)
	_ hearth.MembershipStore = (*DB)(nil)
	_ hearth.MeetingStore    = (*DB)(nil)
	_ hearth.AlertStore      = (*DB)(nil)
	_ hearth.JobStore        = (*DB)(nil)
)

// Open connects to the database. driver is "sqlite" (dsn: a file path,
// ":memory:" or a "file:" URI; hearth's SQLite parameters are added) or
// "postgres" (dsn: a libpq URL or key=value string). Open does not migrate:
// call Migrate.
func Open(ctx context.Context, driver, dsn string, opts Options) (*DB, error) {
	db := &DB{clock: opts.Now, log: opts.Log}
	db.keys.Store(opts.Keys)
	if db.clock == nil {
		db.clock = time.Now
	}
	if db.log == nil {
		db.log = slog.Default()
	}
	var dial gorm.Dialector
	maxConns := opts.MaxOpenConns
	switch driver {
	case DriverSQLite, "sqlite3":
		db.driver = DriverSQLite
		db.writer, db.writerWait = make(chan struct{}, 1), sqliteBusyTimeout
		dial = sqlite.Open(SQLiteDSN(dsn))
		if isMemorySQLite(dsn) {
			maxConns = 1
		} else if maxConns == 0 {
			// Readers run in parallel under WAL; writers queue on the
			// busy timeout, so a few connections are enough.
			maxConns = max(4, runtime.GOMAXPROCS(0))
		}
	case DriverPostgres, "postgresql", "pgx":
		db.driver = DriverPostgres
		dial = postgres.Open(dsn)
		if maxConns == 0 {
			maxConns = 10
		}
	default:
		return nil, fmt.Errorf("open database: unknown driver %q (use sqlite or postgres)", driver)
	}
	g, err := db.openGorm(dial, maxConns)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", db.driver, safeError(err))
	}
	db.gorm, db.durable = g, g
	if db.sql, err = g.DB(); err != nil {
		return nil, fmt.Errorf("open %s database: %w", db.driver, err)
	}
	if db.driver == DriverSQLite && !isMemorySQLite(dsn) {
		// SQLite in WAL mode syncs the log only at checkpoints by default
		// (synchronous=NORMAL): a commit survives the process dying but not
		// the machine losing power. That is right for reminders and
		// check-ins, whose commits then cost no fsync; an alert, which the
		// member has been told is on its way, is stored through one
		// connection that syncs at every commit (durableTx).
		if db.durable, err = db.openGorm(sqlite.Open(SQLiteDSN(dsn)+"&_synchronous=FULL"), 1); err == nil {
			db.durableSQL, err = db.durable.DB()
		}
		if err != nil {
			db.sql.Close()
			return nil, fmt.Errorf("open %s database: %w", db.driver, err)
		}
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// SQLite is one process: nobody else writes, so the cache is on at
	// once. On PostgreSQL it waits for the listener to hear other processes.
	db.cache = newCache(db.driver == DriverSQLite)
	if db.driver == DriverPostgres {
		var schema string
		if err := db.gorm.WithContext(ctx).Raw("SELECT COALESCE(current_schema(), '')").Scan(&schema).Error; err != nil {
			db.Close()
			return nil, fmt.Errorf("open %s database: %w", db.driver, err)
		}
		db.channel, db.token = cacheChannel(schema), rand.Text()
		db.listen(dsn)
	}
	return db, nil
}

// openGorm opens a gorm pool of at most maxConns connections.
func (db *DB) openGorm(dial gorm.Dialector, maxConns int) (*gorm.DB, error) {
	g, err := gorm.Open(dial, &gorm.Config{
		// SQL parameters may carry (encrypted) notes and ids: never log them.
		Logger:                 logger.Discard,
		NowFunc:                db.now,
		SkipDefaultTransaction: true,
		TranslateError:         true,
		// SQLite spends a good part of each query compiling its SQL (about
		// 6% of the CPU of /rota show): keep a bounded cache of prepared
		// statements per connection. PostgreSQL is left alone: a pooler in
		// transaction mode breaks on prepared statements.
		PrepareStmt:        db.driver == DriverSQLite,
		PrepareStmtMaxSize: 256,
		PrepareStmtTTL:     time.Hour,
	})
	if err != nil {
		return nil, err
	}
	if db.writer != nil {
		if err := db.queueWrites(g); err != nil {
			return nil, err
		}
	}
	if err := safeErrors(g); err != nil {
		return nil, err
	}
	pool, err := g.DB()
	if err != nil {
		return nil, err
	}
	pool.SetMaxOpenConns(maxConns)
	pool.SetMaxIdleConns(maxConns)
	return g, nil
}

// SQLiteDSN returns the mattn/go-sqlite3 DSN for a path, ":memory:" or
// "file:" URI, with hearth's parameters added. Parameters already in dsn win.
func SQLiteDSN(dsn string) string {
	if strings.Contains(dsn, "?") {
		return dsn + "&" + sqliteParams
	}
	return dsn + "?" + sqliteParams
}

func isMemorySQLite(dsn string) bool {
	return strings.HasPrefix(dsn, ":memory:") || strings.HasPrefix(dsn, "file::memory:") ||
		strings.Contains(dsn, "mode=memory")
}

// Close stops the PostgreSQL listener and closes the connection pool.
func (db *DB) Close() error {
	if db.stopListen != nil {
		db.stopListen()
		<-db.listened
	}
	db.stmtMu.Lock()
	for _, st := range db.stmts {
		st.Close()
	}
	db.stmts = nil
	db.stmtMu.Unlock()
	var err error
	if db.durableSQL != nil {
		err = db.durableSQL.Close()
	}
	return errors.Join(err, db.sql.Close())
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.sql.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s database: %w", db.driver, safeError(err))
	}
	return nil
}

// Driver returns "sqlite" or "postgres".
func (db *DB) Driver() string { return db.driver }

// now reads the clock in UTC at the precision both databases keep.
func (db *DB) now() time.Time { return utc(db.clock()) }

// utc converts t to UTC at microsecond precision; the zero time stays zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) sql.NullTime {
	if t.IsZero() {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: utc(t), Valid: true}
}

// fromNull reads NULL as the zero time.
func fromNull(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// sqliteBusyTimeout is the _busy_timeout of sqliteParams.
const sqliteBusyTimeout = 5 * time.Second

// tx runs fn in a transaction; fn's error rolls back and is returned as is.
// On SQLite the transaction begins IMMEDIATE, so transactions that write are
// serialised from their start; before that they queue in this process, in
// order of arrival, with its other writes (queueWrites). SQLite's busy
// handler polls a taken lock in sleeps of up to 100 ms: a writer lost time
// asleep while the lock was free, or every race to a busier writer (an
// engine claim waited 1.1 s while the planner ran). The wait for a turn is
// bounded by the busy timeout, after which SQLite decides as before, so a
// write begun inside a transaction fails rather than hangs.
func (db *DB) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return db.txOn(ctx, db.gorm, fn)
}

// durableTx is tx for the writes that must survive a power loss once
// committed: on an SQLite file they go through the connection that syncs
// the log at every commit (see Open).
func (db *DB) durableTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return db.txOn(ctx, db.durable, fn)
}

// txOn is tx on the pool g, after this process's turn to write.
func (db *DB) txOn(ctx context.Context, g *gorm.DB, fn func(tx *gorm.DB) error) error {
	if db.writer != nil {
		if held, err := db.queueWriter(ctx); err != nil {
			return err
		} else if held {
			defer func() { <-db.writer }()
		}
	}
	return safeError(g.WithContext(ctx).Transaction(fn))
}

// write runs fn in a transaction like tx, for writes to groups,
// memberships and meetings, which fn names in ch (see cache.go). On
// PostgreSQL the other processes hear of them when the transaction commits;
// this process's cache forgets them once it ended, committed or not.
func (db *DB) write(ctx context.Context, fn func(tx *gorm.DB, ch *changes) error) error {
	var ch changes
	defer func() { db.cache.mark(ch.scopes...) }()
	return db.tx(ctx, func(tx *gorm.DB) error {
		if err := fn(tx, &ch); err != nil {
			return err
		}
		return db.notify(tx, &ch)
	})
}

// queueWriter waits for this process's turn to write on SQLite and reports
// whether it got it; false after writerWait.
func (db *DB) queueWriter(ctx context.Context) (bool, error) {
	select {
	case db.writer <- struct{}{}:
		return true, nil
	default:
	}
	if db.onQueue != nil {
		db.onQueue()
	}
	t := time.NewTimer(db.writerWait)
	defer t.Stop()
	select {
	case db.writer <- struct{}{}:
		return true, nil
	case <-t.C:
		return false, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// queueWrites makes the writes gorm runs outside a transaction (Create,
// Update, Delete, Exec) queue for their turn like transactions (see tx):
// left to SQLite's busy handler they would get the lock only in a gap
// between queued transactions.
func (db *DB) queueWrites(g *gorm.DB) error {
	const key = "hearth:writer"
	take := func(tx *gorm.DB) {
		if _, inTx := tx.Statement.ConnPool.(gorm.TxCommitter); inTx || tx.Error != nil {
			return
		}
		if held, err := db.queueWriter(tx.Statement.Context); err != nil {
			tx.AddError(err)
		} else if held {
			tx.InstanceSet(key, true)
		}
	}
	give := func(tx *gorm.DB) {
		if _, held := tx.InstanceGet(key); held {
			<-db.writer
		}
	}
	cb := g.Callback()
	return errors.Join(
		cb.Create().Before("*").Register("hearth:queue_write", take),
		cb.Create().After("*").Register("hearth:end_write", give),
		cb.Update().Before("*").Register("hearth:queue_write", take),
		cb.Update().After("*").Register("hearth:end_write", give),
		cb.Delete().Before("*").Register("hearth:queue_write", take),
		cb.Delete().After("*").Register("hearth:end_write", give),
		cb.Raw().Before("*").Register("hearth:queue_write", take),
		cb.Raw().After("*").Register("hearth:end_write", give),
	)
}

// execPrepared runs query in tx as st, a statement prepared on the pool,
// which database/sql compiles once per connection and keeps: gorm's
// statement cache compiles a statement first met inside a transaction
// again in every transaction. With a nil st it is a plain Exec.
func execPrepared(tx *gorm.DB, st *sql.Stmt, query string, args ...any) error {
	var sqlTx *sql.Tx
	switch p := tx.Statement.ConnPool.(type) {
	case *sql.Tx:
		sqlTx = p
	case *gorm.PreparedStmtTX:
		sqlTx, _ = p.Tx.(*sql.Tx)
	}
	if st == nil || sqlTx == nil {
		return tx.Exec(query, args...).Error
	}
	ctx := tx.Statement.Context
	_, err := sqlTx.StmtContext(ctx, st).ExecContext(ctx, args...)
	if t, ok := tx.Dialector.(gorm.ErrorTranslator); ok && err != nil {
		err = t.Translate(err)
	}
	return err
}

// prepared returns query prepared on the pool, preparing it the first time
// and keeping it until Close; on PostgreSQL it returns nil (see PrepareStmt
// in Open). For the few fixed statements of bulk writes only. Call it
// outside a transaction: preparing may take a connection, and an in-memory
// database has one.
func (db *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if db.driver != DriverSQLite {
		return nil, nil
	}
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	if st := db.stmts[query]; st != nil {
		return st, nil
	}
	st, err := db.sql.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if db.stmts == nil {
		db.stmts = map[string]*sql.Stmt{}
	}
	db.stmts[query] = st
	return st, nil
}

// forUpdate locks the rows a query reads until the transaction ends (SELECT
// … FOR UPDATE on PostgreSQL; SQLite's dialect drops the clause, and its
// immediate transactions already hold the database's write lock).
func forUpdate(tx *gorm.DB) *gorm.DB {
	return tx.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
}

// isDuplicate reports a unique-constraint violation.
func isDuplicate(err error) bool { return errors.Is(err, gorm.ErrDuplicatedKey) }

// isNotFound reports a First that found no row.
func isNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }

// saveAudit stores an audit entry in tx, stamped with the clock. An entry
// without an Action is not stored.
func (db *DB) saveAudit(tx *gorm.DB, e *hearth.AuditEntry) error {
	if e == nil || e.Action == "" {
		return nil
	}
	row := auditRow{GuildID: e.GuildID, ActorID: e.ActorID, Action: e.Action, Target: e.Target, At: db.now()}
	if err := tx.Create(&row).Error; err != nil {
		return fmt.Errorf("save audit entry: %w", err)
	}
	e.ID, e.At = row.ID, row.At
	return nil
}

// isForeignKey reports a foreign-key violation: a parent row is missing.
func isForeignKey(err error) bool { return errors.Is(err, gorm.ErrForeignKeyViolated) }
