package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/hearthbot/hearth"
)

// PlannerStore is what the planner reads and writes.
type PlannerStore interface {
	hearth.GroupStore
	hearth.MeetingStore
	hearth.PlanStore
	hearth.JobStore
	// Audit records who skipped a meeting.
	Audit(ctx context.Context, e hearth.AuditEntry) error
}

// planChunk is how many meetings one planning transaction stores: with
// 10,000 groups about 5,000 jobs, which hold SQLite's write lock about
// 40 ms (at most ~60 ms seen on 2 cores), so an alert stored meanwhile
// waits little, while fewer, larger transactions rewrite fewer pages of
// the jobs' due-time index.
const planChunk = 1000

// Planner stores each group's meetings for Horizon ahead, each with its
// reminder, start and end jobs and the job that publishes its Discord event
// (hearth.MeetingJobs), and keeps them in step with the group's settings.
//
// PlanAll extends every group's plan up to Now+Horizon; Run calls it once at
// start and then every minute, so a host that was paused or asleep catches
// up at once. Replan brings one group's future meetings in line after its
// schedule, zone, length, reminder offsets, name or channel changed:
// meetings no longer in the schedule are cancelled with their jobs, changed
// offsets and lengths replace the jobs they move, and events are updated.
// A plan records the settings it was made from (hearth.PlanKey), so PlanAll
// also re-plans a group changed by another process or whose re-plan was cut
// short by a crash.
//
// Meetings in the past, running or done are never touched; a one-off keeps
// its time (it was given in the zone of its day) and follows the group's
// length and offsets.
type Planner struct {
	Store   PlannerStore
	Now     func() time.Time
	Horizon time.Duration
	Log     *slog.Logger
	// Wake tells the delivery engine that planned work may be due now.
	Wake func()
	// BriefBefore is how long before each meeting its psychologists get
	// the pre-meeting brief (meetings.brief_before); 0: no brief.
	BriefBefore time.Duration
	// Every is the housekeeping schedule of Run in robfig/cron's syntax;
	// "@every 1m" if empty.
	Every string

	mu        sync.Mutex // one planning pass at a time in this process
	schedules map[int64]cachedSchedule
	// briefed holds, by start, the coming meetings whose brief jobs this
	// process has ensured, so each pass enqueues only the new ones.
	briefed map[int64]time.Time
}

// briefSweep is how far past its brief's due time each planning pass looks
// for coming meetings without brief jobs: well over the minute between
// passes, so every meeting is seen by a few passes before its brief is due.
const briefSweep = 15 * time.Minute

type cachedSchedule struct {
	key   string
	sched hearth.Schedule
}

// NewPlanner returns a planner over store with the configured horizon.
func NewPlanner(store PlannerStore, now func() time.Time, horizon time.Duration, log *slog.Logger) *Planner {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Planner{Store: store, Now: now, Horizon: horizon, Log: log}
}

// PlanStats says what a planning pass did.
type PlanStats struct {
	Groups    int // groups with a schedule
	Created   int // meetings stored
	Replanned int // groups re-planned because their settings changed
	Failed    int // groups left for the next pass after an error
	Briefs    int // missing brief jobs of coming meetings added
}

