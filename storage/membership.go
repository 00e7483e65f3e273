package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/hearthbot/hearth"
)

type membershipRow struct {
	ID          int64 `gorm:"primaryKey"`
	GroupID     int64
	UserID      string
	JoinedAt    time.Time
	AgreedAt    sql.NullTime
	AwayUntil   sql.NullTime
	DMReminders bool `gorm:"column:dm_reminders"`
	Shares      int
	LastShared  sql.NullTime
	Seq         int64
}

func (membershipRow) TableName() string { return "memberships" }

func newMembershipRow(m *hearth.Membership) *membershipRow {
	return &membershipRow{
		ID: m.ID, GroupID: m.GroupID, UserID: m.UserID, JoinedAt: utc(m.JoinedAt),
		AgreedAt: nullTime(m.AgreedAt), AwayUntil: nullTime(m.AwayUntil),
		DMReminders: m.DMReminders, Shares: m.Shares, LastShared: nullTime(m.LastShared), Seq: m.Seq,
	}
}

func (r *membershipRow) domain() *hearth.Membership {
	return &hearth.Membership{
		ID: r.ID, GroupID: r.GroupID, UserID: r.UserID, JoinedAt: r.JoinedAt.UTC(),
		AgreedAt: fromNull(r.AgreedAt), AwayUntil: fromNull(r.AwayUntil),
		DMReminders: r.DMReminders, Shares: r.Shares, LastShared: fromNull(r.LastShared), Seq: r.Seq,
	}
}

func errNotMember() error {
	return hearth.Errorf(hearth.ENOTFOUND, "You are not a member of this group.")
}

func errAlreadyMember() error {
	return hearth.Errorf(hearth.ECONFLICT, "You are already a member of this group.")
}

// Join adds m.UserID to group m.GroupID at the back of the queue: it sets
// m.ID, m.Seq (one more than any member's before) and m.JoinedAt (the clock,
// if zero). An existing membership is ECONFLICT; an unknown group ENOTFOUND.
func (db *DB) Join(ctx context.Context, m *hearth.Membership) error {
	return db.write(ctx, func(tx *gorm.DB, ch *changes) error {
		ch.group(m.GroupID)
		ch.user(m.UserID)
		// Locking the group serialises joins, so Seq is unique per group.
		var g groupRow
		if err := forUpdate(tx).Select("id").Where("id = ?", m.GroupID).Take(&g).Error; err != nil {
			if isNotFound(err) {
				return errNoGroup()
			}
			return fmt.Errorf("join group %d: %w", m.GroupID, err)
		}
		var n int64
		if err := tx.Model(&membershipRow{}).Where("group_id = ? AND user_id = ?", m.GroupID, m.UserID).Count(&n).Error; err != nil {
			return fmt.Errorf("join group %d: %w", m.GroupID, err)
		}
		if n > 0 {
			return errAlreadyMember()
		}
		var seq int64
		if err := tx.Model(&membershipRow{}).Where("group_id = ?", m.GroupID).
			Select("COALESCE(MAX(seq), 0)").Scan(&seq).Error; err != nil {
			return fmt.Errorf("join group %d: %w", m.GroupID, err)
		}
		row := newMembershipRow(m)
		row.ID, row.Seq = 0, seq+1
		if row.JoinedAt.IsZero() {
			row.JoinedAt = db.now()
		}
		if err := tx.Create(row).Error; err != nil {
			if isDuplicate(err) {
				return errAlreadyMember()
			}
			return fmt.Errorf("join group %d: %w", m.GroupID, err)
		}
		m.ID, m.Seq, m.JoinedAt = row.ID, row.Seq, row.JoinedAt
		return nil
	})
}

// Leave removes the user from the group and, in the same transaction, from
// the fixed rotas of its meetings that have not started (a sharer's turn
// goes to the next in line), or returns ENOTFOUND.
func (db *DB) Leave(ctx context.Context, groupID int64, userID string) error {
	return db.write(ctx, func(tx *gorm.DB, ch *changes) error {
		ch.group(groupID)
		ch.user(userID)
		res := tx.Where("group_id = ? AND user_id = ?", groupID, userID).Delete(&membershipRow{})
		if res.Error != nil {
			return fmt.Errorf("leave group %d: %w", groupID, res.Error)
		}
		if res.RowsAffected == 0 {
			return errNotMember()
		}
		return leaveComingRotas(tx, db.now(), []int64{groupID}, userID)
	})
}

