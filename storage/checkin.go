package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/hearthbot/hearth"
)

type checkInRow struct {
	ID        int64 `gorm:"primaryKey"`
	MeetingID int64
	GroupID   int64
	UserID    string
	Mood      int
	Note      string // encrypted: see Keyring
	// FromPresence: recorded from voice presence at the meeting's end.
	FromPresence bool
	CreatedAt    time.Time
}

func (checkInRow) TableName() string { return "check_ins" }

// newCheckInRow is the row of c, note left out: it is sealed to the row id,
// known only once the row is inserted.
func newCheckInRow(c *hearth.CheckIn) *checkInRow {
	return &checkInRow{
		ID: c.ID, MeetingID: c.MeetingID, GroupID: c.GroupID, UserID: c.UserID,
		Mood: c.Mood, FromPresence: c.FromPresence, CreatedAt: utc(c.CreatedAt),
	}
}

// sealCheckInNote encrypts a check-in note bound to its row.
func (db *DB) sealCheckInNote(plain string, id int64) (string, error) {
	return db.keyring().encrypt(plain, "check_ins", "note", id)
}

func (db *DB) checkIn(r *checkInRow) (*hearth.CheckIn, error) {
	note, err := db.keyring().decrypt(r.Note, "check_ins", "note", r.ID)
	if err != nil {
		return nil, fmt.Errorf("check-in %d: %w", r.ID, err)
	}
	return &hearth.CheckIn{
		ID: r.ID, MeetingID: r.MeetingID, GroupID: r.GroupID, UserID: r.UserID,
		Mood: r.Mood, Note: note, FromPresence: r.FromPresence, CreatedAt: r.CreatedAt.UTC(),
	}, nil
}

func errNoCheckIn() error {
	return hearth.Errorf(hearth.ENOTFOUND, "You have not checked in to this meeting.")
}

// CreateCheckIn records a member's attendance at a meeting, with the note
// encrypted, and sets c.ID, c.GroupID (the meeting's group) and c.CreatedAt
// (the clock, if zero). A second check-in to the same meeting is ECONFLICT;
// an unknown meeting ENOTFOUND.
func (db *DB) CreateCheckIn(ctx context.Context, c *hearth.CheckIn) error {
	return db.tx(ctx, func(tx *gorm.DB) error { return db.createCheckIn(tx, c) })
}

func (db *DB) createCheckIn(tx *gorm.DB, c *hearth.CheckIn) error {
	var m meetingRow
	if err := tx.Select("id", "group_id").Where("id = ?", c.MeetingID).Take(&m).Error; err != nil {
		if isNotFound(err) {
			return errNoMeeting()
		}
		return fmt.Errorf("create check-in: %w", err)
	}
	row := newCheckInRow(c)
	row.ID, row.GroupID = 0, m.GroupID
	if row.CreatedAt.IsZero() {
		row.CreatedAt = db.now()
	}
	if err := tx.Create(row).Error; err != nil {
		if isDuplicate(err) {
			return hearth.Errorf(hearth.ECONFLICT, "You have already checked in to this meeting.")
		}
		return fmt.Errorf("create check-in: %w", err)
	}
	if c.Note != "" {
		// Bound to the row id, known only now: same transaction.
		note, err := db.sealCheckInNote(c.Note, row.ID)
		if err != nil {
			return err
		}
		if err := tx.Model(row).Update("note", note).Error; err != nil {
			return fmt.Errorf("create check-in: %w", err)
		}
	}
	c.ID, c.GroupID, c.CreatedAt = row.ID, row.GroupID, row.CreatedAt
	return nil
}

// SaveCheckIn records c as CreateCheckIn does or, if the member already
// checked in to that meeting, applies update to their check-in as
// UpdateCheckIn does (nil: leaves it), in one transaction. It returns the
// check-in as stored and whether it is new. A second /checkin is one write,
// not a failed insert and an update.
func (db *DB) SaveCheckIn(ctx context.Context, c *hearth.CheckIn, update func(*hearth.CheckIn) error) (*hearth.CheckIn, bool, error) {
	var (
		out     *hearth.CheckIn
		created bool
	)
	err := db.tx(ctx, func(tx *gorm.DB) error {
		var row checkInRow
		err := forUpdate(tx).Where("meeting_id = ? AND user_id = ?", c.MeetingID, c.UserID).Take(&row).Error
		switch {
		case isNotFound(err):
			saved := *c
			if err := db.createCheckIn(tx, &saved); err != nil {
				return err
			}
			out, created = &saved, true
			return nil
		case err != nil:
			return fmt.Errorf("save check-in: %w", err)
		case update == nil:
			out, err = db.checkIn(&row)
			return err
		}
		out, err = db.applyCheckIn(tx, &row, update)
		return err
	})
	return out, created, err
}

// UpdateCheckIn applies fn to a member's check-in and saves it in one
// transaction; fn may change only the mood and the note. An error from fn
// changes nothing and is returned as is.
func (db *DB) UpdateCheckIn(ctx context.Context, meetingID int64, userID string, fn func(*hearth.CheckIn) error) (*hearth.CheckIn, error) {
	var out *hearth.CheckIn
	err := db.tx(ctx, func(tx *gorm.DB) error {
		var row checkInRow
		if err := forUpdate(tx).Where("meeting_id = ? AND user_id = ?", meetingID, userID).Take(&row).Error; err != nil {
			if isNotFound(err) {
				return errNoCheckIn()
			}
			return fmt.Errorf("update check-in: %w", err)
		}
		var err error
		out, err = db.applyCheckIn(tx, &row, fn)
		return err
	})
	return out, err
}

// applyCheckIn applies fn to a stored check-in and saves its mood and note.
func (db *DB) applyCheckIn(tx *gorm.DB, row *checkInRow, fn func(*hearth.CheckIn) error) (*hearth.CheckIn, error) {
	c, err := db.checkIn(row)
	if err != nil {
		return nil, err
	}
	note := c.Note
	if err := fn(c); err != nil {
		return nil, err
	}
	updates := map[string]any{"mood": c.Mood}
	if c.Note != note {
		if updates["note"], err = db.sealCheckInNote(c.Note, row.ID); err != nil {
			return nil, err
		}
	}
	if err := tx.Model(row).Updates(updates).Error; err != nil {
		return nil, fmt.Errorf("update check-in: %w", err)
	}
	out, err := db.checkIn(row)
	if err != nil {
		return nil, err
	}
	out.Mood, out.Note = c.Mood, c.Note
	return out, nil
}

// CheckIn returns a member's check-in to a meeting, note decrypted, or ENOTFOUND.
func (db *DB) CheckIn(ctx context.Context, meetingID int64, userID string) (*hearth.CheckIn, error) {
	var row checkInRow
	err := db.gorm.WithContext(ctx).Where("meeting_id = ? AND user_id = ?", meetingID, userID).Take(&row).Error
	if isNotFound(err) {
		return nil, errNoCheckIn()
	}
	if err != nil {
		return nil, fmt.Errorf("read check-in: %w", err)
	}
	return db.checkIn(&row)
}

// CheckIns returns the check-ins of a meeting in the order they were made,
// notes decrypted.
func (db *DB) CheckIns(ctx context.Context, meetingID int64) ([]*hearth.CheckIn, error) {
	var rows []checkInRow
	if err := db.gorm.WithContext(ctx).Where("meeting_id = ?", meetingID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read check-ins of meeting %d: %w", meetingID, err)
	}
	out := make([]*hearth.CheckIn, len(rows))
	for i := range rows {
		c, err := db.checkIn(&rows[i])
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}