// PlanAll extends the plan of every group with a schedule up to
// Now+Horizon. A group whose plan fails is logged and left for the next
// pass; the others go on.
func (p *Planner) PlanAll(ctx context.Context) (PlanStats, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.Now().UTC()
	until := now.Add(p.Horizon)
	var st PlanStats
	groups, err := p.Store.ScheduledGroups(ctx)
	if err != nil {
		return st, err
	}
	plans, err := p.Store.MeetingPlans(ctx)
	if err != nil {
		return st, err
	}
	st.Groups = len(groups)
	if p.schedules == nil {
		p.schedules = make(map[int64]cachedSchedule, len(groups))
	}

	var batch []*hearth.Meeting
	var batchPlans []*hearth.MeetingPlan
	byID := map[int64]*hearth.Group{}
	flush := func() {
		if len(batchPlans) == 0 {
			return
		}
		why := "plan:" + token() // one event sync per server and transaction
		created, err := p.Store.PlanMeetings(ctx, batch, func(m *hearth.Meeting) []*hearth.Job {
			return p.newMeetingJobs(m, byID[m.GroupID], now, why)
		})
		if err == nil {
			err = p.Store.SaveMeetingPlans(ctx, batchPlans...)
		}
		if err != nil {
			p.Log.Error("unable to plan meetings", "groups", len(batchPlans), "error", err)
			st.Failed += len(batchPlans)
		}
		st.Created += len(created)
		batch, batchPlans = batch[:0], batchPlans[:0]
		clear(byID)
	}
	for _, g := range groups {
		key := hearth.PlanKey(g)
		from := now
		if pl := plans[g.ID]; pl != nil {
			if pl.Key != key {
				// Changed without a re-plan here: another process, or a
				// crash between the change and its re-plan.
				if err := p.replan(ctx, g, now); err != nil {
					p.Log.Error("unable to re-plan group", "group", g.ID, "error", err)
					st.Failed++
				} else {
					st.Replanned++
				}
				continue
			}
			if pl.Until.After(from) {
				from = pl.Until
			}
		}
		if !from.Before(until) {
			continue
		}
		sched, err := p.schedule(g, key)
		if err != nil {
			p.Log.Error("unable to read a group's schedule", "group", g.ID, "error", err)
			st.Failed++
			continue
		}
		for t := sched.Next(from); !t.IsZero() && !t.After(until); t = sched.Next(t) {
			batch = append(batch, &hearth.Meeting{GroupID: g.ID, StartsAt: t, EndsAt: t.Add(g.Length())})
		}
		byID[g.ID] = g
		batchPlans = append(batchPlans, &hearth.MeetingPlan{GroupID: g.ID, Key: key, Until: until})
		if len(batch) >= planChunk {
			flush()
		}
	}
	flush()
	if n, err := p.ensureBriefs(ctx, now, groups); err != nil {
		p.Log.Error("unable to add missing pre-meeting briefs", "error", err)
	} else {
		st.Briefs = n
	}
	if st.Created > 0 || st.Replanned > 0 || st.Briefs > 0 {
		p.Log.Info("meetings planned", "groups", st.Groups, "created", st.Created, "replanned", st.Replanned, "failed", st.Failed, "briefs", st.Briefs)
		p.wake()
	}
	return st, nil
}

// schedule returns the parsed schedule of g, cached by its plan key.
func (p *Planner) schedule(g *hearth.Group, key string) (hearth.Schedule, error) {
	if c, ok := p.schedules[g.ID]; ok && c.key == key {
		return c.sched, nil
	}
	loc, err := g.Location()
	if err != nil {
		return nil, err
	}
	s, err := hearth.ParseSchedule(g.Schedule, loc, g.ScheduleSetAt)
	if err != nil {
		return nil, err
	}
	p.schedules[g.ID] = cachedSchedule{key: key, sched: s}
	return s, nil
}

// newMeetingJobs is the work of a newly planned meeting: its timed jobs,
// the psychologists' pre-meeting brief and a sync of its server's events,
// keyed by why, so one planning pass asks each server for one sync.
func (p *Planner) newMeetingJobs(m *hearth.Meeting, g *hearth.Group, now time.Time, why string) []*hearth.Job {
	jobs := append(hearth.MeetingJobs(m, g, now), hearth.BriefJobs(m, g, p.BriefBefore, now)...)
	return append(jobs, hearth.EventsJob(g.GuildID, now, why))
}

// ensureBriefs adds the brief jobs missing from the meetings whose brief
// falls due within briefSweep: meetings planned before the brief existed or
// while meetings.brief_before was 0, one-offs added by /schedule once, and
// briefs whose jobs were lost. A brief job's key is fixed per meeting and
// role, so one that exists (pending, sent, missed or cancelled) is left as
// it is and a brief is never planned twice. p.mu is held.
func (p *Planner) ensureBriefs(ctx context.Context, now time.Time, groups []*hearth.Group) (int, error) {
	if p.BriefBefore <= 0 {
		return 0, nil
	}
	from := now.Add(p.BriefBefore) // an earlier meeting's brief is late
	for id, start := range p.briefed {
		if !start.After(from) {
			delete(p.briefed, id)
		}
	}
	ms, err := p.Store.ComingMeetings(ctx, from, from.Add(briefSweep))
	if err != nil {
		return 0, err
	}
	if p.briefed == nil {
		p.briefed = map[int64]time.Time{}
	}
	byID := make(map[int64]*hearth.Group, len(groups))
	for _, g := range groups {
		byID[g.ID] = g
	}
	var jobs []*hearth.Job
	var seen []*hearth.Meeting
	for _, m := range ms {
		if _, ok := p.briefed[m.ID]; ok {
			continue
		}
		g := byID[m.GroupID]
		if g == nil { // a group with one-offs only
			if g, err = p.Store.Group(ctx, m.GroupID); hearth.ErrorCode(err) == hearth.ENOTFOUND {
				continue
			} else if err != nil {
				return 0, err
			}
			byID[g.ID] = g
		}
		jobs = append(jobs, hearth.BriefJobs(m, g, p.BriefBefore, now)...)
		seen = append(seen, m)
	}
	if err := p.Store.EnqueueJobs(ctx, jobs...); err != nil {
		return 0, err
	}
	for _, m := range seen {
		p.briefed[m.ID] = m.StartsAt
	}
	added := 0
	for _, j := range jobs {
		if j.ID != 0 { // 0: its key existed
			added++
		}
	}
	return added, nil
}

