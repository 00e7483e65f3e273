package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/hearthbot/hearth"
)

type groupRow struct {
	ID              int64 `gorm:"primaryKey"`
	GuildID         string
	Name            string
	NameKey         string // nameKey(Name): unique per guild, for case-insensitive lookups
	ChannelID       string
	RoleID          string
	VoiceChannelID  string
	FacilitatorID   string
	ObserverID      string
	Timezone        string
	Schedule        string
	ScheduleSetAt   sql.NullTime
	LengthMinutes   int
	ReminderOffsets string // minutes, e.g. "1440,60"
	Sharers         int
	Language        string
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

func (groupRow) TableName() string { return "groups" }

// nameKey is the form of a group name that must be unique in a guild.
func nameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

func newGroupRow(g *hearth.Group) *groupRow {
	return &groupRow{
		ID: g.ID, GuildID: g.GuildID, Name: g.Name, NameKey: nameKey(g.Name),
		ChannelID: g.ChannelID, RoleID: g.RoleID, VoiceChannelID: g.VoiceChannelID, FacilitatorID: g.FacilitatorID,
		ObserverID: g.ObserverID, Timezone: g.Timezone, Schedule: g.Schedule,
		ScheduleSetAt: nullTime(g.ScheduleSetAt), LengthMinutes: g.LengthMinutes,
		ReminderOffsets: formatMinutes(g.ReminderOffsets), Sharers: g.Sharers, Language: g.Language,
		CreatedAt: utc(g.CreatedAt), UpdatedAt: utc(g.UpdatedAt),
	}
}

func (r *groupRow) domain() (*hearth.Group, error) {
	offsets, err := parseMinutes(r.ReminderOffsets)
	if err != nil {
		return nil, fmt.Errorf("group %d: %w", r.ID, err)
	}
	return &hearth.Group{
		ID: r.ID, GuildID: r.GuildID, Name: r.Name, ChannelID: r.ChannelID,
		RoleID: r.RoleID, VoiceChannelID: r.VoiceChannelID, FacilitatorID: r.FacilitatorID, ObserverID: r.ObserverID,
		Timezone: r.Timezone, Schedule: r.Schedule, ScheduleSetAt: fromNull(r.ScheduleSetAt),
		LengthMinutes: r.LengthMinutes, ReminderOffsets: offsets, Sharers: r.Sharers, Language: r.Language,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}, nil
}

func groupsOf(rows []groupRow) ([]*hearth.Group, error) {
	out := make([]*hearth.Group, len(rows))
	for i := range rows {
		g, err := rows[i].domain()
		if err != nil {
			return nil, err
		}
		out[i] = g
	}
	return out, nil
}

// formatMinutes stores offsets as whole minutes: "1440,60".
func formatMinutes(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = strconv.FormatInt(int64(d/time.Minute), 10)
	}
	return strings.Join(parts, ",")
}

func parseMinutes(s string) ([]time.Duration, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	out := make([]time.Duration, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad reminder offsets %q", s)
		}
		out[i] = time.Duration(n) * time.Minute
	}
	return out, nil
}

func errGroupExists(name string) error {
	return hearth.Errorf(hearth.ECONFLICT, "A group named %q already exists in this server.", strings.TrimSpace(name))
}

func errNoGroup() error { return hearth.Errorf(hearth.ENOTFOUND, "That group does not exist.") }

// CreateGroup stores a new group and its audit entry, and sets g.ID,
// CreatedAt and UpdatedAt. A group of the same name in the guild (ignoring
// case) is ECONFLICT. An audit entry without Target gets "group:<id>".
func (db *DB) CreateGroup(ctx context.Context, g *hearth.Group, audit hearth.AuditEntry) error {
	// A new group changes no cached answer: it has no members, and a name
	// that was not found is not kept.
	return db.tx(ctx, func(tx *gorm.DB) error {
		row := newGroupRow(g)
		row.ID = 0
		row.CreatedAt, row.UpdatedAt = db.now(), db.now()
		if err := tx.Create(row).Error; err != nil {
			if isDuplicate(err) {
				return errGroupExists(g.Name)
			}
			return fmt.Errorf("create group: %w", err)
		}
		if audit.Target == "" {
			audit.Target = "group:" + strconv.FormatInt(row.ID, 10)
		}
		if audit.GuildID == "" {
			audit.GuildID = g.GuildID
		}
		if err := db.saveAudit(tx, &audit); err != nil {
			return err
		}
		g.ID, g.CreatedAt, g.UpdatedAt = row.ID, row.CreatedAt, row.UpdatedAt
		return nil
	})
}

