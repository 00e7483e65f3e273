package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/hearthbot/hearth"
)

type meetingRow struct {
	ID       int64 `gorm:"primaryKey"`
	GroupID  int64
	StartsAt time.Time
	EndsAt   time.Time
	Status   string
	OneOff   bool
	EventID  string
	EventOff bool
	EventSig string
	Rota     string // JSON of hearth.Rota; empty before it is fixed
}

func (meetingRow) TableName() string { return "meetings" }

func newMeetingRow(m *hearth.Meeting) (*meetingRow, error) {
	row := &meetingRow{
		ID: m.ID, GroupID: m.GroupID, StartsAt: utc(m.StartsAt), EndsAt: utc(m.EndsAt),
		Status: string(m.Status), OneOff: m.OneOff, EventID: m.EventID,
		EventOff: m.EventOff, EventSig: m.EventSig,
	}
	if row.Status == "" {
		row.Status = string(hearth.MeetingScheduled)
	}
	if m.Rota != nil {
		b, err := json.Marshal(m.Rota)
		if err != nil {
			return nil, fmt.Errorf("encode rota: %w", err)
		}
		row.Rota = string(b)
	}
	return row, nil
}

func (r *meetingRow) domain() (*hearth.Meeting, error) {
	m := &hearth.Meeting{
		ID: r.ID, GroupID: r.GroupID, StartsAt: r.StartsAt.UTC(), EndsAt: r.EndsAt.UTC(),
		Status: hearth.MeetingStatus(r.Status), OneOff: r.OneOff, EventID: r.EventID,
		EventOff: r.EventOff, EventSig: r.EventSig,
	}
	if r.Rota != "" {
		m.Rota = new(hearth.Rota)
		if err := json.Unmarshal([]byte(r.Rota), m.Rota); err != nil {
			return nil, fmt.Errorf("meeting %d: decode rota: %w", r.ID, err)
		}
	}
	return m, nil
}

func meetingsOf(rows []meetingRow) ([]*hearth.Meeting, error) {
	out := make([]*hearth.Meeting, len(rows))
	for i := range rows {
		m, err := rows[i].domain()
		if err != nil {
			return nil, err
		}
		out[i] = m
	}
	return out, nil
}

func errNoMeeting() error { return hearth.Errorf(hearth.ENOTFOUND, "That meeting does not exist.") }

// CreateMeeting stores a meeting (scheduled, if Status is empty) and sets
// m.ID. Another meeting of the group at the same start is ECONFLICT; an
// unknown group ENOTFOUND.
func (db *DB) CreateMeeting(ctx context.Context, m *hearth.Meeting) error {
	row, err := newMeetingRow(m)
	if err != nil {
		return err
	}
	row.ID = 0
	err = db.write(ctx, func(tx *gorm.DB, ch *changes) error {
		ch.group(m.GroupID)
		return tx.Create(row).Error
	})
	if err != nil {
		switch {
		case isDuplicate(err):
			return hearth.Errorf(hearth.ECONFLICT, "This group already has a meeting at that time.")
		case isForeignKey(err):
			return errNoGroup()
		}
		return fmt.Errorf("create meeting: %w", err)
	}
	m.ID, m.Status = row.ID, hearth.MeetingStatus(row.Status)
	return nil
}

// EnsureMeetings stores the meetings a plan needs, skipping those whose
// group already has a meeting at that start (whatever its status, so a
// skipped meeting stays cancelled), and returns how many it created. Every
// meeting's ID is set to the stored one, new or old.
func (db *DB) EnsureMeetings(ctx context.Context, ms ...*hearth.Meeting) (int, error) {
	created := 0
	err := db.write(ctx, func(tx *gorm.DB, ch *changes) error {
		created = 0
		for _, m := range ms {
			ch.group(m.GroupID)
			row, err := newMeetingRow(m)
			if err != nil {
				return err
			}
			row.ID = 0
			res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(row)
			if res.Error != nil {
				if isForeignKey(res.Error) {
					return errNoGroup()
				}
				return fmt.Errorf("ensure meeting: %w", res.Error)
			}
			if res.RowsAffected == 0 {
				var old meetingRow
				if err := tx.Select("id").Where("group_id = ? AND starts_at = ?", row.GroupID, row.StartsAt).Take(&old).Error; err != nil {
					return fmt.Errorf("ensure meeting: %w", err)
				}
				m.ID = old.ID
				continue
			}
			created++
			m.ID, m.Status = row.ID, hearth.MeetingStatus(row.Status)
		}
		return nil
	})
	return created, err
}

