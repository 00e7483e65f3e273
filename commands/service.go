package commands

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// Store is everything the commands read and write.
type Store interface {
	hearth.GuildStore
	hearth.GroupStore
	hearth.MembershipStore
	hearth.MeetingStore
	hearth.AlertStore
	hearth.JobStore
	hearth.AuditStore
	hearth.PrivacyStore
	hearth.CheckInStore
	hearth.RotaStore
	hearth.HistoryStore
	hearth.SummaryRecipientStore
	hearth.RoundStore
	hearth.SessionNoteStore
	hearth.LanguageStore
}

// Service holds what the handlers depend on. Its methods, one file per
// command, define and register each command on a Router.
type Service struct {
	Store   Store
	Discord hearth.Discord
	// AlertConfig is the alert settings: who is told, and when to
	// escalate. Only these: the handlers never see the rest of the
	// configuration (the encryption key, the token).
	AlertConfig hearth.AlertsConfig
	// Alerts decides who may act on an alert and performs the actions (the
	// web dashboard shares it); built from Store and Config when nil.
	Alerts *hearth.AlertService
	// Wake tells the delivery engine that new work is due now.
	Wake func()
	// Replan re-plans a group's meetings and their jobs after its schedule,
	// zone, length or reminder offsets changed (nil: no planner).
	Replan func(ctx context.Context, groupID int64) error
	// Skip cancels the group's meetings starting in [from, to) for
	// `/schedule skip` and returns them; the scheduler owns the planning it
	// takes (scheduler.Planner.Skip). audit is recorded per meeting.
	Skip func(ctx context.Context, groupID int64, from, to time.Time, audit hearth.AuditEntry) ([]*hearth.Meeting, error)
	Log  *slog.Logger
	// VoiceChanged is told that a guild's groups or their voice channels
	// may have changed, so voice presence looks at them again (nil: none).
	VoiceChanged func(guildID string)

	langs sync.Map // guild:user → the locale.Lang last stored
}

// Register defines every command on rt and routes its handlers.
func (s *Service) Register(rt *Router) {
	rt.Use(s.rememberLanguage)
	s.registerGroupAutocomplete(rt)
	s.registerStruggling(rt)
	s.registerAlerts(rt)
	s.registerTimezoneAutocomplete(rt)
	s.registerGroup(rt)
	s.registerSettings(rt)
	s.registerJoin(rt)
	s.registerLeave(rt)
	s.registerReminders(rt)
	s.registerPrivacy(rt)
	s.registerCheckIn(rt)
	s.registerRota(rt)
	s.registerRoster(rt)
	s.registerReport(rt)
	s.registerSummary(rt)
	s.registerSchedule(rt)
	s.registerNext(rt)
	s.registerRound(rt)
	s.registerNotes(rt)
}

func (s *Service) voiceChanged(guildID string) {
	if s.VoiceChanged != nil {
		s.VoiceChanged(guildID)
	}
}

func (s *Service) wake() {
	if s.Wake != nil {
		s.Wake()
	}
}

// replan re-plans a group's meetings, if a planner is wired.
func (s *Service) replan(ctx context.Context, groupID int64) error {
	if s.Replan == nil {
		return nil
	}
	return s.Replan(ctx, groupID)
}

// audit returns an audit entry for an action of the caller.
func audit(r *Request, action, target string) hearth.AuditEntry {
	return hearth.AuditEntry{GuildID: r.GuildID, ActorID: r.User.ID, Action: action, Target: target, At: r.Now}
}

// guildOnly refuses an interaction outside a server.
func guildOnly(r *Request) error {
	if r.GuildID == "" {
		return &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.ErrorGuildOnly)}
	}
	return nil
}

// reassignSafetyNet delays the second hand-over of open alerts, enqueued
// before a change of psychologist or lead: it finds nothing to do unless the
// first, enqueued after the change, was lost with the process.
const reassignSafetyNet = time.Minute

// now returns the request's time, in UTC.
func now(r *Request) time.Time { return r.Now.UTC() }
