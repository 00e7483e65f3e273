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

type jobRow struct {
	ID         int64 `gorm:"primaryKey"`
	Kind       string
	Key        string
	Priority   int
	DueAt      time.Time
	Status     string
	Attempts   int
	LeaseOwner string
	LeaseUntil sql.NullTime
	LastError  string
	GuildID    string
	GroupID    int64
	MeetingID  int64
	AlertID    int64
	UserID     string
	Arg        string
	Result     string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// FailingSince is when the first try failed; NULL before.
	FailingSince sql.NullTime
}

func (jobRow) TableName() string { return "jobs" }

func (r *jobRow) domain() *hearth.Job {
	return &hearth.Job{
		ID: r.ID, Kind: hearth.JobKind(r.Kind), Key: r.Key, Priority: r.Priority,
		DueAt: r.DueAt.UTC(), Status: hearth.JobStatus(r.Status), Attempts: r.Attempts,
		LeaseOwner: r.LeaseOwner, LeaseUntil: fromNull(r.LeaseUntil), LastError: r.LastError,
		GuildID: r.GuildID, GroupID: r.GroupID, MeetingID: r.MeetingID, AlertID: r.AlertID,
		UserID: r.UserID, Arg: r.Arg, Result: r.Result,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), FailingSince: fromNull(r.FailingSince),
	}
}

func jobsOf(rows []jobRow) []*hearth.Job {
	out := make([]*hearth.Job, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out
}

// errLeaseLost answers a job operation by an owner that no longer holds it.
func errLeaseLost(id int64) error {
	return hearth.Errorf(hearth.ECONFLICT, "job %d is no longer held by this worker", id)
}

// EnqueueJobs inserts pending jobs, skipping any whose Key exists, so the
// same work is enqueued once. It sets ID, Status, CreatedAt and UpdatedAt of
// the jobs it inserts and leaves ID zero on those it skips.
func (db *DB) EnqueueJobs(ctx context.Context, jobs ...*hearth.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	return db.tx(ctx, func(tx *gorm.DB) error { return db.enqueue(tx, jobs) })
}

// enqueue inserts jobs in tx one by one: a batch insert with ON CONFLICT DO
// NOTHING could hand the returned ids to the wrong jobs.
func (db *DB) enqueue(tx *gorm.DB, jobs []*hearth.Job) error {
	now := db.now()
	for _, j := range jobs {
		if j.Key == "" || j.Kind == "" {
			return fmt.Errorf("enqueue job: a job needs a kind and a key")
		}
		row := &jobRow{
			Kind: string(j.Kind), Key: j.Key, Priority: j.Priority, DueAt: utc(j.DueAt),
			Status: string(hearth.JobPending), Attempts: j.Attempts, GuildID: j.GuildID,
			GroupID: j.GroupID, MeetingID: j.MeetingID, AlertID: j.AlertID, UserID: j.UserID,
			Arg: j.Arg, Result: j.Result, CreatedAt: now, UpdatedAt: now,
		}
		res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "key"}}, DoNothing: true}).Create(row)
		if res.Error != nil {
			return fmt.Errorf("enqueue job %s: %w", j.Kind, res.Error)
		}
		if res.RowsAffected == 0 {
			j.ID = 0
			continue
		}
		j.ID, j.Status, j.CreatedAt, j.UpdatedAt = row.ID, hearth.JobPending, now, now
		j.LeaseOwner, j.LeaseUntil = "", time.Time{}
	}
	return nil
}

// ClaimJobs leases to owner, until now+lease, up to limit pending jobs due at
// or before now whose lease is free or has ended (lease_until <= now), by priority, then due time,
// then id, and returns them in that order. On PostgreSQL concurrent
// claimers skip each other's rows (FOR UPDATE SKIP LOCKED); on SQLite the
// immediate transaction serialises them.
func (db *DB) ClaimJobs(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*hearth.Job, error) {
	if owner == "" || lease <= 0 {
		return nil, fmt.Errorf("claim jobs: need an owner and a positive lease")
	}
	if limit <= 0 {
		return nil, nil
	}
	now = utc(now)
	var rows []jobRow
	err := db.tx(ctx, func(tx *gorm.DB) error {
		var ids []int64
		if err := db.claimable(tx, now, limit).Pluck("id", &ids).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		err := tx.Model(&jobRow{}).Where("id IN ?", ids).Updates(map[string]any{
			"lease_owner": owner, "lease_until": now.Add(lease), "updated_at": db.now(),
		}).Error
		if err != nil {
			return err
		}
		return tx.Where("id IN ?", ids).Order("priority, due_at, id").Find(&rows).Error
	})
	if err != nil {
		return nil, fmt.Errorf("claim jobs: %w", err)
	}
	return jobsOf(rows), nil
}

// claimable selects the ids of up to limit jobs claimable at now, in claim
// order. On PostgreSQL the rows are locked, skipping rows another claimer
// has locked, so concurrent claimers never wait for nor take each other's
// jobs. gorm's SQLite dialect would drop the clause silently, so it is
// added for PostgreSQL only.
func (db *DB) claimable(tx *gorm.DB, now time.Time, limit int) *gorm.DB {
	q := tx.Model(&jobRow{}).
		Where("status = ? AND due_at <= ? AND (lease_until IS NULL OR lease_until <= ?)", hearth.JobPending, now, now).
		Order("priority, due_at, id").Limit(limit)
	if db.driver == DriverPostgres {
		q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate, Options: clause.LockingOptionsSkipLocked})
	}
	return q
}

