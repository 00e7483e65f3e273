package hearth

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Rota is the check-in order and the sharers of one meeting (SPEC §4).
//
// A rota is computed with ComputeRota when the first reminder of a meeting is
// posted and stored with the meeting; from then on it changes only through
// Pass and Remove, and AdvanceRota counts its shares when the meeting ends.
//
// The queue that decides who shares orders members by fewest Shares, then by
// who shared longest ago (never shared comes first), then by joining order
// (Seq), then by user id. Sharers are always listed in check-in order.
type Rota struct {
	Order   []string `json:"order"`   // user ids, check-in order
	Sharers []string `json:"sharers"` // user ids who share
	Passed  []string `json:"passed"`  // user ids who passed their turn
}

// ComputeRota returns the rota of a meeting starting at meetingStart.
//
// The active members are the members not away at meetingStart. The check-in
// order is the active members sorted by joining order (Seq), rotated left by
// round places (modulo their number), where round is how many meetings of the
// group ended before this one; so the first speaker changes at every meeting.
// The sharers are the first sharers active members of the queue (see Rota);
// a negative sharers counts as zero, and a number larger than the active
// members makes everyone a sharer. The result never aliases members.
func ComputeRota(members []*Membership, meetingStart time.Time, round int, sharers int) *Rota {
	var active []*Membership
	for _, m := range members {
		if m != nil && !m.Away(meetingStart) {
			active = append(active, m)
		}
	}
	slices.SortStableFunc(active, joinOrder)

	r := &Rota{
		Order:   make([]string, 0, len(active)),
		Sharers: []string{},
		Passed:  []string{},
	}
	n := len(active)
	if n == 0 {
		return r
	}
	shift := ((round % n) + n) % n
	for i := range n {
		r.Order = append(r.Order, active[(i+shift)%n].UserID)
	}

	queue := slices.Clone(active)
	slices.SortStableFunc(queue, queueOrder)
	chosen := make(map[string]bool)
	for _, m := range queue[:min(max(sharers, 0), n)] {
		chosen[m.UserID] = true
	}
	for _, id := range r.Order {
		if chosen[id] {
			r.Sharers = append(r.Sharers, id)
		}
	}
	return r
}

// JoinBaseline returns the Shares a new member of a group starts with, given
// the group's current members, so that the newcomer goes to the back of the
// queue instead of jumping ahead of everyone with zero shares.
//
// The rule: the baseline is the largest Shares of the current members (0 for
// an empty group), and the join command also sets the newcomer's LastShared
// to their JoinedAt. With the most shares of anyone and the latest
// LastShared (and the highest Seq as the last tie-break), the newcomer is
// behind every current member, and shares once everyone already in the group
// has caught up. The maximum rather than the minimum is used so that a member
// who has been away for months with few shares does not pull newcomers ahead
// of the regulars. Shares is therefore a place in the queue, not a count of
// the times a member actually shared.
func JoinBaseline(members []*Membership) int {
	base := 0
	for _, m := range members {
		if m != nil {
			base = max(base, m.Shares)
		}
	}
	return base
}

// Pass records that userID does not share at the meeting of this rota: the
// user leaves the sharers and is added to Passed, and the next member in the
// queue who is still in the check-in order, is not away at meetingStart, is
// not a sharer and has not passed takes the turn (if there is one). The
// passer's Shares and LastShared are untouched, so they stay at the front of
// the queue for the next meeting; their place in the check-in order does not
// change either.
//
// Pass returns an *Error with code EINVALID if the user is not a sharer of
// this meeting, and ECONFLICT if they have already passed.
func (r *Rota) Pass(userID string, members []*Membership, meetingStart time.Time) error {
	if r != nil && slices.Contains(r.Passed, userID) {
		return Errorf(ECONFLICT, "You have already passed your turn at the next meeting.")
	}
	if !r.IsSharer(userID) {
		return Errorf(EINVALID, "You are not sharing at the next meeting, so there is nothing to pass.")
	}
	r.Sharers = deleteID(r.Sharers, userID)
	r.Passed = append(r.Passed, userID)
	r.fill(members, meetingStart)
	return nil
}

// Remove takes userID out of the rota, for a member who goes away or leaves
// the group after the rota was fixed: out of the check-in order, the sharers
// and Passed. If they were a sharer, the next in line takes their turn as
// with Pass. Removing a user who is not in the rota does nothing.
func (r *Rota) Remove(userID string, members []*Membership, meetingStart time.Time) {
	if r == nil {
		return
	}
	wasSharer := r.IsSharer(userID)
	r.Order = deleteID(r.Order, userID)
	r.Sharers = deleteID(r.Sharers, userID)
	r.Passed = deleteID(r.Passed, userID)
	if wasSharer {
		r.fill(members, meetingStart)
	}
}

