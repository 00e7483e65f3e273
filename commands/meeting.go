package commands

import (
	"context"
	"slices"
	"time"

	"github.com/hearthbot/hearth"
)

// Which meeting of a group a command is about: every command finds it
// with Service.meeting, so "the next meeting" means the same everywhere.
type which int

const (
	// currentOrNext is the meeting running now, else the next one
	// (/rota show, /rota pass, /next).
	currentOrNext which = iota
	// notStarted is the next meeting that has not started (/rota away).
	notStarted
	// checkInOpen is the meeting open for check-in: running, or starting
	// within hearth.CheckInOpens (/checkin).
	checkInOpen
)

// meeting returns the group's planned meeting of kind w at t, or nil when
// there is none (not an error: each command says so in its own words).
// Done and cancelled meetings never count.
func (s *Service) meeting(ctx context.Context, g *hearth.Group, t time.Time, w which) (*hearth.Meeting, error) {
	ms, err := s.Store.UpcomingMeetings(ctx, g.ID, t, 5)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.Status == hearth.MeetingDone {
			continue
		}
		switch {
		case w == currentOrNext,
			w == notStarted && m.StartsAt.After(t),
			w == checkInOpen && m.OpenForCheckIn(t):
			return m, nil
		}
	}
	return nil, nil
}

// comingMeetings returns the group's next n meetings that end after t:
// the planned ones (not cancelled or done), one-offs included, and beyond
// the planning horizon the times of the group's schedule, each shown as an
// unsaved scheduled meeting (ID 0). A date skipped beyond the horizon is
// stored as a cancelled meeting, so it is left out. A monthly group thus
// shows five months, though only two weeks are planned.
func (s *Service) comingMeetings(ctx context.Context, g *hearth.Group, t time.Time, n int) ([]*hearth.Meeting, error) {
	out, err := s.Store.UpcomingMeetings(ctx, g.ID, t, n)
	if err != nil {
		return nil, err
	}
	out = slices.DeleteFunc(out, func(m *hearth.Meeting) bool { return m.Status == hearth.MeetingDone })
	var times []time.Time
	if g.Schedule != "" {
		loc, err := g.Location()
		if err != nil {
			return nil, err
		}
		sched, err := hearth.ParseSchedule(g.Schedule, loc, g.ScheduleSetAt)
		if err != nil {
			return nil, err
		}
		// Batches of n times until n are not stored (a stored time is in out
		// already, or was cancelled or held); a few batches at most, so a
		// schedule whose dates were all skipped cannot loop for long.
		after := t
		for range 4 {
			batch := hearth.NextN(sched, after, n)
			if len(batch) == 0 {
				break
			}
			last := batch[len(batch)-1]
			stored, err := s.Store.MeetingsBetween(ctx, g.ID, batch[0], last.Add(time.Second))
			if err != nil {
				return nil, err
			}
			for _, st := range batch {
				if !containsStart(stored, st) {
					times = append(times, st)
				}
			}
			if len(times) >= n {
				break
			}
			after = last
		}
	}
	for _, st := range times {
		out = append(out, &hearth.Meeting{GroupID: g.ID, StartsAt: st, EndsAt: st.Add(g.Length()), Status: hearth.MeetingScheduled})
	}
	slices.SortStableFunc(out, func(a, b *hearth.Meeting) int { return a.StartsAt.Compare(b.StartsAt) })
	return out[:min(n, len(out))], nil
}

// containsStart reports whether one of ms starts at t.
func containsStart(ms []*hearth.Meeting, t time.Time) bool {
	for _, m := range ms {
		if m.StartsAt.Equal(t) {
			return true
		}
	}
	return false
}

// meetingOfButton reads the meeting a button names and its group, for one
// of that group's current psychologists: an unknown meeting or group, a
// group of another server than the interaction's (a DM has none: the
// meeting's group decides) and anyone else all get refuse, so nobody
// learns what exists elsewhere.
func (s *Service) meetingOfButton(ctx context.Context, r *Request, id int64, refuse error) (*hearth.Meeting, *hearth.Group, error) {
	m, err := s.Store.Meeting(ctx, id)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil, nil, refuse
	} else if err != nil {
		return nil, nil, err
	}
	g, err := s.Store.Group(ctx, m.GroupID)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil, nil, refuse
	} else if err != nil {
		return nil, nil, err
	}
	if (r.GuildID != "" && r.GuildID != g.GuildID) || !g.IsPsychologist(r.User.ID) {
		return nil, nil, refuse
	}
	return m, g, nil
}