// token returns a short random string that makes a job key unique.
func token() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// Replan brings a group's future meetings and their jobs in line with its
// current settings and records the plan. A deleted group is not an error.
func (p *Planner) Replan(ctx context.Context, groupID int64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	g, err := p.Store.Group(ctx, groupID)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if err := p.replan(ctx, g, p.Now().UTC()); err != nil {
		return err
	}
	p.wake()
	return nil
}

// replan re-plans g at now; p.mu is held.
func (p *Planner) replan(ctx context.Context, g *hearth.Group, now time.Time) error {
	until := now.Add(p.Horizon)
	times, err := hearth.MeetingTimes(g, now, until)
	if err != nil {
		return fmt.Errorf("group %d: %w", g.ID, err)
	}
	want := make(map[int64]bool, len(times))
	for _, t := range times {
		want[t.UnixMicro()] = true
	}
	existing, err := p.Store.MeetingsBetween(ctx, g.ID, now, now.AddDate(10, 0, 0))
	if err != nil {
		return err
	}
	pending, err := p.pendingByMeeting(ctx, g.ID)
	if err != nil {
		return err
	}
	cancelled, kept := 0, 0
	for _, m := range existing {
		if m.Status != hearth.MeetingScheduled || !m.StartsAt.After(now) {
			continue
		}
		if !m.OneOff && !want[m.StartsAt.UnixMicro()] {
			if err := p.cancel(ctx, g, m, now); err != nil {
				return err
			}
			cancelled++
			continue
		}
		delete(want, m.StartsAt.UnixMicro())
		if err := p.resync(ctx, g, m, now, pending[m.ID]); err != nil {
			return err
		}
		kept++
	}
	var fresh []*hearth.Meeting
	for _, t := range times {
		if want[t.UnixMicro()] {
			fresh = append(fresh, &hearth.Meeting{GroupID: g.ID, StartsAt: t, EndsAt: t.Add(g.Length())})
		}
	}
	why := "replan:" + token()
	created, err := p.Store.PlanMeetings(ctx, fresh, func(m *hearth.Meeting) []*hearth.Job { return p.newMeetingJobs(m, g, now, why) })
	if err != nil {
		return err
	}
	// Kept meetings may have moved, and the name or channel changed: the
	// sync edits the events that now say something else.
	if err := p.Store.EnqueueJobs(ctx, hearth.EventsJob(g.GuildID, now, why)); err != nil {
		return err
	}
	if err := p.Store.SaveMeetingPlans(ctx, &hearth.MeetingPlan{GroupID: g.ID, Key: hearth.PlanKey(g), Until: until}); err != nil {
		return err
	}
	delete(p.schedules, g.ID)
	p.Log.Info("group re-planned", "group", g.ID, "created", len(created), "cancelled", cancelled, "kept", kept)
	return nil
}

func (p *Planner) pendingByMeeting(ctx context.Context, groupID int64) (map[int64][]*hearth.Job, error) {
	jobs, err := p.Store.PendingMeetingJobs(ctx, groupID)
	if err != nil {
		return nil, err
	}
	out := map[int64][]*hearth.Job{}
	for _, j := range jobs {
		out[j.MeetingID] = append(out[j.MeetingID], j)
	}
	return out, nil
}