// Position returns the 1-based place of userID in the check-in order, or 0
// if they are not in it.
func (r *Rota) Position(userID string) int {
	if r == nil {
		return 0
	}
	return slices.Index(r.Order, userID) + 1
}

// IsSharer reports whether userID shares at the meeting of this rota.
func (r *Rota) IsSharer(userID string) bool {
	return r != nil && slices.Contains(r.Sharers, userID)
}

// AdvanceRota counts the shares of a meeting that has ended: each sharer of r
// who did not pass gets Shares+1 and LastShared = meetingStart. Members are
// updated in place and the updated ones are returned, in the order of
// members, for the caller to save. Sharers who are no longer among members
// (they left) are skipped. A member whose LastShared already equals
// meetingStart is not counted again, so advancing the same meeting twice,
// for instance after a crash, counts each share once.
func AdvanceRota(r *Rota, members []*Membership, meetingStart time.Time) []*Membership {
	if r == nil {
		return nil
	}
	var updated []*Membership
	for _, m := range members {
		if m == nil || !r.IsSharer(m.UserID) || slices.Contains(r.Passed, m.UserID) {
			continue
		}
		if m.LastShared.Equal(meetingStart) {
			continue
		}
		m.Shares++
		m.LastShared = meetingStart
		updated = append(updated, m)
	}
	return updated
}

// Lines renders the rota for Discord as two lines, members as mentions:
//
//	**Sharers:** <@1>, <@2>
//	**Check-in order:** 1. <@3> 2. <@1> 3. <@2>
//
// When nobody shares, the sharers line says why: no active members, everyone
// in line passed, or (with active members and no passes) sharing is off for
// the group.
func (r *Rota) Lines() (sharers, order string) {
	const (
		sharersTitle = "**Sharers:** "
		orderTitle   = "**Check-in order:** "
	)
	if r == nil || len(r.Order) == 0 {
		return sharersTitle + "nobody — no active members", orderTitle + "no active members"
	}
	switch {
	case len(r.Sharers) > 0:
		mentions := make([]string, len(r.Sharers))
		for i, id := range r.Sharers {
			mentions[i] = mention(id)
		}
		sharers = sharersTitle + strings.Join(mentions, ", ")
	case len(r.Passed) > 0:
		sharers = sharersTitle + "nobody — everyone in line passed"
	default:
		sharers = sharersTitle + "nobody — sharing is off for this group"
	}
	var b strings.Builder
	b.WriteString(orderTitle)
	for i, id := range r.Order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(i + 1))
		b.WriteString(". ")
		b.WriteString(mention(id))
	}
	return sharers, b.String()
}

// fill adds one sharer: the first member of the queue who is in the check-in
// order, not away at meetingStart, not a sharer and has not passed. Sharers
// stay in check-in order.
func (r *Rota) fill(members []*Membership, meetingStart time.Time) {
	var next *Membership
	for _, m := range members {
		if m == nil || m.Away(meetingStart) || !slices.Contains(r.Order, m.UserID) ||
			slices.Contains(r.Sharers, m.UserID) || slices.Contains(r.Passed, m.UserID) {
			continue
		}
		if next == nil || queueOrder(m, next) < 0 {
			next = m
		}
	}
	if next == nil {
		return
	}
	r.Sharers = append(r.Sharers, next.UserID)
	slices.SortStableFunc(r.Sharers, func(a, b string) int {
		return cmp.Compare(slices.Index(r.Order, a), slices.Index(r.Order, b))
	})
}

// joinOrder orders members by joining order, then user id.
func joinOrder(a, b *Membership) int {
	return cmp.Or(cmp.Compare(a.Seq, b.Seq), strings.Compare(a.UserID, b.UserID))
}

// queueOrder orders members by who shares first: fewest shares, then who
// shared longest ago (never shared first), then joining order.
func queueOrder(a, b *Membership) int {
	if c := cmp.Compare(a.Shares, b.Shares); c != 0 {
		return c
	}
	switch az, bz := a.LastShared.IsZero(), b.LastShared.IsZero(); {
	case az && !bz:
		return -1
	case !az && bz:
		return 1
	}
	return cmp.Or(a.LastShared.Compare(b.LastShared), joinOrder(a, b))
}

func deleteID(ids []string, id string) []string {
	return slices.DeleteFunc(ids, func(s string) bool { return s == id })
}

func mention(userID string) string { return "<@" + userID + ">" }
