package storage

import (
	"context"
	"database/sql/driver"
	"errors"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
)

// DBError is a database failure told without the driver's text: a driver's
// connection error names the host, the user and the database (pgx: "failed
// to connect to `user=… database=…`: host:5432 …"), and that must reach
// neither /healthz nor a log line. The cause stays reachable with
// errors.Is/As for code that needs to classify it.
type DBError struct {
	// Class is what went wrong, in a word: "unreachable", "timeout".
	Class string
	err   error
}

// Error says only the class.
func (e *DBError) Error() string { return "database " + e.Class }

// Unwrap returns the driver's error.
func (e *DBError) Unwrap() error { return e.err }

// ErrorClass is the class, for reports that must not carry error text.
func (e *DBError) ErrorClass() string { return e.Class }

// safeError replaces a driver error that may name the server (a failed
// connection, a network error, anything quoting a DSN) by a *DBError;
// other errors (constraint violations, not found, hearth's own) pass as
// they are.
func safeError(err error) error {
	if err == nil {
		return nil
	}
	var de *DBError
	if errors.As(err, &de) {
		return err
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err):
		return &DBError{Class: "timeout", err: err}
	case errors.As(err, &ce), errors.As(err, &ne), errors.Is(err, driver.ErrBadConn):
		return &DBError{Class: "unreachable", err: err}
	}
	if t := strings.ToLower(err.Error()); strings.Contains(t, "host=") || strings.Contains(t, "user=") ||
		strings.Contains(t, "dbname=") || strings.Contains(t, "database=") || strings.Contains(t, "://") {
		return &DBError{Class: "error", err: err}
	}
	return err
}

// safeErrors makes every statement of g report a failure through
// safeError, so no caller can log a connection error's text.
func safeErrors(g *gorm.DB) error {
	fix := func(tx *gorm.DB) {
		if tx.Error != nil {
			tx.Error = safeError(tx.Error)
		}
	}
	cb := g.Callback()
	return errors.Join(
		cb.Create().After("*").Register("hearth:safe_error", fix),
		cb.Query().After("*").Register("hearth:safe_error", fix),
		cb.Update().After("*").Register("hearth:safe_error", fix),
		cb.Delete().After("*").Register("hearth:safe_error", fix),
		cb.Row().After("*").Register("hearth:safe_error", fix),
		cb.Raw().After("*").Register("hearth:safe_error", fix),
	)
}
