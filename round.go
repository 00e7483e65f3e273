package hearth

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// RoundPhase is where the round of a meeting stands.
type RoundPhase string

// Round phases: the check-in order first, then the sharers, then over.
const (
	RoundCheckIn RoundPhase = "checkin"
	RoundSharing RoundPhase = "sharing"
	RoundOver    RoundPhase = "over"
)

// Round actions, the buttons of the start post (SPEC §12).
const (
	RoundNext  = "next"
	RoundSkip  = "skip"
	RoundShare = "share"
)

// RoundState is the round of one meeting: who speaks now, who is done. It
// is stored, so a restart or a second process continues from it, and each
// press names the Step it was rendered at, so a press is applied once.
type RoundState struct {
	MeetingID int64
	Phase     RoundPhase
	Index     int      // the speaker now: an index into the phase's list
	Done      []string // user ids who spoke, in order
	Skipped   []string // user ids skipped
	Step      int      // how many presses were applied
	ChannelID string   // where the post with the buttons is
	MessageID string
}

// NewRound returns the round of a meeting whose start post is messageID.
func NewRound(meetingID int64, channelID, messageID string) *RoundState {
	return &RoundState{MeetingID: meetingID, Phase: RoundCheckIn, ChannelID: channelID, MessageID: messageID}
}

// speakers returns the list the phase walks through.
func (s *RoundState) speakers(r *Rota) []string {
	if r == nil {
		return nil
	}
	switch s.Phase {
	case RoundCheckIn:
		return r.Order
	case RoundSharing:
		return r.Sharers
	}
	return nil
}

// settle moves past the end of a phase's list (or an empty one).
func (s *RoundState) settle(r *Rota) {
	for s.Phase != RoundOver && s.Index >= len(s.speakers(r)) {
		if s.Phase == RoundCheckIn {
			s.Phase, s.Index = RoundSharing, 0
		} else {
			s.Phase, s.Index = RoundOver, 0
		}
	}
}

// Now returns who speaks now and who is next ("" for nobody).
func (s *RoundState) Now(r *Rota) (now, next string) {
	c := *s
	c.settle(r)
	sp := c.speakers(r)
	if c.Phase == RoundOver {
		return "", ""
	}
	now = sp[c.Index]
	if c.Index+1 < len(sp) {
		return now, sp[c.Index+1]
	}
	if c.Phase == RoundCheckIn && r != nil && len(r.Sharers) > 0 {
		return now, r.Sharers[0]
	}
	return now, ""
}

// Apply applies a press rendered at step. A press of an older step (a
// double press, a retry after a crash) changes nothing and reports false.
func (s *RoundState) Apply(r *Rota, action string, step int) (bool, error) {
	if step != s.Step {
		return false, nil
	}
	s.settle(r)
	switch action {
	case RoundNext, RoundSkip:
		if s.Phase == RoundOver {
			return false, nil
		}
		who := s.speakers(r)[s.Index]
		if action == RoundNext {
			s.Done = append(s.Done, who)
		} else {
			s.Skipped = append(s.Skipped, who)
		}
		s.Index++
	case RoundShare:
		if s.Phase != RoundCheckIn {
			return false, nil
		}
		s.Phase, s.Index = RoundSharing, 0
	default:
		return false, Errorm(EINVALID, "dom_round.bad_button", nil, msgRoundBadButton)
	}
	s.settle(r)
	s.Step++
	return true, nil
}

// roundListBudget bounds each list of names in the round section, so the
// post stays within Discord's 2000 characters for groups of 500.
const roundListBudget = 400

// MaxRoundSection bounds what AttachRound adds to a post (RoundSection and
// the closing line): its title, now and next, and two lists of at most
// roundListBudget characters each. StartPosts leaves this much room.
const MaxRoundSection = 1200

