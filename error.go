package hearth

import (
	"errors"
	"fmt"
)

// Error codes. The bot shows the Message of an error with one of these codes to
// the user; any other error is internal and is answered with an apology.
const (
	EINVALID   = "invalid"   // bad input: the message says what is accepted
	ENOTFOUND  = "not_found" // unknown group, alert, meeting…
	EFORBIDDEN = "forbidden" // the caller may not do this
	ECONFLICT  = "conflict"  // already done, pressed twice, state changed
	EINTERNAL  = "internal"  // a bug or an outage: never shown to users
)

// Error is a domain error whose Message is safe to show to the user who
// caused it. Messages never carry notes, moods or alert content of others.
type Error struct {
	Code    string
	Message string // in English: what logs and tests read
	// Msg, when set, is the same message as a catalog key, which the edge
	// renders in the reader's language (ErrorMessageIn). Errors built in
	// handlers are already in the caller's language and leave it nil.
	Msg *Msg
}

// Msg is a catalog message named by key, with name, value pairs filling its
// placeholders; a value that is itself a Msg is rendered first.
type Msg struct {
	Key  string
	Args []any
}

// In renders m in the reader's language.
func (m Msg) In(p Printer) string {
	args := append([]any(nil), m.Args...)
	for i := 1; i < len(args); i += 2 {
		if sub, ok := args[i].(Msg); ok {
			args[i] = sub.In(p)
		}
	}
	return p.Text(m.Key, args...)
}

// Errorm returns an *Error with an English message and the same message as
// a catalog key with name, value args, for the edge to render in the
// reader's language.
func Errorm(code, key string, args []any, format string, fmtArgs ...any) *Error {
	e := Errorf(code, format, fmtArgs...)
	e.Msg = &Msg{Key: key, Args: args}
	return e
}

// ErrorMessageIn is ErrorMessage in the reader's language: an *Error's Msg
// rendered by p (else its Message), or the catalog's apology for an
// internal error.
func ErrorMessageIn(err error, p Printer) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		if e.Msg != nil {
			return e.Msg.In(p)
		}
		return e.Message
	}
	return p.Text("error.internal")
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the Message of an
// *Error, or a generic apology for an internal error.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "Sorry, something went wrong on our side. Nothing was changed; please try again in a moment."
}
