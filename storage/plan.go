package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/hearthbot/hearth"
)

var _ hearth.PlanStore = (*DB)(nil)

// planBatch is the rows per INSERT when planning: well under the bound
// parameters SQLite and PostgreSQL accept in one statement.
const planBatch = 200

type planRow struct {
	GroupID      int64 `gorm:"primaryKey;autoIncrement:false"`
	PlanKey      string
	PlannedUntil time.Time
}

func (planRow) TableName() string { return "meeting_plans" }

type meetingAt struct {
	group int64
	start int64 // unix microseconds, the stored precision
}

// PlanMeetings stores the meetings of ms that do not exist yet, with the
// jobs jobs returns for each, in one transaction, and returns the created
// ones. Meetings that exist (whatever their status: a skipped meeting stays
// cancelled) only get their ID set. Inserts are batched, so planning many
// groups at once costs a few statements; a meeting created meanwhile by
// another process makes the whole call fail with ECONFLICT and change
// nothing, and planning again then skips it.
func (db *DB) PlanMeetings(ctx context.Context, ms []*hearth.Meeting, jobs func(*hearth.Meeting) []*hearth.Job) ([]*hearth.Meeting, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	inserts, err := db.jobInserts(ctx)
	if err != nil {
		return nil, fmt.Errorf("plan meeting jobs: %w", err)
	}
	var created []*hearth.Meeting
	err = db.write(ctx, func(tx *gorm.DB, ch *changes) error {
		created = nil
		groups := map[int64]bool{}
		var ids []int64
		from, to := utc(ms[0].StartsAt), utc(ms[0].StartsAt)
		for _, m := range ms {
			if !groups[m.GroupID] {
				groups[m.GroupID] = true
				ids = append(ids, m.GroupID)
				ch.group(m.GroupID)
			}
			s := utc(m.StartsAt)
			if s.Before(from) {
				from = s
			}
			if s.After(to) {
				to = s
			}
		}
		var old []meetingRow
		if err := tx.Select("id, group_id, starts_at").
			Where("group_id IN ? AND starts_at >= ? AND starts_at <= ?", ids, from, to).
			Find(&old).Error; err != nil {
			return fmt.Errorf("plan meetings: %w", err)
		}
		have := make(map[meetingAt]int64, len(old))
		for _, r := range old {
			have[meetingAt{r.GroupID, r.StartsAt.UnixMicro()}] = r.ID
		}
		var rows []*meetingRow
		var fresh []*hearth.Meeting
		for _, m := range ms {
			at := meetingAt{m.GroupID, utc(m.StartsAt).UnixMicro()}
			if id, ok := have[at]; ok {
				m.ID = id
				continue
			}
			row, err := newMeetingRow(m)
			if err != nil {
				return err
			}
			row.ID = 0
			have[at] = 0 // the same start twice in ms is stored once
			rows = append(rows, row)
			fresh = append(fresh, m)
		}
		if len(rows) == 0 {
			return nil
		}
		if err := tx.CreateInBatches(rows, planBatch).Error; err != nil {
			switch {
			case isDuplicate(err):
				return hearth.Errorf(hearth.ECONFLICT, "A meeting was planned meanwhile; plan again.")
			case isForeignKey(err):
				return errNoGroup()
			}
			return fmt.Errorf("plan meetings: %w", err)
		}
		var planned []*hearth.Job
		for i, m := range fresh {
			m.ID, m.Status = rows[i].ID, hearth.MeetingStatus(rows[i].Status)
			if jobs == nil {
				continue
			}
			for _, j := range jobs(m) {
				j.MeetingID = m.ID
				planned = append(planned, j)
			}
		}
		if err := db.insertJobs(tx, inserts, planned); err != nil {
			return fmt.Errorf("plan meeting jobs: %w", err)
		}
		created = fresh
		return nil
	})
	if err != nil {
		return nil, err
	}
	return created, nil
}

// ScheduledGroups returns every group that has a recurring schedule, by id.
func (db *DB) ScheduledGroups(ctx context.Context) ([]*hearth.Group, error) {
	var rows []groupRow
	if err := db.gorm.WithContext(ctx).Where("schedule <> ''").Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read scheduled groups: %w", err)
	}
	return groupsOf(rows)
}

// MeetingPlans returns the plans of all groups by group id.
func (db *DB) MeetingPlans(ctx context.Context) (map[int64]*hearth.MeetingPlan, error) {
	var rows []planRow
	if err := db.gorm.WithContext(ctx).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("read meeting plans: %w", err)
	}
	out := make(map[int64]*hearth.MeetingPlan, len(rows))
	for _, r := range rows {
		out[r.GroupID] = &hearth.MeetingPlan{GroupID: r.GroupID, Key: r.PlanKey, Until: r.PlannedUntil.UTC()}
	}
	return out, nil
}