// UpdateGroup applies fn to the stored group and saves it with the audit
// entry in one transaction. fn may not change the id, guild or creation
// time. An error from fn changes nothing and is returned as is; a name taken
// by another group of the guild is ECONFLICT.
func (db *DB) UpdateGroup(ctx context.Context, id int64, fn func(*hearth.Group) error, audit hearth.AuditEntry) (*hearth.Group, error) {
	var out *hearth.Group
	err := db.write(ctx, func(tx *gorm.DB, ch *changes) error {
		ch.group(id)
		var row groupRow
		if err := forUpdate(tx).Where("id = ?", id).Take(&row).Error; err != nil {
			if isNotFound(err) {
				return errNoGroup()
			}
			return fmt.Errorf("update group %d: %w", id, err)
		}
		g, err := row.domain()
		if err != nil {
			return err
		}
		if err := fn(g); err != nil {
			return err
		}
		g.ID, g.GuildID, g.CreatedAt = row.ID, row.GuildID, row.CreatedAt.UTC()
		g.UpdatedAt = db.now()
		if err := tx.Save(newGroupRow(g)).Error; err != nil {
			if isDuplicate(err) {
				return errGroupExists(g.Name)
			}
			return fmt.Errorf("update group %d: %w", id, err)
		}
		if audit.GuildID == "" {
			audit.GuildID = g.GuildID
		}
		out = g
		return db.saveAudit(tx, &audit)
	})
	return out, err
}

// DeleteGroup deletes a group with its memberships, meetings, check-ins and
// alerts (by cascade), cancels its pending jobs, and saves the audit entry,
// in one transaction.
func (db *DB) DeleteGroup(ctx context.Context, id int64, audit hearth.AuditEntry) error {
	return db.write(ctx, func(tx *gorm.DB, ch *changes) error {
		ch.group(id)
		var row groupRow
		if err := forUpdate(tx).Select("id", "guild_id").Where("id = ?", id).Take(&row).Error; err != nil {
			if isNotFound(err) {
				return errNoGroup()
			}
			return fmt.Errorf("delete group %d: %w", id, err)
		}
		// Its alerts go with it (ON DELETE CASCADE); their DMs are deleted
		// from Discord by jobs that outlive the rows.
		var alertIDs []int64
		if err := tx.Model(&alertRow{}).Where("group_id = ?", id).Pluck("id", &alertIDs).Error; err != nil {
			return fmt.Errorf("delete group %d: %w", id, err)
		}
		if _, err := db.enqueueDMDeletes(tx, row.GuildID, alertIDs); err != nil {
			return fmt.Errorf("delete group %d: %w", id, err)
		}
		if err := tx.Delete(&groupRow{}, id).Error; err != nil {
			return fmt.Errorf("delete group %d: %w", id, err)
		}
		err := tx.Model(&jobRow{}).Where("group_id = ? AND status = ?", id, hearth.JobPending).
			Updates(map[string]any{"status": hearth.JobCancelled, "updated_at": db.now()}).Error
		if err != nil {
			return fmt.Errorf("delete group %d: cancel jobs: %w", id, err)
		}
		if audit.Target == "" {
			audit.Target = "group:" + strconv.FormatInt(id, 10)
		}
		if audit.GuildID == "" {
			audit.GuildID = row.GuildID
		}
		return db.saveAudit(tx, &audit)
	})
}

// Group returns a group by id, or ENOTFOUND.
func (db *DB) Group(ctx context.Context, id int64) (*hearth.Group, error) {
	return cached(db, "group:"+strconv.FormatInt(id, 10), func() (*hearth.Group, []string, error) {
		var row groupRow
		if err := db.gorm.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
			if isNotFound(err) {
				return nil, nil, errNoGroup()
			}
			return nil, nil, fmt.Errorf("read group %d: %w", id, err)
		}
		g, err := row.domain()
		return g, []string{groupScope(id)}, err
	}, cloneGroup)
}

// GroupByName returns a group of a guild by name, ignoring case and
// surrounding spaces, or ENOTFOUND.
func (db *DB) GroupByName(ctx context.Context, guildID, name string) (*hearth.Group, error) {
	key := nameKey(name)
	return cached(db, "name:"+guildID+":"+key, func() (*hearth.Group, []string, error) {
		var row groupRow
		err := db.gorm.WithContext(ctx).Where("guild_id = ? AND name_key = ?", guildID, key).Take(&row).Error
		if isNotFound(err) {
			return nil, nil, hearth.Errorf(hearth.ENOTFOUND, "There is no group named %q in this server.", strings.TrimSpace(name))
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read group by name: %w", err)
		}
		g, err := row.domain()
		// A rename or deletion marks the group; a name not found is not kept.
		return g, []string{groupScope(row.ID)}, err
	}, cloneGroup)
}

// Groups returns the groups of a guild ordered by name (ignoring case).
func (db *DB) Groups(ctx context.Context, guildID string) ([]*hearth.Group, error) {
	var rows []groupRow
	if err := db.gorm.WithContext(ctx).Where("guild_id = ?", guildID).Order("name_key, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read groups: %w", err)
	}
	return groupsOf(rows)
}
