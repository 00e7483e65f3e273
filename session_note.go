package hearth

import (
	"context"
	"time"
)

// MaxSessionNote is the longest session note (SPEC §12).
const MaxSessionNote = 2000

// SessionNotesShown is how many of the latest meetings /notes show covers.
const SessionNotesShown = 5

// SessionNote is a psychologist's note about a meeting of their group. It
// is about the session, not a member; it is encrypted at rest, purged by
// retention, and shown only to the group's current psychologists, in
// ephemeral replies.
type SessionNote struct {
	ID        int64
	GroupID   int64
	MeetingID int64
	AuthorID  string
	Note      string
	CreatedAt time.Time
}

// SessionNoteStore keeps session notes.
type SessionNoteStore interface {
	// CreateSessionNote stores a note and sets its ID and CreatedAt.
	CreateSessionNote(ctx context.Context, n *SessionNote) error
	// SessionNotes returns the notes of the given meetings, oldest first.
	SessionNotes(ctx context.Context, meetingIDs []int64) ([]*SessionNote, error)
}
