package storage

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/hearthbot/hearth"
)

// DoneMeetings counts the group's meetings that are done and started before
// t: the round hearth.ComputeRota takes for a meeting starting at t.
func (db *DB) DoneMeetings(ctx context.Context, groupID int64, before time.Time) (int, error) {
	key := "done:" + strconv.FormatInt(groupID, 10) + ":" + strconv.FormatInt(utc(before).UnixMicro(), 10)
	return cached(db, key, func() (int, []string, error) {
		var n int64
		err := db.gorm.WithContext(ctx).Model(&meetingRow{}).
			Where("group_id = ? AND status = ? AND starts_at < ?", groupID, hearth.MeetingDone, utc(before)).
			Count(&n).Error
		if err != nil {
			return 0, nil, fmt.Errorf("count done meetings: %w", err)
		}
		return int(n), []string{groupScope(groupID)}, nil
	}, identity)
}

// SetAway makes a member away for the meetings starting before until (an
// away that already lasts longer is kept) and, in the same transaction,
// takes them out of the fixed rotas of the group's meetings starting in
// [from, until), giving a sharer's turn to the next in line. It returns the
// membership and the meetings whose rota changed. A user who is not a
// member is ENOTFOUND.
func (db *DB) SetAway(ctx context.Context, groupID int64, userID string, from, until time.Time) (*hearth.Membership, []*hearth.Meeting, error) {
	var (
		member  *hearth.Membership
		changed []*hearth.Meeting
	)
	err := db.write(ctx, func(tx *gorm.DB, ch *changes) error {
		ch.group(groupID)
		changed = nil
		var rows []membershipRow
		if err := forUpdate(tx).Where("group_id = ?", groupID).Order("seq, id").Find(&rows).Error; err != nil {
			return fmt.Errorf("set away: %w", err)
		}
		members := make([]*hearth.Membership, len(rows))
		for i := range rows {
			members[i] = rows[i].domain()
			if members[i].UserID == userID {
				member = members[i]
			}
		}
		if member == nil {
			return errNotMember()
		}
		if until.After(member.AwayUntil) {
			member.AwayUntil = utc(until)
			if err := tx.Model(&membershipRow{}).Where("id = ?", member.ID).Update("away_until", member.AwayUntil).Error; err != nil {
				return fmt.Errorf("set away: %w", err)
			}
		}
		var mrows []meetingRow
		err := forUpdate(tx).Where("group_id = ? AND starts_at >= ? AND starts_at < ? AND rota <> ''", groupID, utc(from), utc(until)).
			Order("starts_at, id").Find(&mrows).Error
		if err != nil {
			return fmt.Errorf("set away: %w", err)
		}
		for i := range mrows {
			m, err := mrows[i].domain()
			if err != nil {
				return err
			}
			if m.Rota.Position(userID) == 0 && !m.Rota.IsSharer(userID) {
				continue
			}
			m.Rota.Remove(userID, members, m.StartsAt)
			row, err := newMeetingRow(m)
			if err != nil {
				return err
			}
			if err := tx.Model(&meetingRow{}).Where("id = ?", m.ID).Update("rota", row.Rota).Error; err != nil {
				return fmt.Errorf("set away: %w", err)
			}
			changed = append(changed, m)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return member, changed, nil
}

// leaveComingRotas takes userID, who has left or been erased, out of the
// fixed rotas of meetings that have not started (scheduled, starting after
// now) of the given groups, giving a sharer's turn to the next in line (Rota.Remove).
// It runs in the caller's transaction, after the membership is gone, so
// the next in line is chosen among the members who stay.
func leaveComingRotas(tx *gorm.DB, now time.Time, groupIDs any, userID string) error {
	var mrows []meetingRow
	err := forUpdate(tx).Where(`group_id IN (?) AND status = ? AND starts_at > ? AND rota LIKE ? ESCAPE '\'`,
		groupIDs, hearth.MeetingScheduled, now, `%"`+escapeLike(userID)+`"%`).Order("starts_at, id").Find(&mrows).Error
	if err != nil {
		return fmt.Errorf("coming rotas: %w", err)
	}
	members := map[int64][]*hearth.Membership{}
	for i := range mrows {
		m, err := mrows[i].domain()
		if err != nil {
			return err
		}
		if _, ok := members[m.GroupID]; !ok {
			var rows []membershipRow
			if err := tx.Where("group_id = ?", m.GroupID).Order("seq, id").Find(&rows).Error; err != nil {
				return fmt.Errorf("coming rotas: %w", err)
			}
			for j := range rows {
				members[m.GroupID] = append(members[m.GroupID], rows[j].domain())
			}
		}
		m.Rota.Remove(userID, members[m.GroupID], m.StartsAt)
		row, err := newMeetingRow(m)
		if err != nil {
			return err
		}
		if err := tx.Model(&meetingRow{}).Where("id = ?", m.ID).Update("rota", row.Rota).Error; err != nil {
			return fmt.Errorf("coming rotas: %w", err)
		}
	}
	return nil
}
