package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/hearthbot/hearth"
)

var _ hearth.PrivacyStore = (*DB)(nil)

// guildGroups selects the ids of a guild's groups, as a subquery of tx.
func guildGroups(tx *gorm.DB, guildID string) *gorm.DB {
	return tx.Model(&groupRow{}).Select("id").Where("guild_id = ?", guildID)
}

// UserData returns everything stored about the user as a member of the
// guild: memberships, check-ins and alerts (notes decrypted) with the
// alerts' deliveries, the groups they refer to, and the audit entries the
// user is the actor of. It reads in one transaction, so the parts agree.
func (db *DB) UserData(ctx context.Context, guildID, userID string) (*hearth.UserData, error) {
	return db.userData(ctx, guildID, userID, true)
}

// UserSummary is UserData with no note decrypted: SealedNotes counts the
// stored notes instead, so showing and erasing a member's data need no key.
func (db *DB) UserSummary(ctx context.Context, guildID, userID string) (*hearth.UserData, error) {
	return db.userData(ctx, guildID, userID, false)
}

func (db *DB) userData(ctx context.Context, guildID, userID string, decrypt bool) (*hearth.UserData, error) {
	d := &hearth.UserData{GuildID: guildID, UserID: userID, Deliveries: map[int64][]*hearth.AlertDelivery{}}
	err := db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var ms []membershipRow
		if err := tx.Where("user_id = ? AND group_id IN (?)", userID, guildGroups(tx, guildID)).
			Order("joined_at, id").Find(&ms).Error; err != nil {
			return fmt.Errorf("memberships: %w", err)
		}
		var cs []checkInRow
		if err := tx.Where("user_id = ? AND group_id IN (?)", userID, guildGroups(tx, guildID)).
			Order("created_at, id").Find(&cs).Error; err != nil {
			return fmt.Errorf("check-ins: %w", err)
		}
		var as []alertRow
		if err := tx.Where("guild_id = ? AND user_id = ?", guildID, userID).Order("created_at, id").Find(&as).Error; err != nil {
			return fmt.Errorf("alerts: %w", err)
		}
		var ps []presenceRow
		if err := tx.Where("user_id = ? AND group_id IN (?)", userID, guildGroups(tx, guildID)).
			Order("joined_at, id").Find(&ps).Error; err != nil {
			return fmt.Errorf("presence: %w", err)
		}
		for i := range ps {
			d.Presence = append(d.Presence, ps[i].domain())
		}
		groupIDs := []int64{}
		for _, p := range d.Presence {
			groupIDs = append(groupIDs, p.GroupID)
		}
		for _, m := range ms {
			d.Memberships = append(d.Memberships, m.domain())
			groupIDs = append(groupIDs, m.GroupID)
		}
		for i := range cs {
			if !decrypt {
				if cs[i].Note != "" {
					d.SealedNotes++
				}
				cs[i].Note = ""
			}
			c, err := db.checkIn(&cs[i])
			if err != nil {
				return err
			}
			d.CheckIns = append(d.CheckIns, c)
			groupIDs = append(groupIDs, c.GroupID)
		}
		alertIDs := []int64{}
		for i := range as {
			a := db.alert(&as[i])
			if decrypt {
				var err error
				if a, err = db.alertWithNotes(&as[i]); err != nil {
					return err
				}
			} else {
				for _, n := range []string{as[i].Note, as[i].ResolutionNote} {
					if n != "" {
						d.SealedNotes++
					}
				}
			}
			d.Alerts = append(d.Alerts, a)
			alertIDs = append(alertIDs, a.ID)
			groupIDs = append(groupIDs, a.GroupID)
		}
		if len(alertIDs) > 0 {
			var ds []deliveryRow
			if err := tx.Where("alert_id IN ?", alertIDs).Order("alert_id, id").Find(&ds).Error; err != nil {
				return fmt.Errorf("deliveries: %w", err)
			}
			for i := range ds {
				d.Deliveries[ds[i].AlertID] = append(d.Deliveries[ds[i].AlertID], ds[i].domain())
			}
		}
		if len(groupIDs) > 0 {
			slices.Sort(groupIDs)
			var gs []groupRow
			if err := tx.Where("id IN ?", slices.Compact(groupIDs)).Order("name_key, id").Find(&gs).Error; err != nil {
				return fmt.Errorf("groups: %w", err)
			}
			var err error
			if d.Groups, err = groupsOf(gs); err != nil {
				return err
			}
		}
		var au []auditRow
		if err := tx.Where("guild_id = ? AND actor_id = ?", guildID, userID).Order("at, id").Find(&au).Error; err != nil {
			return fmt.Errorf("audit entries: %w", err)
		}
		for _, r := range au {
			d.Actions = append(d.Actions, hearth.AuditEntry{ID: r.ID, GuildID: r.GuildID, ActorID: r.ActorID, Action: r.Action, Target: r.Target, At: r.At.UTC()})
		}
		var langs []userLanguageRow
		if err := tx.Where("guild_id = ? AND user_id = ?", guildID, userID).Limit(1).Find(&langs).Error; err != nil {
			return fmt.Errorf("language: %w", err)
		}
		if len(langs) > 0 {
			d.Language = langs[0].Language
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read user data: %w", err)
	}
	return d, nil
}

