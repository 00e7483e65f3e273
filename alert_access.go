package hearth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// AlertServiceStore is what AlertService reads and writes.
type AlertServiceStore interface {
	AlertStore
	GroupStore
	GuildStore
	JobStore
	AuditStore
}

// AlertService holds the operations people perform on alerts, and the one
// rule of who may perform them. Slash commands, the buttons of alert DMs
// and the web dashboard all call it, so there is one acknowledge path, one
// resolve path and one authorization.
type AlertService struct {
	Store  AlertServiceStore
	Config AlertsConfig
	Now    func() time.Time
	// Wake tells the delivery engine that new work is due now (may be nil).
	Wake func()
}

// AlertActor is who asks to act on an alert, and from which server.
type AlertActor struct {
	UserID string
	// GuildID is the server the request comes from: the interaction's
	// guild, the server a DM button names in its custom_id, the server
	// chosen on the dashboard. Empty only for a DM button stored before
	// buttons named their server; then only the role is checked.
	GuildID string
}

// AlertAccess is an alert the actor may act on, with its group and
// deliveries as they were when access was granted.
type AlertAccess struct {
	Alert      *Alert
	Group      *Group
	Deliveries []*AlertDelivery
	// AsLead: the actor acts as the clinical lead, not as a psychologist.
	AsLead bool
}

func (s *AlertService) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

func (s *AlertService) wake() {
	if s.Wake != nil {
		s.Wake()
	}
}

// errAlertRefused is the one refusal for an alert id the actor may not act
// on: unknown, erased, of another server, of another group. The same text
// for all, so nobody learns what exists elsewhere.
func errAlertRefused(id int64) error {
	return Errorm(EFORBIDDEN, "dom_alert.refused", []any{"ID", id}, msgAlertRefused, id)
}

