package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/hearthbot/hearth"
)

// Handler runs one job and returns its result (for example the id of the
// message it sent). An error whose hearth.Failure is FailRetry is retried
// with backoff, until the engine gives up (MaxAttempts, MaxAge, Deadline);
// ErrMissed and ErrCancelled end the job with that status; any other error
// fails it. A job that fails, or that the engine gives up on, is kept as
// failed and passed to Failed, which reports it.
type Handler func(ctx context.Context, j *hearth.Job) (result string, err error)

// Outcomes a handler may return instead of a result.
var (
	ErrMissed    = errors.New("too late: skipped")
	ErrCancelled = errors.New("no longer applies")
	// ErrGaveUp ends work that was failing and can no longer help (a
	// reminder still retrying when its meeting began): failed, and
	// reported like work that ran out of tries.
	ErrGaveUp = errors.New("gave up")
)

// Engine claims and runs due jobs.
type Engine struct {
	Jobs    hearth.JobStore
	Now     func() time.Time
	Log     *slog.Logger
	Owner   string        // lease owner name; unique per process
	Lease   time.Duration // how long a claim holds a job
	Poll    time.Duration // longest sleep between looks at the queue
	Workers int
	// MaxAttempts per kind; DefaultMaxAttempts for a kind not listed, and
	// zero there means retry until MaxAge.
	MaxAttempts        map[hearth.JobKind]int
	DefaultMaxAttempts int
	// MaxAge is how long after its first failure a job that keeps failing
	// for transient reasons is still retried (24h; zero: no limit).
	MaxAge time.Duration
	// Deadline, if set, may return an earlier time past which a job is not
	// retried (a reminder: the meeting's start + catch_up); zero for none.
	Deadline func(ctx context.Context, j *hearth.Job) time.Time
	// Failed, if set, is told of every job that failed for good: refused
	// (a permanent error) or exhausted (transient errors until MaxAttempts,
	// MaxAge or its Deadline). It reports the failure; the job is already
	// recorded as failed.
	Failed func(ctx context.Context, j *hearth.Job, err error, exhausted bool)

	mu       sync.Mutex
	handlers map[hearth.JobKind]Handler
	wake     chan struct{}
	inflight int            // jobs claimed and not finished
	claiming int            // claims under way, whose jobs are not counted in inflight yet
	running  map[int64]bool // ids of the jobs in hand
	changed  chan struct{}  // closed and replaced when inflight drops
}

// NewEngine returns an engine over jobs with sensible defaults.
func NewEngine(jobs hearth.JobStore, now func() time.Time, log *slog.Logger) *Engine {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Engine{
		Jobs:  jobs,
		Now:   now,
		Log:   log,
		Owner: ownerName(),
		// A job in hand takes a few REST calls of at most request_timeout
		// each; a minute covers that with room, and bounds how long work
		// held by a crashed process (an alert DM) waits before another
		// worker takes it. Discord's nonce window (~5 min) covers a retry.
		Lease:       time.Minute,
		Poll:        time.Second,
		Workers:     8,
		MaxAttempts: map[hearth.JobKind]int{},
		MaxAge:      24 * time.Hour,
		handlers:    map[hearth.JobKind]Handler{},
		wake:        make(chan struct{}, 1),
		changed:     make(chan struct{}),
		running:     map[int64]bool{},
	}
}

func ownerName() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Register sets the handler of a job kind. It panics on a duplicate.
func (e *Engine) Register(kind hearth.JobKind, h Handler) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, dup := e.handlers[kind]; dup {
		panic("scheduler: duplicate handler for " + string(kind))
	}
	e.handlers[kind] = h
}

// Wake tells the engine that work may be due now (a new alert, a changed
// clock). It never blocks.
func (e *Engine) Wake() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// Run claims and runs jobs until ctx ends, then waits for the jobs in hand.
func (e *Engine) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	slots := make(chan struct{}, max(e.Workers, 1))
	freed := make(chan struct{}, 1)
	defer wg.Wait()
	for {
		free := cap(slots) - len(slots)
		claimed := 0
		if free > 0 {
			// Counted from before the claim until its jobs are in hand, so
			// WaitIdle never sees a job leased in the database but not yet
			// counted as running, and takes the engine for idle.
			e.mu.Lock()
			e.claiming++
			e.mu.Unlock()
			jobs, err := e.Jobs.ClaimJobs(ctx, e.Owner, e.Now(), e.Lease, free)
			if err != nil && ctx.Err() == nil {
				e.Log.Error("unable to claim jobs", "error", err)
			}
			jobs = e.start(jobs)
			e.mu.Lock()
			e.claiming--
			e.broadcastLocked()
			e.mu.Unlock()
			claimed = len(jobs)
			for _, j := range jobs {
				slots <- struct{}{}
				wg.Add(1)
				go func() {
					defer wg.Done()
					// A job in hand is finished even while shutting down,
					// so its result is recorded.
					e.runJob(context.WithoutCancel(ctx), j)
					<-slots
					select {
					case freed <- struct{}{}:
					default:
					}
				}()
			}
		}
		if claimed > 0 && claimed == free {
			// There may be more due work: claim again as soon as a worker frees.
			select {
			case <-ctx.Done():
				return nil
			case <-freed:
			}
			continue
		}
		if err := e.sleep(ctx, freed, claimed > 0); err != nil {
			return nil
		}
	}
}

