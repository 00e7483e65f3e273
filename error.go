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
	Message string
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