// Authorize returns the alert if actor may act on it now: it is an alert of
// actor.GuildID, and actor is a current psychologist of its group, or the
// current clinical lead of the server once the alert escalated. Someone
// who received the alert but no longer may act on it is told it passed to
// the people of now; every other refusal is the same, whatever the id.
func (s *AlertService) Authorize(ctx context.Context, actor AlertActor, id int64) (*AlertAccess, error) {
	if actor.UserID == "" || id <= 0 {
		return nil, errAlertRefused(id)
	}
	a, err := s.Store.Alert(ctx, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil, errAlertRefused(id)
	} else if err != nil {
		return nil, err
	}
	if actor.GuildID != "" && a.GuildID != actor.GuildID {
		return nil, errAlertRefused(id)
	}
	g, err := s.Store.Group(ctx, a.GroupID)
	if ErrorCode(err) == ENOTFOUND {
		return nil, errAlertRefused(id)
	} else if err != nil {
		return nil, err
	}
	settings, err := s.Store.GuildSettings(ctx, a.GuildID)
	if err != nil {
		return nil, err
	}
	ds, err := s.Store.Deliveries(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	if MayActOnAlert(a, g, settings.LeadID, actor.UserID) {
		return &AlertAccess{Alert: a, Group: g, Deliveries: ds, AsLead: !g.IsPsychologist(actor.UserID)}, nil
	}
	for _, d := range ds {
		if d.RecipientID == actor.UserID {
			if d.Role == RoleLead {
				return nil, Errorm(EFORBIDDEN, "dom_alert.passed_lead", []any{"ID", id}, msgAlertPassedLead, id)
			}
			return nil, Errorm(EFORBIDDEN, "dom_alert.passed", []any{"ID", id}, msgAlertPassed, id)
		}
	}
	return nil, errAlertRefused(id)
}

func alertAuditEntry(actor AlertActor, a *Alert, action string, at time.Time) *AuditEntry {
	return &AuditEntry{GuildID: a.GuildID, ActorID: actor.UserID, Action: action, Target: "alert:" + strconv.FormatInt(a.ID, 10), At: at}
}

// Acknowledge records that actor has seen the alert: every current DM of it
// is edited to say who and when, and the member is told.
func (s *AlertService) Acknowledge(ctx context.Context, actor AlertActor, id int64) (*AlertAccess, error) {
	acc, err := s.Authorize(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	a, err := s.Store.TransitionAlert(ctx, id, func(cur *Alert) ([]*Job, *AuditEntry, error) {
		switch cur.Status {
		case AlertAcknowledged:
			return nil, nil, Errorm(ECONFLICT, "dom_alert.already_acked", []any{"ID", cur.ID, "Who", Mention(cur.AckBy), "When", Timestamp(cur.AckAt, "R")},
				msgAlertAlreadyAcked, cur.ID, Mention(cur.AckBy), Timestamp(cur.AckAt, "R"))
		case AlertResolved:
			return nil, nil, Errorm(ECONFLICT, "dom_alert.already_resolved", []any{"ID", cur.ID, "Who", Mention(cur.ResolvedBy)},
				msgAlertAlreadyResolved, cur.ID, Mention(cur.ResolvedBy))
		}
		cur.Status, cur.AckBy, cur.AckAt = AlertAcknowledged, actor.UserID, now
		return AlertChangedJobs(cur, acc.Deliveries, now), alertAuditEntry(actor, cur, "alert.acknowledge", now), nil
	})
	if err != nil {
		return nil, err
	}
	s.wake()
	acc.Alert = a
	// Had the actor been replaced between Authorize and the acknowledgement,
	// the hand-over could have run in between and missed it: hand the alert
	// over again, which makes it open for the people of now.
	if err := s.recheck(ctx, actor, a); err != nil {
		return nil, err
	}
	return acc, nil
}

// recheck hands a over again if actor may no longer act on it, and then
// refuses as Authorize would.
func (s *AlertService) recheck(ctx context.Context, actor AlertActor, a *Alert) error {
	g, err := s.Store.Group(ctx, a.GroupID)
	if err != nil {
		return err
	}
	settings, err := s.Store.GuildSettings(ctx, a.GuildID)
	if err != nil {
		return err
	}
	if MayActOnAlert(a, g, settings.LeadID, actor.UserID) {
		return nil
	}
	if err := s.Reassign(ctx, a.GuildID, a.GroupID, 0); err != nil {
		return err
	}
	return Errorm(EFORBIDDEN, "dom_alert.passed", []any{"ID", a.ID}, msgAlertPassed, a.ID)
}

// Resolve closes the alert with an optional private closing note; every
// current DM of it is edited to say so.
func (s *AlertService) Resolve(ctx context.Context, actor AlertActor, id int64, note string) (*AlertAccess, error) {
	acc, err := s.Authorize(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	a, err := s.Store.TransitionAlert(ctx, id, func(cur *Alert) ([]*Job, *AuditEntry, error) {
		if cur.Status == AlertResolved {
			return nil, nil, Errorm(ECONFLICT, "dom_alert.already_resolved_at", []any{"ID", cur.ID, "Who", Mention(cur.ResolvedBy), "When", Timestamp(cur.ResolvedAt, "R")},
				msgAlertAlreadyResolvedAt, cur.ID, Mention(cur.ResolvedBy), Timestamp(cur.ResolvedAt, "R"))
		}
		cur.Status, cur.ResolvedBy, cur.ResolvedAt, cur.ResolutionNote = AlertResolved, actor.UserID, now, note
		return AlertChangedJobs(cur, acc.Deliveries, now), alertAuditEntry(actor, cur, "alert.resolve", now), nil
	})
	if err != nil {
		return nil, err
	}
	s.wake()
	acc.Alert = a
	return acc, nil
}

// ViewNote returns the alert with its note for actor to read, and records
// the reading in the audit log. The caller shows the note only where
// Discord does not keep it (an ephemeral reply) or on the dashboard.
func (s *AlertService) ViewNote(ctx context.Context, actor AlertActor, id int64) (*AlertAccess, error) {
	acc, err := s.Authorize(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !acc.Alert.HasNote {
		return acc, nil
	}
	// Only here is the note decrypted: acting on an alert never needs it.
	note, err := s.Store.AlertNote(ctx, acc.Alert.ID)
	if err != nil {
		return nil, err
	}
	if err := s.Store.Audit(ctx, *alertAuditEntry(actor, acc.Alert, "alert.view_note", s.now())); err != nil {
		return nil, err
	}
	acc.Alert.Note = note
	return acc, nil
}

// OpenAlerts returns the open (unresolved) alerts actor may act on in
// actor.GuildID, oldest first, with their groups by id: every open alert of
// the groups they coordinate, and as clinical lead the ones that escalated.
// groupID narrows it to one group (0: all). Someone who is neither gets
// EFORBIDDEN, as does a group of another server or not theirs.
func (s *AlertService) OpenAlerts(ctx context.Context, actor AlertActor, groupID int64) ([]*Alert, map[int64]*Group, error) {
	if actor.GuildID == "" || actor.UserID == "" {
		return nil, nil, Errorm(EFORBIDDEN, "dom_alert.no_role", nil, msgAlertsNoRole)
	}
	gs, err := s.Store.Groups(ctx, actor.GuildID)
	if err != nil {
		return nil, nil, err
	}
	settings, err := s.Store.GuildSettings(ctx, actor.GuildID)
	if err != nil {
		return nil, nil, err
	}
	isLead := settings.LeadID != "" && settings.LeadID == actor.UserID
	groups := map[int64]*Group{}
	var ids []int64
	for _, g := range gs {
		if (groupID == 0 || g.ID == groupID) && (isLead || g.IsPsychologist(actor.UserID)) {
			groups[g.ID] = g
			ids = append(ids, g.ID)
		}
	}
	if len(ids) == 0 {
		if groupID != 0 {
			return nil, nil, Errorm(EFORBIDDEN, "dom_alert.not_your_group", nil, msgAlertsNotYourGroup)
		}
		return nil, nil, Errorm(EFORBIDDEN, "dom_alert.no_role", nil, msgAlertsNoRole)
	}
	all, err := s.Store.OpenAlerts(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	var out []*Alert
	for _, a := range all {
		if MayActOnAlert(a, groups[a.GroupID], settings.LeadID, actor.UserID) {
			out = append(out, a)
		}
	}
	return out, groups, nil
}

// Reassign hands the open alerts of a group (or, with groupID 0, of every
// group of the server) to the people who may act on them now, after delay:
// call it after a change of facilitator, observer or clinical lead. The work
// is a durable job, so it survives a crash and is retried.
func (s *AlertService) Reassign(ctx context.Context, guildID string, groupID int64, delay time.Duration) error {
	token := make([]byte, 8)
	if _, err := rand.Read(token); err != nil {
		return fmt.Errorf("reassign alerts: %w", err)
	}
	j := &Job{
		Kind:     JobAlertReassign,
		Key:      "alerts:reassign:" + guildID + ":" + strconv.FormatInt(groupID, 10) + ":" + hex.EncodeToString(token),
		Priority: PriorityAlert,
		DueAt:    s.now().Add(delay),
		GuildID:  guildID,
		GroupID:  groupID,
	}
	if err := s.Store.EnqueueJobs(ctx, j); err != nil {
		return fmt.Errorf("reassign alerts: %w", err)
	}
	s.wake()
	return nil
}