// EraseUser deletes the user's memberships, check-ins (with their notes) and
// alerts (with notes and deliveries) in the guild; every job row that
// belongs to one of those alerts, or that belongs to the guild and names the
// user (as its user, its argument or a part of its key) unless it is work
// the user only receives (hearth.RecipientJobKinds); and the user's places
// in the rotas stored on the guild's meetings (where a meeting is still to
// come, a sharer's turn goes to the next in line). The audit entry (its
// Action and Target are what the caller sets; it holds no content) is saved
// in the same transaction. Audit entries of the user's own actions as an
// admin or psychologist stay: they are the server's record, not member data.
// The erased alerts' DMs are deleted from Discord by jobs enqueued in the
// same transaction (hearth.JobAlertDMDelete).
func (db *DB) EraseUser(ctx context.Context, guildID, userID string, audit hearth.AuditEntry) (*hearth.Erasure, error) {
	if guildID == "" || userID == "" {
		return nil, fmt.Errorf("erase user: need a guild and a user")
	}
	out := &hearth.Erasure{}
	err := db.write(ctx, func(tx *gorm.DB, ch *changes) error {
		// Memberships and rotas of any of the guild's groups.
		ch.everything()
		var gs []groupRow
		if err := tx.Where("guild_id = ? AND id IN (?)", guildID,
			tx.Model(&membershipRow{}).Select("group_id").Where("user_id = ?", userID)).
			Order("name_key, id").Find(&gs).Error; err != nil {
			return fmt.Errorf("groups: %w", err)
		}
		var err error
		if out.Groups, err = groupsOf(gs); err != nil {
			return err
		}
		var alertIDs []int64
		if err := tx.Model(&alertRow{}).Where("guild_id = ? AND user_id = ?", guildID, userID).Pluck("id", &alertIDs).Error; err != nil {
			return fmt.Errorf("alerts: %w", err)
		}
		// A job names the user in its user, its argument or a key part
		// ("reminder:12:dm:<user>"); alert ids are global. Work the user is
		// only the recipient of (a psychologist's alert DM about another
		// member, their summary) is not about them and stays.
		cond := `((guild_id = ? OR group_id IN (?)) AND kind NOT IN ? AND (user_id = ? OR arg = ? OR key LIKE ? ESCAPE '\' OR key LIKE ? ESCAPE '\'))`
		args := []any{guildID, guildGroups(tx, guildID), recipientKinds(), userID, userID, "%:" + escapeLike(userID), "%:" + escapeLike(userID) + ":%"}
		if len(alertIDs) > 0 {
			cond += " OR alert_id IN ?"
			args = append(args, alertIDs)
		}
		res := tx.Where(cond, args...).Delete(&jobRow{})
		if res.Error != nil {
			return fmt.Errorf("jobs: %w", res.Error)
		}
		out.Jobs = int(res.RowsAffected)
		if len(alertIDs) > 0 {
			// Discord's copies of the erased alerts go too, later, retried.
			if _, err := db.enqueueDMDeletes(tx, guildID, alertIDs); err != nil {
				return err
			}
			if err := tx.Where("alert_id IN ?", alertIDs).Delete(&deliveryRow{}).Error; err != nil {
				return fmt.Errorf("deliveries: %w", err)
			}
			res = tx.Where("id IN ?", alertIDs).Delete(&alertRow{})
			if res.Error != nil {
				return fmt.Errorf("alerts: %w", res.Error)
			}
			out.Alerts = int(res.RowsAffected)
		}
		res = tx.Where("user_id = ? AND group_id IN (?)", userID, guildGroups(tx, guildID)).Delete(&checkInRow{})
		if res.Error != nil {
			return fmt.Errorf("check-ins: %w", res.Error)
		}
		out.CheckIns = int(res.RowsAffected)
		res = tx.Where("user_id = ? AND group_id IN (?)", userID, guildGroups(tx, guildID)).Delete(&presenceRow{})
		if res.Error != nil {
			return fmt.Errorf("presence: %w", res.Error)
		}
		out.Presence = int(res.RowsAffected)
		res = tx.Where("user_id = ? AND group_id IN (?)", userID, guildGroups(tx, guildID)).Delete(&membershipRow{})
		if res.Error != nil {
			return fmt.Errorf("memberships: %w", res.Error)
		}
		out.Memberships = int(res.RowsAffected)
		// Coming rotas first, so a sharer's turn goes to the next in line;
		// then every other rota of the guild's meetings.
		if err := leaveComingRotas(tx, db.now(), guildGroups(tx, guildID), userID); err != nil {
			return err
		}
		if err := db.eraseFromRotas(tx, guildID, userID); err != nil {
			return err
		}
		if err := db.eraseFromRounds(tx, guildID, userID); err != nil {
			return err
		}
		if err := tx.Where("guild_id = ? AND user_id = ?", guildID, userID).Delete(&userLanguageRow{}).Error; err != nil {
			return fmt.Errorf("language: %w", err)
		}
		if audit.GuildID == "" {
			audit.GuildID = guildID
		}
		return db.saveAudit(tx, &audit)
	})
	if err != nil {
		return nil, fmt.Errorf("erase user: %w", err)
	}
	return out, nil
}

