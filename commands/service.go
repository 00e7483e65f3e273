package commands

import (
	"context"
	"log/slog"
	"time"

	"github.com/hearthbot/hearth"
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
	// Wake tells the delivery engine that new work is due now.
	Wake func()
	// Replan re-plans a group's meetings and their jobs after its schedule,
	// zone, length or reminder offsets changed (nil: no planner).
	Replan func(ctx context.Context, groupID int64) error
	Log    *slog.Logger
}

// Register defines every command on rt and routes its handlers.
func (s *Service) Register(rt *Router) {
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
		return hearth.Errorf(hearth.EINVALID, "This command works only in a server.")
	}
	return nil
}

// now returns the request's time, in UTC.
func now(r *Request) time.Time { return r.Now.UTC() }