// RoundSection renders the round for the last part of the start post — the
// only part edited afterwards — and its buttons: who speaks now, who is
// next, who is done and who was skipped. Lists longer than fit are cut
// with "and N more". The buttons carry the meeting and the step. p is the
// group's language: the round is part of a channel post.
func RoundSection(r *Rota, s *RoundState, p Printer) (string, [][]Button) {
	var b strings.Builder
	now, next := s.Now(r)
	c := *s
	c.settle(r)
	switch c.Phase {
	case RoundCheckIn:
		b.WriteString(p.Text("dom_round.check_in", "N", c.Index+1, "Total", len(r.Order)))
	case RoundSharing:
		b.WriteString(p.Text("dom_round.sharing", "N", c.Index+1, "Total", len(r.Sharers)))
	default:
		b.WriteString(p.Text("dom_round.over"))
	}
	if now != "" {
		b.WriteString("\n" + p.Text("dom_round.now", "Who", Mention(now)))
	}
	if next != "" {
		b.WriteString("\n" + p.Text("dom_round.next", "Who", Mention(next)))
	}
	if len(s.Done) > 0 {
		b.WriteString("\n" + p.Text("dom_round.done", "Names", clippedMentions(s.Done, roundListBudget, p)))
	}
	if len(s.Skipped) > 0 {
		b.WriteString("\n" + p.Text("dom_round.skipped", "Names", clippedMentions(s.Skipped, roundListBudget, p)))
	}
	if c.Phase == RoundOver {
		return b.String(), nil
	}
	id := strconv.FormatInt(s.MeetingID, 10) + ":" + strconv.Itoa(s.Step)
	row := []Button{
		{Label: p.Text("dom_round.btn_next"), CustomID: "round:" + RoundNext + ":" + id, Style: ButtonPrimary},
		{Label: p.Text("dom_round.btn_skip"), CustomID: "round:" + RoundSkip + ":" + id, Style: ButtonSecondary},
		{Label: p.Text("dom_round.btn_share"), CustomID: "round:" + RoundShare + ":" + id, Style: ButtonSuccess, Disabled: c.Phase != RoundCheckIn},
	}
	return b.String(), [][]Button{row}
}

// clippedMentions joins mentions of ids, the latest last, within budget
// characters, saying how many earlier ones were left out (in p's language).
func clippedMentions(ids []string, budget int, p Printer) string {
	var parts []string
	n := 0
	for i := len(ids) - 1; i >= 0; i-- {
		m := Mention(ids[i])
		if n+len(m)+2 > budget {
			break
		}
		parts = append([]string{m}, parts...)
		n += len(m) + 2
	}
	out := strings.Join(parts, ", ")
	if left := len(ids) - len(parts); left > 0 {
		out = p.Text("dom_round.earlier", "Count", left, "Names", out)
	}
	return out
}

// JobRoundClose edits the start post of a meeting that ended: the round's
// buttons are taken off, so nobody presses them in vain.
const JobRoundClose JobKind = "meeting.round-close"

// RoundCloseJob returns the job that closes the round of a meeting that
// ended, due at now.
func RoundCloseJob(m *Meeting, g *Group, now time.Time) *Job {
	return &Job{Kind: JobRoundClose, Key: MeetingKey(m.ID, "round-close"), Priority: PriorityReminder,
		DueAt: now.UTC(), GuildID: g.GuildID, GroupID: g.ID, MeetingID: m.ID}
}

// ClosedRoundPost is the start post of a meeting that ended: the round as
// it stood, without buttons.
func ClosedRoundPost(g *Group, m *Meeting, s *RoundState, p Printer) Message {
	msg := RoundPost(g, m, s, p)
	msg.Content += "\n" + p.Text("dom_round.closed")
	msg.Buttons = nil
	return msg
}

// RoundStore keeps the round of each meeting.
type RoundStore interface {
	// SaveRound stores the round of a meeting once: a second save of the
	// same meeting keeps the first.
	SaveRound(ctx context.Context, s *RoundState) error
	// Round returns the round of a meeting, or ENOTFOUND.
	Round(ctx context.Context, meetingID int64) (*RoundState, error)
	// UpdateRound applies fn to the stored round and saves it atomically;
	// fn reporting false saves nothing.
	UpdateRound(ctx context.Context, meetingID int64, fn func(*RoundState) (bool, error)) (*RoundState, bool, error)
}

// AttachRound adds the round section and its buttons to msg, the last (or
// only) part of a meeting's start post: the part that presses edit. p is
// the group's language.
func AttachRound(msg *Message, r *Rota, s *RoundState, p Printer) {
	if r == nil || len(r.Order) == 0 {
		return
	}
	section, buttons := RoundSection(r, s, p)
	msg.Content += "\n\n" + section
	msg.Buttons = buttons
}

// RoundPost is the last part of the start post of m (StartPosts) with its
// round, in the group's language p: what a press edits that part to. Edits
// ping nobody.
func RoundPost(g *Group, m *Meeting, s *RoundState, p Printer) Message {
	parts := StartPosts(g, m, p)
	msg := parts[len(parts)-1]
	msg.MentionUsers = nil
	AttachRound(&msg, m.Rota, s, p)
	return msg
}