// UpdateMeeting applies fn to a meeting and saves it, with the jobs fn
// returns (enqueued as by EnqueueJobs) and its audit entry, if any, in one
// transaction. fn may not change the id or group. An error from fn changes
// nothing and is returned as is.
func (db *DB) UpdateMeeting(ctx context.Context, id int64, fn func(*hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error)) (*hearth.Meeting, error) {
	var out *hearth.Meeting
	err := db.write(ctx, func(tx *gorm.DB, ch *changes) error {
		var row meetingRow
		if err := forUpdate(tx).Where("id = ?", id).Take(&row).Error; err != nil {
			if isNotFound(err) {
				return errNoMeeting()
			}
			return fmt.Errorf("update meeting %d: %w", id, err)
		}
		ch.group(row.GroupID)
		m, err := row.domain()
		if err != nil {
			return err
		}
		jobs, audit, err := fn(m)
		if err != nil {
			return err
		}
		m.ID, m.GroupID = row.ID, row.GroupID
		newRow, err := newMeetingRow(m)
		if err != nil {
			return err
		}
		if err := tx.Save(newRow).Error; err != nil {
			if isDuplicate(err) {
				return hearth.Errorf(hearth.ECONFLICT, "This group already has a meeting at that time.")
			}
			return fmt.Errorf("update meeting %d: %w", id, err)
		}
		if err := db.enqueue(tx, jobs); err != nil {
			return err
		}
		out = m
		return db.saveAudit(tx, audit)
	})
	return out, err
}

// Meeting returns a meeting by id, or ENOTFOUND.
func (db *DB) Meeting(ctx context.Context, id int64) (*hearth.Meeting, error) {
	var row meetingRow
	if err := db.gorm.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		if isNotFound(err) {
			return nil, errNoMeeting()
		}
		return nil, fmt.Errorf("read meeting %d: %w", id, err)
	}
	return row.domain()
}

// UpcomingMeetings returns the group's meetings that end after t and are not
// cancelled, earliest first, at most limit (all if limit <= 0).
func (db *DB) UpcomingMeetings(ctx context.Context, groupID int64, t time.Time, limit int) ([]*hearth.Meeting, error) {
	if limit <= 0 || limit > cachedMeetings {
		return db.upcomingMeetings(ctx, groupID, t, limit)
	}
	// The cache keeps the next cachedMeetings from some earlier t: time
	// passing only drops meetings from their front.
	key := "coming:" + strconv.FormatInt(groupID, 10)
	if v, ok := db.cache.get(key); ok {
		if ms, ok := v.(*comingMeetings).after(t, limit); ok {
			out := make([]*hearth.Meeting, len(ms))
			for i, m := range ms {
				out[i] = cloneMeeting(m)
			}
			return out, nil
		}
	}
	readAt, live := db.cache.begin()
	ms, err := db.upcomingMeetings(ctx, groupID, t, cachedMeetings)
	if err != nil {
		return nil, err
	}
	coming := &comingMeetings{from: utc(t), ms: ms, complete: len(ms) < cachedMeetings}
	if live {
		db.cache.put(key, readAt, []string{groupScope(groupID)}, cloneComing(coming))
	}
	out, _ := coming.after(t, limit)
	return out, nil
}

func (db *DB) upcomingMeetings(ctx context.Context, groupID int64, t time.Time, limit int) ([]*hearth.Meeting, error) {
	q := db.gorm.WithContext(ctx).
		Where("group_id = ? AND ends_at > ? AND status <> ?", groupID, utc(t), hearth.MeetingCancelled).
		Order("starts_at, id")
	if limit > 0 {
		q = q.Limit(limit)
	}
	var rows []meetingRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read upcoming meetings: %w", err)
	}
	return meetingsOf(rows)
}

// MeetingsBetween returns the group's meetings starting in [from, to), of
// every status, earliest first: the history a report is drawn from.
func (db *DB) MeetingsBetween(ctx context.Context, groupID int64, from, to time.Time) ([]*hearth.Meeting, error) {
	var rows []meetingRow
	err := db.gorm.WithContext(ctx).
		Where("group_id = ? AND starts_at >= ? AND starts_at < ?", groupID, utc(from), utc(to)).
		Order("starts_at, id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read meetings: %w", err)
	}
	return meetingsOf(rows)
}

// EventMeetings returns what a sync of a guild's scheduled events needs:
// every meeting of the guild's groups with a published event that has not
// ended at now (cancelled ones included, whose event is to be deleted), and
// the first limit scheduled meetings starting after now that have no event
// and may get one, earliest first.
func (db *DB) EventMeetings(ctx context.Context, guildID string, now time.Time, limit int) (published, unpublished []*hearth.Meeting, err error) {
	g := db.gorm.WithContext(ctx)
	groups := g.Model(&groupRow{}).Select("id").Where("guild_id = ?", guildID)
	var pub, unpub []meetingRow
	err = g.Where("group_id IN (?) AND event_id <> '' AND ends_at > ?", groups, utc(now)).
		Order("starts_at, id").Find(&pub).Error
	if err == nil && limit > 0 {
		err = g.Where("group_id IN (?) AND status = ? AND starts_at > ? AND event_id = '' AND NOT event_off", groups, hearth.MeetingScheduled, utc(now)).
			Order("starts_at, id").Limit(limit).Find(&unpub).Error
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read event meetings: %w", err)
	}
	if published, err = meetingsOf(pub); err != nil {
		return nil, nil, err
	}
	if unpublished, err = meetingsOf(unpub); err != nil {
		return nil, nil, err
	}
	return published, unpublished, nil
}