// cancel cancels a meeting the schedule no longer has, deletes its event
// and cancels its posts. Members are not told: the admin changed the
// schedule, and `/schedule show` and `/next` show the new one.
func (p *Planner) cancel(ctx context.Context, g *hearth.Group, m *hearth.Meeting, now time.Time) error {
	_, err := p.Store.UpdateMeeting(ctx, m.ID, func(cur *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
		jobs, err := hearth.CancelMeeting(cur, g, now, false)
		return jobs, nil, err
	})
	if hearth.ErrorCode(err) == hearth.ECONFLICT {
		return nil // started or cancelled meanwhile
	} else if err != nil {
		return fmt.Errorf("cancel meeting %d: %w", m.ID, err)
	}
	return cancelPosts(ctx, p.Store, m.ID)
}

// cancelPosts cancels the pending reminders, DMs, start and end of a
// cancelled meeting. Their handlers also check the meeting's status, so a
// crash before this runs loses nothing but a little work.
func cancelPosts(ctx context.Context, jobs hearth.JobStore, meetingID int64) error {
	for _, prefix := range hearth.MeetingWorkPrefixes(meetingID) {
		if _, err := jobs.CancelJobs(ctx, prefix); err != nil {
			return fmt.Errorf("cancel jobs of meeting %d: %w", meetingID, err)
		}
	}
	return nil
}

// resync brings a kept meeting in line: its end follows the group's
// length, and its pending reminder, start and end jobs are exactly the ones
// the current settings ask for. (Its event follows in replan's event sync.)
func (p *Planner) resync(ctx context.Context, g *hearth.Group, m *hearth.Meeting, now time.Time, pending []*hearth.Job) error {
	if end := m.StartsAt.Add(g.Length()); !m.EndsAt.Equal(end) {
		updated, err := p.Store.UpdateMeeting(ctx, m.ID, func(cur *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
			cur.EndsAt = end
			return nil, nil, nil
		})
		if err != nil {
			return fmt.Errorf("update meeting %d: %w", m.ID, err)
		}
		m = updated
	}
	want := hearth.MeetingJobs(m, g, now)
	// Kind and Arg tell a piece of work apart; DueAt moves on a retry.
	same := func(a, b *hearth.Job) bool { return a.Kind == b.Kind && a.Arg == b.Arg }
	stale := false
	for _, j := range pending {
		if !timed(j.Kind) || containsJob(want, j, same) {
			continue
		}
		if _, err := p.Store.CancelJobs(ctx, j.Key); err != nil {
			return fmt.Errorf("cancel job of meeting %d: %w", m.ID, err)
		}
		stale = true
	}
	if stale {
		// A cancelled key is a prefix of its later generations: read
		// what is still pending before adding.
		all, err := p.pendingByMeeting(ctx, g.ID)
		if err != nil {
			return err
		}
		pending = all[m.ID]
	}
	// A brief keeps its key: one that exists in any state is left alone,
	// a missing one is added (EnqueueJobs skips existing keys).
	add := hearth.BriefJobs(m, g, p.BriefBefore, now)
	for _, w := range want {
		if containsJob(pending, w, same) {
			continue
		}
		key, err := freeKey(ctx, p.Store, w.Key)
		if err != nil {
			return err
		}
		w.Key = key
		add = append(add, w)
	}
	return p.Store.EnqueueJobs(ctx, add...)
}

// timed reports whether a job kind is planned from the group's settings.
func timed(k hearth.JobKind) bool {
	return k == hearth.JobMeetingReminder || k == hearth.JobMeetingStart || k == hearth.JobMeetingEnd
}

func containsJob(js []*hearth.Job, j *hearth.Job, same func(a, b *hearth.Job) bool) bool {
	for _, x := range js {
		if same(x, j) {
			return true
		}
	}
	return false
}

// freeKey returns base, or its first generation base~2, base~3… that no
// job has used: a key is used once, and work planned again needs a new one.
func freeKey(ctx context.Context, jobs hearth.JobStore, base string) (string, error) {
	for n := 1; n <= 1000; n++ {
		key := base
		if n > 1 {
			key = base + "~" + strconv.Itoa(n)
		}
		_, err := jobs.Job(ctx, key)
		if hearth.ErrorCode(err) == hearth.ENOTFOUND {
			return key, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("no free job key after %s~1000", base)
}

func (p *Planner) wake() {
	if p.Wake != nil {
		p.Wake()
	}
}
