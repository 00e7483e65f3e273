package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/hearthbot/hearth"
)

// Discord error codes the event sync acts on.
const (
	codeTooManyEvents = 30038  // 100 scheduled or active events in the server
	codeEventFinished = 180000 // the event ended or was cancelled
)

// EventStore is what the event sync reads and writes.
type EventStore interface {
	hearth.GroupStore
	hearth.MeetingStore
	// EventMeetings returns the guild's meetings with a published event that
	// has not ended, and the first limit scheduled meetings after now that
	// have none and may get one, earliest first.
	EventMeetings(ctx context.Context, guildID string, now time.Time, limit int) (published, unpublished []*hearth.Meeting, err error)
}

// Events keeps each server's Discord scheduled events in step with its
// meetings. Discord allows 100 scheduled or active events per server, so
// hearth keeps at most Max of its own: those of the soonest meetings across
// all the server's groups, adding later ones as earlier ones end.
//
// One guild.events job syncs a whole server, and the syncs of one server
// run one at a time, so exactly one writer decides about each meeting's
// event: no event is created twice, and none is created for a meeting
// cancelled meanwhile. A sync reads everything from storage and is
// idempotent: asking for one more than needed costs two queries.
//
//   - A meeting among the soonest Max with no event gets one; one whose
//     event says something else (time, name, channel) has it edited.
//   - A cancelled meeting's event is deleted; so is the event of a meeting
//     pushed out of the soonest Max by an earlier one (it comes back later).
//   - An event an admin deleted (10070) or ended (180000) by hand, or that
//     Discord refused for good, is never published again (Meeting.EventOff).
//   - 30038 (the server has 100 events) pauses creation in that server
//     until one of hearth's events ends, or an hour if none will; missing
//     permission pauses it for an hour.
//
// Event work runs at PriorityEvent, after reminders, and nothing a
// reminder does waits for it or depends on it.
type Events struct {
	Engine  *Engine
	Store   EventStore
	Discord hearth.Discord
	// Max is how many of its own events hearth keeps in a server
	// (scheduler.max_events); zero publishes none.
	Max int
	Log *slog.Logger

	mu     sync.Mutex
	guilds map[string]*sync.Mutex // one sync at a time per server
	paused map[string]time.Time   // creation paused until, per server
}

// pauseLacking is how long creation waits after Discord refused it in a
// way only an admin can fix (a missing permission) or when no event of
// hearth's will end sooner.
const pauseLacking = time.Hour

// Register registers the event sync on the engine. meeting.event, the
// per-meeting kind older versions queued, is run as a sync of its server.
func (s *Events) Register() {
	s.Engine.Register(hearth.JobGuildEvents, s.sync)
	s.Engine.Register(hearth.JobMeetingEvent, s.sync)
}

func (s *Events) guildLock(guildID string) *sync.Mutex {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.guilds == nil {
		s.guilds = map[string]*sync.Mutex{}
	}
	l := s.guilds[guildID]
	if l == nil {
		l = &sync.Mutex{}
		s.guilds[guildID] = l
	}
	return l
}

func (s *Events) pausedUntil(guildID string, now time.Time) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.paused[guildID]
	if ok && !now.Before(t) {
		delete(s.paused, guildID)
		return time.Time{}, false
	}
	return t, ok
}

func (s *Events) pause(guildID string, until time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.paused == nil {
		s.paused = map[string]time.Time{}
	}
	s.paused[guildID] = until
}

// syncRun is the state of one sync of one server.
type syncRun struct {
	s      *Events
	guild  string
	now    time.Time
	groups map[int64]*hearth.Group
	errs   []error   // transient failures: the job is retried
	ends   time.Time // the first end of an event kept or created
}

// ending notes that an event ending at t stays published.
func (r *syncRun) ending(t time.Time) {
	if t.After(r.now) && (r.ends.IsZero() || t.Before(r.ends)) {
		r.ends = t
	}
}

