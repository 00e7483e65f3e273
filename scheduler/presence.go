package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hearthbot/hearth"
)

// PresenceStore is what voice presence reads and writes.
type PresenceStore interface {
	hearth.GroupStore
	hearth.MembershipStore
	hearth.MeetingStore
	hearth.CheckInStore
	hearth.PresenceStore
}

// voiceGroupsTTL is how long the groups of a guild that have a voice
// channel are kept in memory: voice updates come by the thousand, group
// edits rarely.
const voiceGroupsTTL = 10 * time.Second

// Presence turns Discord voice states into durable presence intervals
// (SPEC §12). It keeps only what concerns a group's members in that
// group's voice channel from hearth.PresenceWindow before a meeting until
// its end; every other voice state is dropped at once, never stored or
// logged. In memory it keeps, per group voice channel, which of the
// group's members are in it now, so a meeting that starts finds those who
// came early and stayed put.
type Presence struct {
	Store PresenceStore
	Now   func() time.Time
	// PresentFor is how long a member must be there during a meeting to
	// count as attended (meetings.present_minutes).
	PresentFor time.Duration
	Log        *slog.Logger

	mu        sync.Mutex
	occupants map[string]map[string]bool // voice channel id → user ids (members only)
	groups    map[string]cachedVoiceGroups
}

type cachedVoiceGroups struct {
	at     time.Time
	groups []*hearth.Group
}

func (p *Presence) now() time.Time {
	if p.Now == nil {
		return time.Now().UTC()
	}
	return p.Now().UTC()
}

// voiceGroups returns the guild's groups that have a voice channel.
func (p *Presence) voiceGroups(ctx context.Context, guildID string) ([]*hearth.Group, error) {
	now := time.Now() // the cache ages by the wall clock, whatever the test clock says
	p.mu.Lock()
	c, ok := p.groups[guildID]
	p.mu.Unlock()
	if ok && now.Sub(c.at) < voiceGroupsTTL {
		return c.groups, nil
	}
	all, err := p.Store.Groups(ctx, guildID)
	if err != nil {
		return nil, err
	}
	var out []*hearth.Group
	for _, g := range all {
		if g.VoiceChannelID != "" {
			out = append(out, g)
		}
	}
	p.mu.Lock()
	if p.groups == nil {
		p.groups = map[string]cachedVoiceGroups{}
	}
	p.groups[guildID] = cachedVoiceGroups{at: now, groups: out}
	p.mu.Unlock()
	return out, nil
}

// Forget drops the cached voice groups of a guild, after a group changed.
func (p *Presence) Forget(guildID string) {
	p.mu.Lock()
	delete(p.groups, guildID)
	p.mu.Unlock()
}

// isMember reports whether userID is a member of g.
func (p *Presence) isMember(ctx context.Context, g *hearth.Group, userID string) (bool, error) {
	_, err := p.Store.Membership(ctx, g.ID, userID)
	switch {
	case err == nil:
		return true, nil
	case hearth.ErrorCode(err) == hearth.ENOTFOUND:
		return false, nil
	}
	return false, err
}

// current returns g's meeting whose presence window holds now, or nil.
func (p *Presence) current(ctx context.Context, g *hearth.Group, now time.Time) (*hearth.Meeting, error) {
	ms, err := p.Store.UpcomingMeetings(ctx, g.ID, now, 2)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if m.InWindow(now) {
			return m, nil
		}
	}
	return nil, nil
}

func (p *Presence) setOccupant(channelID, userID string, in bool) (was bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.occupants == nil {
		p.occupants = map[string]map[string]bool{}
	}
	set := p.occupants[channelID]
	was = set[userID]
	switch {
	case in && set == nil:
		p.occupants[channelID] = map[string]bool{userID: true}
	case in:
		set[userID] = true
	default:
		delete(set, userID)
	}
	return was
}

// Occupants returns the members hearth saw in a group voice channel.
func (p *Presence) Occupants(channelID string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for u := range p.occupants[channelID] {
		out = append(out, u)
	}
	return out
}

