package hearth

import (
	"context"
	"sort"
	"time"
)

// PresenceWindow is how long before a meeting hearth starts to record who is
// in the group's voice channel. Outside [start-PresenceWindow, end) every
// voice state is dropped.
const PresenceWindow = 15 * time.Minute

// VoiceState is one user's voice channel in a guild as Discord reports it;
// an empty ChannelID means the user left voice.
type VoiceState struct {
	GuildID   string
	ChannelID string
	UserID    string
}

// PresenceInterval is a member's stay in their group's voice channel around
// one meeting. It is personal data: shown, exported, erased and purged like
// check-ins. An open interval has a zero LeftAt.
type PresenceInterval struct {
	ID        int64
	MeetingID int64
	GroupID   int64
	UserID    string
	JoinedAt  time.Time
	LeftAt    time.Time // zero: still there
}

// InWindow reports whether voice presence is recorded for m at t: from
// PresenceWindow before its start until its end, unless it was cancelled.
func (m *Meeting) InWindow(t time.Time) bool {
	return m.Status != MeetingCancelled && m.Status != MeetingDone &&
		!t.Before(m.StartsAt.Add(-PresenceWindow)) && t.Before(m.EndsAt)
}

// TimePresent returns how long a user's intervals overlap the meeting
// [StartsAt, EndsAt); open intervals count until until (or the end, if
// earlier). Overlapping intervals are counted once.
func TimePresent(ivs []*PresenceInterval, m *Meeting, userID string, until time.Time) time.Duration {
	type span struct{ a, b time.Time }
	var spans []span
	for _, iv := range ivs {
		if iv.UserID != userID {
			continue
		}
		a, b := iv.JoinedAt, iv.LeftAt
		if b.IsZero() {
			b = until
		}
		if a.Before(m.StartsAt) {
			a = m.StartsAt
		}
		if b.After(m.EndsAt) {
			b = m.EndsAt
		}
		if b.After(a) {
			spans = append(spans, span{a, b})
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].a.Before(spans[j].a) })
	var total time.Duration
	var cur span
	for i, s := range spans {
		switch {
		case i == 0:
			cur = s
		case !s.a.After(cur.b):
			if s.b.After(cur.b) {
				cur.b = s.b
			}
		default:
			total += cur.b.Sub(cur.a)
			cur = s
		}
	}
	if len(spans) > 0 {
		total += cur.b.Sub(cur.a)
	}
	return total
}

// PresenceAttendance returns the check-ins that presence earns at the end
// of m: one, without mood and marked FromPresence, for each member (in
// members) present at least min during the meeting who did not check in
// themselves (checkedIn). Their own /checkin always wins.
func PresenceAttendance(m *Meeting, ivs []*PresenceInterval, members []*Membership, checkedIn map[string]bool, min time.Duration) []*CheckIn {
	var out []*CheckIn
	for _, mb := range members {
		if checkedIn[mb.UserID] {
			continue
		}
		if TimePresent(ivs, m, mb.UserID, m.EndsAt) >= min {
			out = append(out, &CheckIn{MeetingID: m.ID, GroupID: m.GroupID, UserID: mb.UserID, FromPresence: true, CreatedAt: m.EndsAt})
		}
	}
	return out
}

// PresenceStore keeps voice presence as durable intervals, so any process
// or shard can compute attendance and a restart mid-meeting loses nothing.
type PresenceStore interface {
	// OpenPresence records that userID is in the voice channel of meeting's
	// group from at, unless an interval of theirs is open for it already.
	// It reports whether it opened one.
	OpenPresence(ctx context.Context, m *Meeting, userID string, at time.Time) (bool, error)
	// ClosePresence closes the user's open interval of the meeting at at;
	// no open interval is not an error.
	ClosePresence(ctx context.Context, meetingID int64, userID string, at time.Time) error
	// CloseAllPresence closes every open interval of the meeting at at,
	// except those of the users in keep.
	CloseAllPresence(ctx context.Context, meetingID int64, keep map[string]bool, at time.Time) (int, error)
	// Presence returns the intervals of a meeting, oldest first.
	Presence(ctx context.Context, meetingID int64) ([]*PresenceInterval, error)
}

// VoiceObserver is told of the voice states Discord sends; the bot calls it
// from the gateway and it decides, at once, what to keep.
type VoiceObserver interface {
	// VoiceState handles one VOICE_STATE_UPDATE.
	VoiceState(ctx context.Context, vs VoiceState) error
	// VoiceSnapshot handles the voice states of a GUILD_CREATE: everyone in
	// voice in that guild when the connection started.
	VoiceSnapshot(ctx context.Context, guildID string, states []VoiceState) error
}

// Reasons, in a failure report (JobFailureReport), of a problem with a
// group's voice channel.
const (
	StaffVoiceGone     = "voice-gone"      // the voice channel no longer exists
	StaffVoiceNoAccess = "voice-forbidden" // hearth cannot see the voice channel
)

// VoiceCheck is not a job: it is the kind under which a voice channel
// hearth cannot see at a meeting's start is counted with the refused work
// (hearth_jobs_given_up_total), since it is reported like a refused post.
const VoiceCheck JobKind = "meeting.voice"

// VoiceProblemNotice is the notice, for the staff channel or a
// psychologist, when hearth cannot see a group's voice channel, so presence
// cannot count attendance: the group only, no member and no content, in the
// reader's language p.
func VoiceProblemNotice(g *Group, reason string, p Printer) Message {
	why := p.Text("dom_notice.voice_gone")
	if reason == StaffVoiceNoAccess {
		why = p.Text("dom_notice.voice_no_access")
	}
	return Message{Content: p.Text("dom_notice.voice_problem", "Group", g.Name, "Why", why)}
}