// sleep waits until the next job is due, the engine is woken, or Poll passes.
func (e *Engine) sleep(ctx context.Context, freed <-chan struct{}, busy bool) error {
	d := e.Poll
	if next, err := e.Jobs.NextDue(ctx); err == nil && !next.IsZero() {
		if until := next.Sub(e.Now()); until < d {
			d = max(until, 10*time.Millisecond)
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	var freedC <-chan struct{}
	if busy {
		freedC = freed
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-e.wake:
	case <-freedC:
	case <-t.C:
	}
	return nil
}

// RunDue runs every job due at the engine's Now, including jobs that become
// due while it runs (retries are scheduled in the future, so it ends), and
// returns how many it ran. Tests and the demo use it to step the engine
// deterministically with an injected clock.
func (e *Engine) RunDue(ctx context.Context) (int, error) {
	n := 0
	for {
		jobs, err := e.Jobs.ClaimJobs(ctx, e.Owner, e.Now(), e.Lease, max(e.Workers, 1))
		if err != nil {
			return n, fmt.Errorf("claim jobs: %w", err)
		}
		if len(jobs) == 0 {
			return n, nil
		}
		jobs = e.start(jobs)
		var wg sync.WaitGroup
		for _, j := range jobs {
			wg.Add(1)
			go func() { defer wg.Done(); e.runJob(ctx, j) }()
		}
		wg.Wait()
		n += len(jobs)
	}
}

// WaitIdle returns once no job is in hand and none is due at Now. Tests
// and the demo use it after moving the clock, instead of sleeping.
func (e *Engine) WaitIdle(ctx context.Context) error {
	for {
		e.mu.Lock()
		busy, changed := e.inflight > 0 || e.claiming > 0, e.changed
		e.mu.Unlock()
		if !busy {
			next, err := e.Jobs.NextDue(ctx)
			if err != nil {
				return fmt.Errorf("wait idle: %w", err)
			}
			e.mu.Lock()
			busy = e.inflight > 0 || e.claiming > 0
			e.mu.Unlock()
			if !busy && (next.IsZero() || next.After(e.Now())) {
				return nil
			}
		}
		e.Wake()
		t := time.NewTimer(50 * time.Millisecond) // also re-check if a wake was missed
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-changed:
		case <-t.C:
		}
		t.Stop()
	}
}

// start marks claimed jobs as in hand and drops any this process is still
// running: a lease that expired mid-run (a host paused for minutes) must not
// start the same work a second time here.
func (e *Engine) start(jobs []*hearth.Job) []*hearth.Job {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := jobs[:0]
	for _, j := range jobs {
		if e.running[j.ID] {
			continue
		}
		e.running[j.ID] = true
		out = append(out, j)
	}
	e.inflight += len(out)
	return out
}

func (e *Engine) done(id int64) {
	e.mu.Lock()
	delete(e.running, id)
	e.inflight--
	e.broadcastLocked()
	e.mu.Unlock()
}

// broadcastLocked wakes WaitIdle; e.mu is held.
func (e *Engine) broadcastLocked() {
	close(e.changed)
	e.changed = make(chan struct{})
}

// runJob runs one claimed job and records its outcome.
func (e *Engine) runJob(ctx context.Context, j *hearth.Job) {
	defer e.done(j.ID)
	e.mu.Lock()
	h := e.handlers[j.Kind]
	e.mu.Unlock()
	log := e.Log.With("job", j.ID, "kind", string(j.Kind))
	if h == nil {
		log.Error("no handler for job kind")
		e.finish(ctx, log, j, hearth.JobFailed, "", "no handler")
		return
	}
	result, err := e.call(hearth.WithPriority(ctx, j.Priority), h, j)
	switch {
	case err == nil:
		e.finish(ctx, log, j, hearth.JobDone, result, "")
	case errors.Is(err, ErrMissed):
		log.Warn("job missed", "due", j.DueAt)
		e.finish(ctx, log, j, hearth.JobMissed, result, "missed")
	case errors.Is(err, ErrCancelled):
		e.finish(ctx, log, j, hearth.JobCancelled, result, "")
	case errors.Is(err, ErrGaveUp):
		log.Error("job gave up", "attempt", j.Attempts+1, "why", err)
		e.finish(ctx, log, j, hearth.JobFailed, result, errorText(err))
		e.failed(ctx, j, err, true)
	case hearth.Failure(err) == hearth.FailRetry:
		due := e.Now().Add(backoff(j.Attempts+1, err))
		if why := e.giveUp(ctx, j, due); why != "" {
			log.Error("job gave up", "attempt", j.Attempts+1, "why", why, "error", err)
			e.finish(ctx, log, j, hearth.JobFailed, result, errorText(err))
			e.failed(ctx, j, err, true)
			return
		}
		log.Warn("job will be retried", "attempt", j.Attempts+1, "now", e.Now(), "due", due, "error", err)
		if rerr := e.Jobs.RetryJob(ctx, j.ID, e.Owner, due, errorText(err)); rerr != nil {
			log.Error("unable to reschedule job", "error", rerr)
		}
	default:
		log.Error("job failed", "attempt", j.Attempts+1, "error", err)
		e.finish(ctx, log, j, hearth.JobFailed, result, errorText(err))
		e.failed(ctx, j, err, false)
	}
}

// giveUp says why a job that failed for a transient reason is not retried
// at due, or "" when it is: its tries are spent, or due is past its age
// limit or its deadline. Nothing retries for ever.
func (e *Engine) giveUp(ctx context.Context, j *hearth.Job, due time.Time) string {
	if e.exhausted(j) {
		return "max attempts"
	}
	if e.MaxAge > 0 {
		since := j.FailingSince
		if since.IsZero() {
			since = e.Now() // this is its first failure
		}
		if due.After(since.Add(e.MaxAge)) {
			return "max age"
		}
	}
	if e.Deadline != nil {
		if d := e.Deadline(ctx, j); !d.IsZero() && due.After(d) {
			return "deadline"
		}
	}
	return ""
}

func (e *Engine) failed(ctx context.Context, j *hearth.Job, err error, exhausted bool) {
	if e.Failed != nil {
		e.Failed(ctx, j, err, exhausted)
	}
}

// call runs the handler, turning a panic into a retryable error.
func (e *Engine) call(ctx context.Context, h Handler, j *hearth.Job) (result string, err error) {
	defer func() {
		if p := recover(); p != nil {
			e.Log.Error("job handler panicked", "job", j.ID, "kind", string(j.Kind), "panic", fmt.Sprintf("%T", p))
			err = fmt.Errorf("handler panicked")
		}
	}()
	return h(ctx, j)
}

func (e *Engine) exhausted(j *hearth.Job) bool {
	limit, ok := e.MaxAttempts[j.Kind]
	if !ok {
		limit = e.DefaultMaxAttempts
	}
	return limit > 0 && j.Attempts+1 >= limit
}

func (e *Engine) finish(ctx context.Context, log *slog.Logger, j *hearth.Job, st hearth.JobStatus, result, lastErr string) {
	if err := e.Jobs.FinishJob(ctx, j.ID, e.Owner, st, result, lastErr); err != nil {
		log.Error("unable to record job outcome", "status", string(st), "error", err)
	}
}

// backoff is the delay before attempt n (1-based): 2s doubling to 5m, or
// Discord's retry_after when that is longer.
func backoff(n int, err error) time.Duration {
	d := 2 * time.Second
	for i := 1; i < n && d < 5*time.Minute; i++ {
		d *= 2
	}
	d = min(d, 5*time.Minute)
	var se *hearth.SendError
	if errors.As(err, &se) && se.RetryAfter > d {
		d = se.RetryAfter
	}
	return d
}

// errorText keeps an error's codes for the job row; errors in hearth carry
// ids and codes, never content.
func errorText(err error) string {
	s := err.Error()
	if len(s) > 500 {
		s = s[:500]
	}
	return s
}

// SaveResult records partial progress of a job in hand (for example the id
// of a message already sent), so that a retry resumes from it.
func (e *Engine) SaveResult(ctx context.Context, j *hearth.Job, result string) error {
	if err := e.Jobs.SaveJobResult(ctx, j.ID, e.Owner, result); err != nil {
		return fmt.Errorf("save job result: %w", err)
	}
	j.Result = result
	return nil
}