// VoiceState handles one VOICE_STATE_UPDATE.
func (p *Presence) VoiceState(ctx context.Context, vs hearth.VoiceState) error {
	groups, err := p.voiceGroups(ctx, vs.GuildID)
	if err != nil || len(groups) == 0 {
		return err
	}
	now := p.now()
	var errs []error
	for _, g := range groups {
		in := vs.ChannelID == g.VoiceChannelID
		if in {
			member, err := p.isMember(ctx, g, vs.UserID)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			in = member
		}
		was := p.setOccupant(g.VoiceChannelID, vs.UserID, in)
		if in == was {
			// Not about this group, or no move: a mute, a camera, a
			// stream. The member's interval, if any, was opened when they
			// came (or at the snapshot, or at the meeting's start).
			continue
		}
		m, err := p.current(ctx, g, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if m == nil {
			continue // outside every meeting's window: dropped
		}
		if in {
			_, err = p.Store.OpenPresence(ctx, m, vs.UserID, now)
		} else {
			err = p.Store.ClosePresence(ctx, m.ID, vs.UserID, now)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// VoiceSnapshot handles the voice states of a GUILD_CREATE: who is in voice
// when a connection starts. An interval left open by a process that
// stopped is closed now unless the member is still there.
func (p *Presence) VoiceSnapshot(ctx context.Context, guildID string, states []hearth.VoiceState) error {
	p.Forget(guildID)
	groups, err := p.voiceGroups(ctx, guildID)
	if err != nil || len(groups) == 0 {
		return err
	}
	now := p.now()
	var errs []error
	for _, g := range groups {
		there := map[string]bool{}
		for _, vs := range states {
			if vs.ChannelID != g.VoiceChannelID {
				continue
			}
			member, err := p.isMember(ctx, g, vs.UserID)
			if err != nil {
				errs = append(errs, err)
			} else if member {
				there[vs.UserID] = true
			}
		}
		p.mu.Lock()
		if p.occupants == nil {
			p.occupants = map[string]map[string]bool{}
		}
		p.occupants[g.VoiceChannelID] = there
		p.mu.Unlock()
		m, err := p.current(ctx, g, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if m == nil {
			continue
		}
		if _, err := p.Store.CloseAllPresence(ctx, m.ID, there, now); err != nil {
			errs = append(errs, err)
		}
		for u := range there {
			if _, err := p.Store.OpenPresence(ctx, m, u, now); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// MeetingStarted opens the intervals of the members already in the voice
// channel when a meeting starts, who came before its window and did not
// move since.
func (p *Presence) MeetingStarted(ctx context.Context, g *hearth.Group, m *hearth.Meeting) error {
	if g.VoiceChannelID == "" {
		return nil
	}
	now := p.now()
	for _, u := range p.Occupants(g.VoiceChannelID) {
		if member, err := p.isMember(ctx, g, u); err != nil {
			return err
		} else if !member {
			continue
		}
		if _, err := p.Store.OpenPresence(ctx, m, u, now); err != nil {
			return err
		}
	}
	return nil
}

// Attend closes the meeting's open intervals at its end and records the
// attendance presence earns: a check-in without mood, marked as from
// presence, for each member there at least PresentFor who did not check in
// themselves. It may run again after a crash: a member's check-in is kept.
func (p *Presence) Attend(ctx context.Context, g *hearth.Group, m *hearth.Meeting) (int, error) {
	if _, err := p.Store.CloseAllPresence(ctx, m.ID, nil, m.EndsAt); err != nil {
		return 0, err
	}
	ivs, err := p.Store.Presence(ctx, m.ID)
	if err != nil || len(ivs) == 0 {
		return 0, err
	}
	members, err := p.Store.Members(ctx, g.ID)
	if err != nil {
		return 0, fmt.Errorf("load members: %w", err)
	}
	checkIns, err := p.Store.CheckIns(ctx, m.ID)
	if err != nil {
		return 0, fmt.Errorf("load check-ins: %w", err)
	}
	done := map[string]bool{}
	for _, c := range checkIns {
		done[c.UserID] = true
	}
	n := 0
	for _, c := range hearth.PresenceAttendance(m, ivs, members, done, p.PresentFor) {
		// A check-in made meanwhile wins: update nil keeps it as it is.
		if _, created, err := p.Store.SaveCheckIn(ctx, c, nil); err != nil {
			return n, fmt.Errorf("record presence attendance: %w", err)
		} else if created {
			n++
		}
	}
	if n > 0 {
		p.Log.Info("attendance from voice presence", "meeting", m.ID, "group", g.ID, "count", n)
	}
	return n, nil
}