// sync brings one server's events in step with its meetings.
func (s *Events) sync(ctx context.Context, j *hearth.Job) (string, error) {
	guildID := j.GuildID
	if guildID == "" {
		return "", ErrCancelled
	}
	l := s.guildLock(guildID)
	l.Lock()
	defer l.Unlock()
	now := s.Engine.Now()
	// One more than fits tells whether a meeting waits for a slot.
	published, unpublished, err := s.Store.EventMeetings(ctx, guildID, now, s.Max+1)
	if err != nil {
		return "", err
	}
	r := &syncRun{s: s, guild: guildID, now: now, groups: map[int64]*hearth.Group{}}

	// Events of meetings under way count against the cap; cancelled ones
	// are deleted; the rest compete for the slots left, soonest first.
	var coming []*hearth.Meeting
	active := 0
	for _, m := range published {
		switch {
		case m.Status == hearth.MeetingCancelled:
			r.remove(ctx, m, "cancelled")
		case m.Status != hearth.MeetingScheduled || !m.StartsAt.After(now):
			active++ // Discord ends it at its end time
			r.ending(m.EndsAt)
		default:
			coming = append(coming, m)
		}
	}
	coming = append(coming, unpublished...)
	sort.SliceStable(coming, func(a, b int) bool {
		if !coming[a].StartsAt.Equal(coming[b].StartsAt) {
			return coming[a].StartsAt.Before(coming[b].StartsAt)
		}
		return coming[a].ID < coming[b].ID
	})
	slots := min(max(s.Max-active, 0), len(coming))
	created, waiting := 0, 0
	// Make room first: a meeting pushed out of the soonest by a sooner one
	// gives its event up (it gets it back later), so hearth never holds
	// more than its cap, not even for a moment.
	for _, m := range coming[slots:] {
		if m.EventID != "" {
			r.remove(ctx, m, "beyond the cap")
		}
		waiting++
	}
	for _, m := range coming[:slots] {
		if m.EventID != "" {
			r.update(ctx, m)
			r.ending(m.EndsAt)
			continue
		}
		if _, paused := s.pausedUntil(guildID, now); paused {
			waiting++
			continue
		}
		if r.create(ctx, m) {
			r.ending(m.EndsAt)
			created++
		} else {
			waiting++
		}
	}
	if waiting > 0 {
		if err := r.later(ctx); err != nil {
			r.errs = append(r.errs, err)
		}
	}
	if created > 0 || waiting > 0 {
		s.Log.Info("scheduled events synced", "guild", guildID, "created", created, "waiting", waiting, "active", active)
	}
	if len(r.errs) > 0 {
		return "", errors.Join(r.errs...)
	}
	return "", nil
}

// later queues the sync that publishes what waits: when creation resumes,
// or when the first of hearth's events ends and frees a slot.
func (r *syncRun) later(ctx context.Context) error {
	next, ok := r.s.pausedUntil(r.guild, r.now)
	if !r.ends.IsZero() && (!ok || r.ends.Before(next)) {
		next, ok = r.ends, true
	}
	if !ok {
		return nil // nothing ends and nothing is paused: a new meeting's plan asks again
	}
	if err := r.s.Engine.Jobs.EnqueueJobs(ctx, hearth.EventsAtJob(r.guild, next)); err != nil {
		return fmt.Errorf("queue event sync: %w", err)
	}
	return nil
}

func (r *syncRun) group(ctx context.Context, id int64) (*hearth.Group, error) {
	if g, ok := r.groups[id]; ok {
		return g, nil
	}
	g, err := r.s.Store.Group(ctx, id)
	if err != nil {
		return nil, err
	}
	r.groups[id] = g
	return g, nil
}

// event is what m's event should say.
func (r *syncRun) event(ctx context.Context, m *hearth.Meeting) (*hearth.ScheduledEvent, error) {
	g, err := r.group(ctx, m.GroupID)
	if err != nil {
		return nil, err
	}
	ev := hearth.MeetingEvent(g, m, location(ctx, r.s.Discord, g), groupLang(g))
	hearth.ClipEvent(ev)
	return ev, nil
}

// create publishes m's event and reports whether it did.
func (r *syncRun) create(ctx context.Context, m *hearth.Meeting) bool {
	ev, err := r.event(ctx, m)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return false // the group was deleted: its meetings go with it
	} else if err != nil {
		r.errs = append(r.errs, err)
		return false
	}
	// Read again just before creating: a meeting cancelled since the sync
	// began gets no event (and one cancelled during the request is caught
	// below).
	if cur, err := r.s.Store.Meeting(ctx, m.ID); err != nil || cur.Status != hearth.MeetingScheduled || cur.EventID != "" || cur.EventOff {
		if err != nil && hearth.ErrorCode(err) != hearth.ENOTFOUND {
			r.errs = append(r.errs, err)
		}
		return false
	}
	id, err := r.s.Discord.CreateEvent(ctx, ev)
	if err != nil {
		r.refused(ctx, m, err)
		return false
	}
	sig := hearth.EventSignature(ev)
	_, err = r.s.Store.UpdateMeeting(ctx, m.ID, func(cur *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
		cur.EventID, cur.EventSig = id, sig
		if cur.Status == hearth.MeetingCancelled {
			// Cancelled while the event was being created (by a process
			// that does not hold this server's sync): delete it next.
			return []*hearth.Job{hearth.EventsJob(r.guild, r.now, "orphan:"+id)}, nil, nil
		}
		return nil, nil, nil
	})
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("save event id: %w", err))
		return true
	}
	r.s.Log.Info("meeting event published", "meeting", m.ID, "group", m.GroupID, "event", id)
	return true
}