// Membership returns one membership, or ENOTFOUND.
func (db *DB) Membership(ctx context.Context, groupID int64, userID string) (*hearth.Membership, error) {
	return cached(db, "member:"+strconv.FormatInt(groupID, 10)+":"+userID, func() (*hearth.Membership, []string, error) {
		var row membershipRow
		err := db.gorm.WithContext(ctx).Where("group_id = ? AND user_id = ?", groupID, userID).Take(&row).Error
		if isNotFound(err) {
			return nil, nil, errNotMember()
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read membership: %w", err)
		}
		return row.domain(), []string{groupScope(groupID)}, nil
	}, cloneMembership)
}

// Members returns a group's members in joining order (Seq).
func (db *DB) Members(ctx context.Context, groupID int64) ([]*hearth.Membership, error) {
	return cached(db, "members:"+strconv.FormatInt(groupID, 10), func() ([]*hearth.Membership, []string, error) {
		var rows []membershipRow
		if err := db.gorm.WithContext(ctx).Where("group_id = ?", groupID).Order("seq, id").Find(&rows).Error; err != nil {
			return nil, nil, fmt.Errorf("read members of group %d: %w", groupID, err)
		}
		out := make([]*hearth.Membership, len(rows))
		for i := range rows {
			out[i] = rows[i].domain()
		}
		return out, []string{groupScope(groupID)}, nil
	}, cloneMemberships)
}

// UserGroups returns the groups of a guild the user belongs to, by name.
func (db *DB) UserGroups(ctx context.Context, guildID, userID string) ([]*hearth.Group, error) {
	return cached(db, "mine:"+guildID+":"+userID, func() ([]*hearth.Group, []string, error) {
		var rows []groupRow
		err := db.gorm.WithContext(ctx).
			Where("guild_id = ? AND id IN (?)", guildID,
				db.gorm.Model(&membershipRow{}).Select("group_id").Where("user_id = ?", userID)).
			Order("name_key, id").Find(&rows).Error
		if err != nil {
			return nil, nil, fmt.Errorf("read user groups: %w", err)
		}
		gs, err := groupsOf(rows)
		deps := []string{userScope(userID)}
		for _, g := range gs {
			deps = append(deps, groupScope(g.ID))
		}
		return gs, deps, err
	}, cloneGroups)
}

// UpdateMembership applies fn to a membership and saves it in one
// transaction; fn may not change its id, group or user. An error from fn
// changes nothing and is returned as is.
func (db *DB) UpdateMembership(ctx context.Context, groupID int64, userID string, fn func(*hearth.Membership) error) (*hearth.Membership, error) {
	var out *hearth.Membership
	err := db.write(ctx, func(tx *gorm.DB, ch *changes) error {
		ch.group(groupID)
		var row membershipRow
		if err := forUpdate(tx).Where("group_id = ? AND user_id = ?", groupID, userID).Take(&row).Error; err != nil {
			if isNotFound(err) {
				return errNotMember()
			}
			return fmt.Errorf("update membership: %w", err)
		}
		m := row.domain()
		if err := fn(m); err != nil {
			return err
		}
		m.ID, m.GroupID, m.UserID = row.ID, row.GroupID, row.UserID
		if err := tx.Save(newMembershipRow(m)).Error; err != nil {
			return fmt.Errorf("update membership: %w", err)
		}
		out = m
		return nil
	})
	return out, err
}

// SetDMReminders sets the DM-reminders flag on all the user's memberships in
// a guild and returns how many there are.
func (db *DB) SetDMReminders(ctx context.Context, guildID, userID string, on bool) (int, error) {
	n := 0
	err := db.write(ctx, func(tx *gorm.DB, ch *changes) error {
		var groups []int64
		if err := tx.Model(&membershipRow{}).Where("user_id = ? AND group_id IN (?)", userID,
			tx.Model(&groupRow{}).Select("id").Where("guild_id = ?", guildID)).Pluck("group_id", &groups).Error; err != nil {
			return fmt.Errorf("set dm reminders: %w", err)
		}
		ch.group(groups...)
		ch.user(userID)
		res := tx.Model(&membershipRow{}).Where("user_id = ? AND group_id IN ?", userID, groups).Update("dm_reminders", on)
		if res.Error != nil {
			return fmt.Errorf("set dm reminders: %w", res.Error)
		}
		n = int(res.RowsAffected)
		return nil
	})
	return n, err
}