// SaveMeetingPlans stores plans, replacing those of the same groups. A
// group deleted meanwhile is ENOTFOUND.
func (db *DB) SaveMeetingPlans(ctx context.Context, ps ...*hearth.MeetingPlan) error {
	if len(ps) == 0 {
		return nil
	}
	rows := make([]planRow, len(ps))
	for i, p := range ps {
		rows[i] = planRow{GroupID: p.GroupID, PlanKey: p.Key, PlannedUntil: utc(p.Until)}
	}
	err := db.gorm.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "group_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"plan_key", "planned_until"}),
	}).CreateInBatches(rows, planBatch).Error
	if err != nil {
		if isForeignKey(err) {
			return errNoGroup()
		}
		return fmt.Errorf("save meeting plans: %w", err)
	}
	return nil
}

// ComingMeetings returns the scheduled meetings of every group that start
// in (from, to] and still have their pending start job, by start. Meetings
// have no index by start alone, jobs do (status, due_at), and a coming
// meeting's start job is due at its start until it runs: the jobs find the
// meetings, so a pass every minute reads only the few in the window.
func (db *DB) ComingMeetings(ctx context.Context, from, to time.Time) ([]*hearth.Meeting, error) {
	g := db.gorm.WithContext(ctx)
	starts := g.Model(&jobRow{}).Select("meeting_id").
		Where("status = ? AND due_at > ? AND due_at <= ? AND kind = ?", hearth.JobPending, utc(from), utc(to), string(hearth.JobMeetingStart))
	var rows []meetingRow
	err := g.Where("id IN (?) AND status = ? AND starts_at > ? AND starts_at <= ?", starts, hearth.MeetingScheduled, utc(from), utc(to)).
		Order("starts_at, id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read coming meetings: %w", err)
	}
	return meetingsOf(rows)
}

// PendingMeetingJobs returns the pending meeting jobs of a group, by due time.
func (db *DB) PendingMeetingJobs(ctx context.Context, groupID int64) ([]*hearth.Job, error) {
	var rows []jobRow
	err := db.gorm.WithContext(ctx).
		Where("group_id = ? AND status = ? AND key LIKE 'meeting:%'", groupID, hearth.JobPending).
		Order("due_at, id").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read pending meeting jobs: %w", err)
	}
	return jobsOf(rows), nil
}

// jobInsertColumns are the columns insertJobs writes; the others keep
// their defaults (no attempts, no lease, no error, no result).
const jobInsertColumns = "kind, key, priority, due_at, status, guild_id, group_id, meeting_id, alert_id, user_id, arg, created_at, updated_at"

// jobInsertRows is the most rows one statement of insertJobs inserts.
const jobInsertRows = 128

// jobInsert is one statement of insertJobs: its text and, on SQLite, the
// text prepared (see DB.prepared).
type jobInsert struct {
	sql  string
	stmt *sql.Stmt
}

// jobInserts returns the statements of insertJobs by row count.
func (db *DB) jobInserts(ctx context.Context) (map[int]jobInsert, error) {
	out := map[int]jobInsert{}
	for n := jobInsertRows; n > 0; n /= 2 {
		q := insertJobsSQL(db.driver, n)
		st, err := db.prepared(ctx, q)
		if err != nil {
			return nil, err
		}
		out[n] = jobInsert{q, st}
	}
	return out, nil
}

// insertJobs inserts jobs in tx as pending, skipping keys that exist.
// Unlike gorm's Create it asks for no ids back, which the planner does not
// need and which costs a RETURNING scan per row.
//
// The rows go in statements of 128, 64, 32 … 1 rows, so the SQL has eight
// texts whatever the number of jobs, and on SQLite each is compiled once
// per connection (ins, from jobInserts): compiling a statement of hundreds
// of parameters cost about as much as running it.
func (db *DB) insertJobs(tx *gorm.DB, ins map[int]jobInsert, jobs []*hearth.Job) error {
	now := db.now()
	for len(jobs) > 0 {
		n := jobInsertRows
		for n > len(jobs) {
			n /= 2
		}
		args := make([]any, 0, n*12)
		for _, j := range jobs[:n] {
			args = append(args, string(j.Kind), j.Key, j.Priority, utc(j.DueAt), j.GuildID, j.GroupID,
				j.MeetingID, j.AlertID, j.UserID, j.Arg, now, now)
		}
		if err := execPrepared(tx, ins[n].stmt, ins[n].sql, args...); err != nil {
			return err
		}
		jobs = jobs[n:]
	}
	return nil
}

// insertJobsSQL returns the INSERT of n pending jobs for driver. On SQLite
// it is INSERT OR IGNORE, which does the same there (only key can
// conflict; no value is NULL): under ON CONFLICT DO NOTHING a NOT NULL
// constraint could still abort a statement halfway, so SQLite journals
// every page a statement of many rows touches, spilling to a temporary
// file, in case it must undo it. That journal cost a fifth of the time of
// planning.
func insertJobsSQL(driver string, n int) string {
	var b strings.Builder
	if driver == DriverSQLite {
		b.WriteString("INSERT OR IGNORE INTO jobs (")
	} else {
		b.WriteString("INSERT INTO jobs (")
	}
	b.WriteString(jobInsertColumns + ") VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,'" + string(hearth.JobPending) + "',?,?,?,?,?,?,?,?)")
	}
	if driver != DriverSQLite {
		b.WriteString(" ON CONFLICT (key) DO NOTHING")
	}
	return b.String()
}