// refused handles Discord refusing to create an event.
func (r *syncRun) refused(ctx context.Context, m *hearth.Meeting, err error) {
	switch {
	case discordCode(err) == codeTooManyEvents:
		until := r.now.Add(pauseLacking)
		r.s.Log.Warn("the server has too many scheduled events: creating none until one ends", "guild", r.guild, "meeting", m.ID)
		r.s.pause(r.guild, until)
		r.pauseUntilAnEnds(ctx)
	case hearth.Failure(err) == hearth.FailForbidden:
		r.s.Log.Warn("not allowed to create scheduled events in this server (Manage Events)", "guild", r.guild, "meeting", m.ID, "error", err)
		r.s.pause(r.guild, r.now.Add(pauseLacking))
	case hearth.Failure(err) == hearth.FailRetry:
		r.errs = append(r.errs, err)
	default:
		// A payload Discord will never accept: trying again cannot help.
		r.s.Log.Error("discord refused a meeting's event", "guild", r.guild, "meeting", m.ID, "error", err)
		r.off(ctx, m)
	}
}

// pauseUntilAnEnds shortens a 30038 pause to the end of the first of
// hearth's events that ends, which frees a slot.
func (r *syncRun) pauseUntilAnEnds(ctx context.Context) {
	published, _, err := r.s.Store.EventMeetings(ctx, r.guild, r.now, 0)
	if err != nil {
		return
	}
	until, _ := r.s.pausedUntil(r.guild, r.now)
	for _, m := range published {
		if m.EndsAt.After(r.now) && m.EndsAt.Before(until) {
			until = m.EndsAt
		}
	}
	r.s.pause(r.guild, until)
}

// update edits m's event if it says something else than m.
func (r *syncRun) update(ctx context.Context, m *hearth.Meeting) {
	ev, err := r.event(ctx, m)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return
	} else if err != nil {
		r.errs = append(r.errs, err)
		return
	}
	sig := hearth.EventSignature(ev)
	if m.EventSig == sig {
		return
	}
	if m.EventSig == "" {
		// Published by an older version, which kept it in step: adopt it.
		r.save(ctx, m.ID, func(cur *hearth.Meeting) { cur.EventSig = sig })
		return
	}
	err = r.s.Discord.UpdateEvent(ctx, m.EventID, ev)
	switch {
	case err == nil:
		r.save(ctx, m.ID, func(cur *hearth.Meeting) { cur.EventSig = sig })
	case hearth.Failure(err) == hearth.FailGone || discordCode(err) == codeEventFinished:
		// An admin deleted or ended it by hand: leave it so.
		r.s.Log.Info("meeting event removed by hand; not publishing it again", "meeting", m.ID, "event", m.EventID)
		r.off(ctx, m)
	case hearth.Failure(err) == hearth.FailRetry:
		r.errs = append(r.errs, err)
	default:
		r.s.Log.Error("discord refused to edit a meeting's event", "guild", r.guild, "meeting", m.ID, "error", err)
		r.off(ctx, m)
	}
}

// remove deletes m's event; one already gone or ended needs nothing more.
func (r *syncRun) remove(ctx context.Context, m *hearth.Meeting, why string) {
	err := r.s.Discord.DeleteEvent(ctx, r.guild, m.EventID)
	if err != nil && hearth.Failure(err) != hearth.FailGone && discordCode(err) != codeEventFinished {
		if hearth.Failure(err) == hearth.FailRetry {
			r.errs = append(r.errs, err)
			return
		}
		r.s.Log.Error("discord refused to delete a meeting's event", "guild", r.guild, "meeting", m.ID, "error", err)
	}
	r.save(ctx, m.ID, func(cur *hearth.Meeting) {
		if cur.EventID == m.EventID {
			cur.EventID, cur.EventSig = "", ""
		}
	})
	r.s.Log.Info("meeting event deleted", "meeting", m.ID, "group", m.GroupID, "event", m.EventID, "why", why)
}

// off forgets m's event and marks it never to be published again.
func (r *syncRun) off(ctx context.Context, m *hearth.Meeting) {
	r.save(ctx, m.ID, func(cur *hearth.Meeting) { cur.EventID, cur.EventSig, cur.EventOff = "", "", true })
}

func (r *syncRun) save(ctx context.Context, id int64, fn func(*hearth.Meeting)) {
	_, err := r.s.Store.UpdateMeeting(ctx, id, func(cur *hearth.Meeting) ([]*hearth.Job, *hearth.AuditEntry, error) {
		fn(cur)
		return nil, nil, nil
	})
	if err != nil && hearth.ErrorCode(err) != hearth.ENOTFOUND {
		r.errs = append(r.errs, fmt.Errorf("save meeting event: %w", err))
	}
}

// discordCode returns Discord's JSON error code of err, or 0.
func discordCode(err error) int {
	var se *hearth.SendError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

// location is where an event says the meeting is: "#channel-name" when the
// Discord client can name the channel, else the channel mention.
func location(ctx context.Context, d hearth.Discord, g *hearth.Group) string {
	if n, ok := d.(ChannelNamer); ok {
		if name, err := n.ChannelName(ctx, g.ChannelID); err == nil && name != "" {
			return "#" + name
		}
	}
	return "<#" + g.ChannelID + ">"
}
