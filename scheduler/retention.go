package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hearthbot/hearth"
)

// RetentionStore is what the daily purge reads and deletes.
type RetentionStore interface {
	hearth.PrivacyStore
	hearth.GuildStore
	hearth.JobStore
}

// Defaults of Retention.
const (
	DefaultKeepJobs    = 7 * 24 * time.Hour // finished job rows are kept this long
	DefaultRetentionAt = 3 * time.Hour      // the daily run, after midnight UTC
)

// Retention purges, once a day, each server's check-ins, notes and closed
// alerts older than its retention, and finished job rows older than
// KeepJobs. Each day's run is a durable job ("retention:2026-03-02") that
// enqueues the next one, so it runs once a day whatever the number of
// processes, and a restart neither skips nor repeats it.
type Retention struct {
	Engine *Engine
	Store  RetentionStore
	Log    *slog.Logger
	// KeepJobs is how long finished job rows are kept (DefaultKeepJobs if zero).
	KeepJobs time.Duration
	// At is the time of day, in UTC, of the daily run (DefaultRetentionAt if zero).
	At time.Duration
}

// Register registers the daily purge on the engine.
func (r *Retention) Register() { r.Engine.Register(hearth.JobRetention, r.run) }

// Schedule enqueues today's run unless it exists; past its time of day, it
// is due at once. Call it at start: from then on each run enqueues the next.
func (r *Retention) Schedule(ctx context.Context) error {
	if err := r.Store.EnqueueJobs(ctx, r.job(r.Engine.Now())); err != nil {
		return fmt.Errorf("schedule retention: %w", err)
	}
	return nil
}

// job returns the run of the UTC day of t.
func (r *Retention) job(t time.Time) *hearth.Job {
	day := t.UTC().Truncate(24 * time.Hour)
	at := r.At
	if at == 0 {
		at = DefaultRetentionAt
	}
	return &hearth.Job{
		Kind:     hearth.JobRetention,
		Key:      "retention:" + day.Format(time.DateOnly),
		Priority: hearth.PriorityRetention,
		DueAt:    day.Add(at),
	}
}

// next returns the first run after now: today's if its time is still ahead,
// otherwise tomorrow's. A run that starts late (after downtime) is not
// followed by a second one the same day.
func (r *Retention) next(now time.Time) *hearth.Job {
	if j := r.job(now); j.DueAt.After(now) {
		return j
	}
	return r.job(now.AddDate(0, 0, 1))
}

func (r *Retention) run(ctx context.Context, _ *hearth.Job) (string, error) {
	now := r.Engine.Now()
	// The next run first, so a failing purge never breaks the chain.
	if err := r.Store.EnqueueJobs(ctx, r.next(now)); err != nil {
		return "", fmt.Errorf("schedule next retention: %w", err)
	}
	p, err := r.Purge(ctx, now)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("check-ins %d, alerts %d, jobs %d", p.CheckIns, p.Alerts, p.Jobs), nil
}

// Purge deletes, as of now, what is past each server's retention and the
// finished job rows older than KeepJobs, and returns the totals. A server
// that fails does not stop the others; the first error is returned, so the
// job is retried (purging twice is harmless).
func (r *Retention) Purge(ctx context.Context, now time.Time) (hearth.Purge, error) {
	var total hearth.Purge
	guilds, err := r.Store.GuildIDs(ctx)
	if err != nil {
		return total, err
	}
	var errs []error
	for _, guild := range guilds {
		settings, err := r.Store.GuildSettings(ctx, guild)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p, err := r.Store.PurgeOlderThan(ctx, guild, hearth.RetentionCutoff(settings, now))
		if err != nil {
			r.Log.Error("unable to purge data past retention", "guild", guild, "error", err)
			errs = append(errs, err)
			continue
		}
		if p.CheckIns+p.Alerts > 0 {
			r.Log.Info("purged data past retention", "guild", guild, "days", settings.RetentionDays,
				"check_ins", p.CheckIns, "alerts", p.Alerts)
		}
		total.CheckIns += p.CheckIns
		total.Alerts += p.Alerts
		total.Jobs += p.Jobs
	}
	keep := r.KeepJobs
	if keep <= 0 {
		keep = DefaultKeepJobs
	}
	n, err := r.Store.PurgeJobs(ctx, now.Add(-keep))
	if err != nil {
		errs = append(errs, err)
	}
	total.Jobs += n
	return total, errors.Join(errs...)
}
