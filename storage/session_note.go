package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/hearthbot/hearth"
)

type sessionNoteRow struct {
	ID        int64 `gorm:"primaryKey"`
	GroupID   int64
	MeetingID int64
	AuthorID  string
	Note      string // sealed to its row, like check-in notes: see Keyring
	CreatedAt time.Time
}

func (sessionNoteRow) TableName() string { return "session_notes" }

// CreateSessionNote stores a session note, encrypted and bound to its row
// like check-in notes, and sets its ID and CreatedAt (the clock, if zero).
func (db *DB) CreateSessionNote(ctx context.Context, n *hearth.SessionNote) error {
	row := &sessionNoteRow{GroupID: n.GroupID, MeetingID: n.MeetingID, AuthorID: n.AuthorID, CreatedAt: utc(n.CreatedAt)}
	if row.CreatedAt.IsZero() {
		row.CreatedAt = db.now()
	}
	// The note is sealed bound to its row id, known once the row exists:
	// insert, then write the ciphertext, in one transaction.
	err := db.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		note, err := db.keyring().encrypt(n.Note, "session_notes", "note", row.ID)
		if err != nil {
			return err
		}
		return tx.Model(row).Update("note", note).Error
	})
	if err != nil {
		if isForeignKey(err) {
			return errNoMeeting()
		}
		return fmt.Errorf("create session note: %w", err)
	}
	n.ID, n.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// SessionNotes returns the notes of the given meetings, oldest first, decrypted.
func (db *DB) SessionNotes(ctx context.Context, meetingIDs []int64) ([]*hearth.SessionNote, error) {
	if len(meetingIDs) == 0 {
		return nil, nil
	}
	var rows []sessionNoteRow
	if err := db.gorm.WithContext(ctx).Where("meeting_id IN ?", meetingIDs).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read session notes: %w", err)
	}
	out := make([]*hearth.SessionNote, len(rows))
	for i, r := range rows {
		note, err := db.keyring().decrypt(r.Note, "session_notes", "note", r.ID)
		if err != nil {
			return nil, fmt.Errorf("session note %d: %w", r.ID, err)
		}
		out[i] = &hearth.SessionNote{ID: r.ID, GroupID: r.GroupID, MeetingID: r.MeetingID, AuthorID: r.AuthorID, Note: note, CreatedAt: r.CreatedAt.UTC()}
	}
	return out, nil
}

// AlertsSince returns the group's alerts raised at or after t, oldest first,
// without reading their notes.
func (db *DB) AlertsSince(ctx context.Context, groupID int64, t time.Time) ([]*hearth.AlertBrief, error) {
	var rows []alertRow
	err := db.gorm.WithContext(ctx).Select("id", "urgency", "relapse", "status", "created_at").
		Where("group_id = ? AND created_at >= ?", groupID, utc(t)).Order("created_at, id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read alerts: %w", err)
	}
	out := make([]*hearth.AlertBrief, len(rows))
	for i, r := range rows {
		out[i] = &hearth.AlertBrief{ID: r.ID, Urgency: hearth.Urgency(r.Urgency), Relapse: r.Relapse, Status: hearth.AlertStatus(r.Status), CreatedAt: r.CreatedAt.UTC()}
	}
	return out, nil
}
