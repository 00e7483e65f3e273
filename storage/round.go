package storage

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/hearthbot/hearth"
)

type roundRow struct {
	MeetingID int64 `gorm:"primaryKey;autoIncrement:false"`
	Phase     string
	Idx       int
	Done      string // user ids, comma-separated
	Skipped   string
	Step      int
	ChannelID string
	MessageID string
}

func (roundRow) TableName() string { return "meeting_rounds" }

func splitIDs(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func newRoundRow(s *hearth.RoundState) *roundRow {
	return &roundRow{
		MeetingID: s.MeetingID, Phase: string(s.Phase), Idx: s.Index,
		Done: strings.Join(s.Done, ","), Skipped: strings.Join(s.Skipped, ","),
		Step: s.Step, ChannelID: s.ChannelID, MessageID: s.MessageID,
	}
}

func (r *roundRow) domain() *hearth.RoundState {
	return &hearth.RoundState{
		MeetingID: r.MeetingID, Phase: hearth.RoundPhase(r.Phase), Index: r.Idx,
		Done: splitIDs(r.Done), Skipped: splitIDs(r.Skipped), Step: r.Step,
		ChannelID: r.ChannelID, MessageID: r.MessageID,
	}
}

func errNoRound() error {
	return hearth.Errorf(hearth.ENOTFOUND, "This meeting has no round to run.")
}

// SaveRound stores the round of a meeting once; a second save keeps the first.
func (db *DB) SaveRound(ctx context.Context, s *hearth.RoundState) error {
	err := db.tx(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&roundRow{}).Where("meeting_id = ?", s.MeetingID).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		return tx.Create(newRoundRow(s)).Error
	})
	if err != nil && !isDuplicate(err) {
		return fmt.Errorf("save round: %w", err)
	}
	return nil
}

// Round returns the round of a meeting, or ENOTFOUND.
func (db *DB) Round(ctx context.Context, meetingID int64) (*hearth.RoundState, error) {
	var row roundRow
	if err := db.gorm.WithContext(ctx).Where("meeting_id = ?", meetingID).Take(&row).Error; err != nil {
		if isNotFound(err) {
			return nil, errNoRound()
		}
		return nil, fmt.Errorf("read round: %w", err)
	}
	return row.domain(), nil
}

// UpdateRound applies fn to the stored round and saves it in one
// transaction; fn reporting false saves nothing.
func (db *DB) UpdateRound(ctx context.Context, meetingID int64, fn func(*hearth.RoundState) (bool, error)) (*hearth.RoundState, bool, error) {
	var (
		out     *hearth.RoundState
		changed bool
	)
	err := db.tx(ctx, func(tx *gorm.DB) error {
		var row roundRow
		if err := forUpdate(tx).Where("meeting_id = ?", meetingID).Take(&row).Error; err != nil {
			if isNotFound(err) {
				return errNoRound()
			}
			return fmt.Errorf("update round: %w", err)
		}
		out = row.domain()
		var err error
		if changed, err = fn(out); err != nil || !changed {
			return err
		}
		return tx.Model(&roundRow{}).Where("meeting_id = ?", meetingID).Select("*").Updates(newRoundRow(out)).Error
	})
	return out, changed, err
}

// eraseFromRounds removes the user from the done and skipped lists of the
// rounds of the guild's meetings.
func (db *DB) eraseFromRounds(tx *gorm.DB, guildID, userID string) error {
	var rows []roundRow
	err := tx.Where(`meeting_id IN (?) AND (done LIKE ? ESCAPE '\' OR skipped LIKE ? ESCAPE '\')`,
		tx.Model(&meetingRow{}).Select("id").Where("group_id IN (?)", guildGroups(tx, guildID)),
		"%"+escapeLike(userID)+"%", "%"+escapeLike(userID)+"%").Find(&rows).Error
	if err != nil {
		return fmt.Errorf("rounds: %w", err)
	}
	for _, r := range rows {
		s := r.domain()
		drop := func(ids []string) []string {
			out := ids[:0]
			for _, id := range ids {
				if id != userID {
					out = append(out, id)
				}
			}
			return out
		}
		s.Done, s.Skipped = drop(s.Done), drop(s.Skipped)
		if err := tx.Model(&roundRow{}).Where("meeting_id = ?", r.MeetingID).
			Updates(map[string]any{"done": strings.Join(s.Done, ","), "skipped": strings.Join(s.Skipped, ",")}).Error; err != nil {
			return fmt.Errorf("round of meeting %d: %w", r.MeetingID, err)
		}
	}
	return nil
}