// eraseFromRotas removes the user from the check-in order, sharers and
// passes stored on the guild's meetings.
func (db *DB) eraseFromRotas(tx *gorm.DB, guildID, userID string) error {
	var ms []meetingRow
	err := tx.Select("id", "rota").Where(`group_id IN (?) AND rota LIKE ? ESCAPE '\'`,
		guildGroups(tx, guildID), `%"`+escapeLike(userID)+`"%`).Find(&ms).Error
	if err != nil {
		return fmt.Errorf("rotas: %w", err)
	}
	for _, m := range ms {
		var r hearth.Rota
		if err := json.Unmarshal([]byte(m.Rota), &r); err != nil {
			return fmt.Errorf("rota of meeting %d: %w", m.ID, err)
		}
		drop := func(ids []string) []string {
			return slices.DeleteFunc(ids, func(id string) bool { return id == userID })
		}
		r.Order, r.Sharers, r.Passed = drop(r.Order), drop(r.Sharers), drop(r.Passed)
		b, err := json.Marshal(&r)
		if err != nil {
			return fmt.Errorf("rota of meeting %d: %w", m.ID, err)
		}
		if err := tx.Model(&meetingRow{}).Where("id = ?", m.ID).Update("rota", string(b)).Error; err != nil {
			return fmt.Errorf("rota of meeting %d: %w", m.ID, err)
		}
	}
	return nil
}

// PurgeOlderThan deletes, in one transaction, the guild's check-ins created
// before t (notes with them) and its alerts resolved before t, with their
// deliveries and job rows, and enqueues the deletion of those alerts' DMs
// from Discord (hearth.JobAlertDMDelete). Open and acknowledged alerts stay, however old:
// someone may still act on them.
func (db *DB) PurgeOlderThan(ctx context.Context, guildID string, t time.Time) (*hearth.Purge, error) {
	t = utc(t)
	out := &hearth.Purge{}
	err := db.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Where("group_id IN (?) AND created_at < ?", guildGroups(tx, guildID), t).Delete(&checkInRow{})
		if res.Error != nil {
			return fmt.Errorf("check-ins: %w", res.Error)
		}
		out.CheckIns = int(res.RowsAffected)
		// Presence and session notes go with the check-ins of their time.
		res = tx.Where("group_id IN (?) AND joined_at < ?", guildGroups(tx, guildID), t).Delete(&presenceRow{})
		if res.Error != nil {
			return fmt.Errorf("presence: %w", res.Error)
		}
		out.Presence = int(res.RowsAffected)
		res = tx.Where("group_id IN (?) AND created_at < ?", guildGroups(tx, guildID), t).Delete(&sessionNoteRow{})
		if res.Error != nil {
			return fmt.Errorf("session notes: %w", res.Error)
		}
		out.Notes = int(res.RowsAffected)
		var alertIDs []int64
		if err := tx.Model(&alertRow{}).Where("guild_id = ? AND status = ? AND resolved_at < ?", guildID, hearth.AlertResolved, t).
			Pluck("id", &alertIDs).Error; err != nil {
			return fmt.Errorf("alerts: %w", err)
		}
		for ids := range slices.Chunk(alertIDs, 500) {
			// The psychologists' DMs of purged alerts are deleted too.
			if _, err := db.enqueueDMDeletes(tx, guildID, ids); err != nil {
				return err
			}
			res := tx.Where("alert_id IN ?", ids).Delete(&jobRow{})
			if res.Error != nil {
				return fmt.Errorf("jobs: %w", res.Error)
			}
			out.Jobs += int(res.RowsAffected)
			if err := tx.Where("alert_id IN ?", ids).Delete(&deliveryRow{}).Error; err != nil {
				return fmt.Errorf("deliveries: %w", err)
			}
			if res = tx.Where("id IN ?", ids).Delete(&alertRow{}); res.Error != nil {
				return fmt.Errorf("alerts: %w", res.Error)
			}
			out.Alerts += int(res.RowsAffected)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("purge guild %s: %w", guildID, err)
	}
	return out, nil
}

// GuildIDs returns every guild that has groups, alerts or settings, sorted.
func (db *DB) GuildIDs(ctx context.Context) ([]string, error) {
	var ids []string
	err := db.gorm.WithContext(ctx).Raw(`SELECT guild_id FROM "groups" UNION SELECT guild_id FROM alerts
		UNION SELECT guild_id FROM guild_settings ORDER BY guild_id`).Scan(&ids).Error
	if err != nil {
		return nil, fmt.Errorf("read guild ids: %w", err)
	}
	return ids, nil
}
