package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// cacheChannel is the PostgreSQL channel on which the processes using one
// schema tell each other which cache scopes their writes touched. The
// payload is the writer's token and the scopes, separated by spaces ("*":
// everything); a process skips its own, which it marked at once.
// Channel names are identifiers: at most 63 bytes.
func cacheChannel(schema string) string {
	if name := "hearth_cache_" + schema; len(name) <= 63 {
		return name
	}
	sum := sha256.Sum256([]byte(schema))
	return "hearth_cache_" + hex.EncodeToString(sum[:16])
}

// maxPayload keeps a notification under PostgreSQL's 8000-byte limit; a
// write touching more scopes says "everything".
const maxPayload = 7000

// listenCheck is how often an idle listener checks that its connection is
// alive: a connection that died silently would otherwise miss changes for as
// long as answers live (cacheMaxAge).
const listenCheck = 20 * time.Second

// notify tells the other processes, when tx commits, what ch touched.
func (db *DB) notify(tx *gorm.DB, ch *changes) error {
	if db.driver != DriverPostgres || len(ch.scopes) == 0 {
		return nil
	}
	payload := ch.payload()
	if len(payload) > maxPayload {
		payload = allScopes
	}
	return tx.Exec("SELECT pg_notify(?, ?)", db.channel, db.token+" "+payload).Error
}

// listen keeps a connection that LISTENs on cacheChannel and marks what
// other processes changed, until Close. The cache serves answers only while
// it is connected; after a lost connection it reconnects with backoff and
// starts from an empty cache, since changes may have been missed meanwhile.
func (db *DB) listen(dsn string) {
	ctx, cancel := context.WithCancel(context.Background())
	db.stopListen, db.listened = cancel, make(chan struct{})
	go func() {
		defer close(db.listened)
		backoff := time.Second
		for {
			err := db.listenOnce(ctx, dsn, func() { backoff = time.Second })
			db.cache.setLive(false)
			if ctx.Err() != nil {
				return
			}
			// A connection error names the server and user: log its class only.
			db.log.Warn("cache listener disconnected; reads go to the database until it is back", "retry_in", backoff, "error", safeError(err))
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 30*time.Second)
		}
	}()
}

// listenOnce listens on one connection until it fails or ctx ends.
func (db *DB) listenOnce(ctx context.Context, dsn string, connected func()) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{db.channel}.Sanitize()); err != nil {
		return err
	}
	db.listenPID.Store(conn.PgConn().PID())
	connected()
	db.cache.setLive(true)
	for {
		wait, cancel := context.WithTimeout(ctx, listenCheck)
		n, err := conn.WaitForNotification(wait)
		cancel()
		switch {
		case err == nil:
			if from, scopes, _ := strings.Cut(n.Payload, " "); from != db.token {
				db.cache.heard(strings.Fields(scopes)...)
			}
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err):
			if err := conn.Ping(ctx); err != nil {
				return err
			}
		default:
			return err
		}
	}
}