// held updates the job id if owner holds it (it is pending and leased to
// owner, even if the lease has expired and nobody took it since); otherwise
// it returns ECONFLICT, or ENOTFOUND for an unknown id.
func (db *DB) held(ctx context.Context, id int64, owner string, updates map[string]any) error {
	updates["updated_at"] = db.now()
	g := db.gorm.WithContext(ctx)
	res := g.Model(&jobRow{}).Where("id = ? AND lease_owner = ? AND status = ?", id, owner, hearth.JobPending).Updates(updates)
	if res.Error != nil {
		return fmt.Errorf("update job %d: %w", id, res.Error)
	}
	if res.RowsAffected > 0 {
		return nil
	}
	var n int64
	if err := g.Model(&jobRow{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return fmt.Errorf("update job %d: %w", id, err)
	}
	if n == 0 {
		return hearth.Errorf(hearth.ENOTFOUND, "job %d does not exist", id)
	}
	return errLeaseLost(id)
}

// FinishJob sets the final status (done, failed, missed or cancelled) of a
// job that owner holds, with its error, and its result unless result is
// empty (a result saved by SaveJobResult stays). A job owner no longer holds
// is ECONFLICT.
func (db *DB) FinishJob(ctx context.Context, id int64, owner string, status hearth.JobStatus, result, lastError string) error {
	switch status {
	case hearth.JobDone, hearth.JobFailed, hearth.JobMissed, hearth.JobCancelled:
	default:
		return fmt.Errorf("finish job %d: %q is not a final status", id, status)
	}
	updates := map[string]any{"status": string(status), "last_error": lastError, "lease_until": nil}
	if result != "" {
		updates["result"] = result
	}
	return db.held(ctx, id, owner, updates)
}

// RetryJob releases a job owner holds to run again at due, counting the
// attempt, recording the error and, on the first failure, when the job
// began to fail. A job owner no longer holds is ECONFLICT.
func (db *DB) RetryJob(ctx context.Context, id int64, owner string, due time.Time, lastError string) error {
	return db.held(ctx, id, owner, map[string]any{
		"attempts": gorm.Expr("attempts + 1"), "due_at": utc(due), "last_error": lastError,
		"lease_owner": "", "lease_until": nil, "failing_since": gorm.Expr("COALESCE(failing_since, ?)", db.now()),
	})
}

// SaveJobResult records a partial result (a DM channel, a message id) of a
// job owner holds, so a retry resumes from it. A job owner no longer holds
// is ECONFLICT.
func (db *DB) SaveJobResult(ctx context.Context, id int64, owner, result string) error {
	return db.held(ctx, id, owner, map[string]any{"result": result})
}

// escapeLike escapes the LIKE wildcards of s for ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// CancelJobs cancels the pending jobs whose key starts with prefix (taken
// literally: % and _ are not wildcards) and returns how many. A worker that
// holds one of them gets ECONFLICT when it finishes it.
func (db *DB) CancelJobs(ctx context.Context, keyPrefix string) (int, error) {
	if keyPrefix == "" {
		return 0, fmt.Errorf("cancel jobs: empty key prefix")
	}
	res := db.gorm.WithContext(ctx).Model(&jobRow{}).
		Where(`status = ? AND key LIKE ? ESCAPE '\'`, hearth.JobPending, escapeLike(keyPrefix)+"%").
		Updates(map[string]any{"status": string(hearth.JobCancelled), "updated_at": db.now()})
	if res.Error != nil {
		return 0, fmt.Errorf("cancel jobs: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}

// Job returns a job by key, or ENOTFOUND.
func (db *DB) Job(ctx context.Context, key string) (*hearth.Job, error) {
	var row jobRow
	err := db.gorm.WithContext(ctx).Where("key = ?", key).Take(&row).Error
	if isNotFound(err) {
		return nil, hearth.Errorf(hearth.ENOTFOUND, "no job with that key")
	}
	if err != nil {
		return nil, fmt.Errorf("read job: %w", err)
	}
	return row.domain(), nil
}

// NextDue returns when the earliest pending job can next be claimed: its due
// time, or the end of its lease if it is held; zero if no job is pending.
func (db *DB) NextDue(ctx context.Context) (time.Time, error) {
	g := db.gorm.WithContext(ctx)
	var free, leased []jobRow
	err := g.Select("due_at").Where("status = ? AND lease_until IS NULL", hearth.JobPending).
		Order("due_at").Limit(1).Find(&free).Error
	if err == nil {
		// Written as jobs_held_lease's condition (a literal, not a
		// parameter), so the partial index applies.
		held := g.Table("jobs")
		if db.driver == DriverSQLite {
			// Without statistics SQLite prefers jobs_status_due and
			// sorts every pending job.
			held = g.Table("jobs INDEXED BY jobs_held_lease")
		}
		err = held.Select("lease_until").Where("status = 'pending' AND lease_until IS NOT NULL").
			Order("lease_until").Limit(1).Find(&leased).Error
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("next due job: %w", err)
	}
	var next time.Time
	if len(free) > 0 {
		next = free[0].DueAt.UTC()
	}
	if len(leased) > 0 {
		if t := fromNull(leased[0].LeaseUntil); next.IsZero() || t.Before(next) {
			next = t
		}
	}
	return next, nil
}

// PurgeJobs deletes the finished jobs (any status but pending) last updated
// before olderThan, and returns how many.
func (db *DB) PurgeJobs(ctx context.Context, olderThan time.Time) (int, error) {
	res := db.gorm.WithContext(ctx).Where("status <> ? AND updated_at < ?", hearth.JobPending, utc(olderThan)).Delete(&jobRow{})
	if res.Error != nil {
		return 0, fmt.Errorf("purge jobs: %w", res.Error)
	}
	return int(res.RowsAffected), nil
}
