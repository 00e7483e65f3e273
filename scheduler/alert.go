package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/hearthbot/hearth"
)

// AlertStore is what the alert handlers read and write.
type AlertStore interface {
	hearth.AlertStore
	hearth.GroupStore
	hearth.GuildStore
	hearth.LanguageStore
}

// Alerts delivers, escalates and updates alerts through the engine.
type Alerts struct {
	Engine  *Engine
	Store   AlertStore
	Discord hearth.Discord
	Config  hearth.AlertsConfig
	Log     *slog.Logger
}

// Register registers the alert job handlers on the engine.
func (s *Alerts) Register() {
	s.Engine.Register(hearth.JobAlertDM, s.deliver)
	s.Engine.Register(hearth.JobAlertRemind, s.remind)
	s.Engine.Register(hearth.JobAlertEdit, s.edit)
	s.Engine.Register(hearth.JobAlertEscalate, s.escalate)
	s.Engine.Register(hearth.JobAlertStaff, s.staff)
	s.Engine.Register(hearth.JobAlertMember, s.member)
}

// load reads the alert and its group; an alert erased meanwhile cancels the job.
func (s *Alerts) load(ctx context.Context, j *hearth.Job) (*hearth.Alert, *hearth.Group, error) {
	a, err := s.Store.Alert(ctx, j.AlertID)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil, nil, ErrCancelled
	} else if err != nil {
		return nil, nil, fmt.Errorf("load alert: %w", err)
	}
	g, err := s.Store.Group(ctx, a.GroupID)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil, nil, ErrCancelled
	} else if err != nil {
		return nil, nil, fmt.Errorf("load group: %w", err)
	}
	return a, g, nil
}

func (s *Alerts) delivery(ctx context.Context, alertID int64, userID string) (*hearth.AlertDelivery, []*hearth.AlertDelivery, error) {
	ds, err := s.Store.Deliveries(ctx, alertID)
	if err != nil {
		return nil, nil, fmt.Errorf("load deliveries: %w", err)
	}
	for _, d := range ds {
		if d.RecipientID == userID {
			return d, ds, nil
		}
	}
	return nil, ds, ErrCancelled
}

// nonce is the Discord message nonce of a job: the same on every attempt, so
// Discord returns the first message if a retry repeats a send that worked.
func nonce(j *hearth.Job) string { return "hj" + strconv.FormatInt(j.ID, 36) }

// deliver sends the alert DM to one recipient, once.
func (s *Alerts) deliver(ctx context.Context, j *hearth.Job) (string, error) {
	a, g, err := s.load(ctx, j)
	if err != nil {
		return "", err
	}
	d, _, err := s.delivery(ctx, a.ID, j.UserID)
	if err != nil {
		return "", err
	}
	if d.MessageID != "" {
		return d.MessageID, nil // sent before a crash: nothing to do
	}
	if d.ChannelID == "" {
		ch, err := s.Discord.DMChannel(ctx, d.RecipientID)
		if err != nil {
			return "", s.deliveryFailed(ctx, a, g, d, err)
		}
		d.ChannelID = ch
		if err := s.Store.UpdateDelivery(ctx, d); err != nil {
			return "", fmt.Errorf("save dm channel: %w", err)
		}
	}
	lang, err := dmLang(ctx, s.Store, g, d.RecipientID)
	if err != nil {
		return "", err
	}
	msg := hearth.AlertDM(a, g, lang)
	id, err := s.Discord.Send(ctx, d.ChannelID, &msg, nonce(j))
	if err != nil {
		return "", s.deliveryFailed(ctx, a, g, d, err)
	}
	d.MessageID, d.Status = id, hearth.DeliverySent
	if err := s.Store.UpdateDelivery(ctx, d); err != nil {
		// The retry sends the same nonce and gets this message back.
		return "", fmt.Errorf("save dm message: %w", err)
	}
	s.Log.Info("alert delivered", "alert", a.ID, "recipient", d.RecipientID, "role", d.Role)
	return id, nil
}

// deliveryFailed handles a recipient Discord will not let hearth DM — DMs
// closed (50007, 50278), or any other refusal retrying cannot fix, such as a
// deleted account: the staff channel hears at once (content-free) and the
// member is told it may take longer. Transient failures are returned for the
// engine to retry; an alert is never dropped on a refusal without a fallback.
func (s *Alerts) deliveryFailed(ctx context.Context, a *hearth.Alert, g *hearth.Group, d *hearth.AlertDelivery, err error) error {
	if hearth.Failure(err) == hearth.FailRetry {
		return err
	}
	defer s.warnIfNobody(ctx, a)
	s.Log.Warn("alert recipient unreachable by DM", "alert", a.ID, "recipient", d.RecipientID, "role", d.Role, "error", err)
	d.Status = hearth.DeliveryUnreachable
	if err := s.Store.UpdateDelivery(ctx, d); err != nil {
		return fmt.Errorf("mark delivery unreachable: %w", err)
	}
	now := s.Engine.Now()
	jobs := []*hearth.Job{
		hearth.AlertJob(hearth.JobAlertStaff, a, d.RecipientID, hearth.StaffUnreachable, now, "staff", "unreachable", d.RecipientID),
	}
	if d.Role != hearth.RoleLead {
		jobs = append(jobs, hearth.AlertJob(hearth.JobAlertMember, a, a.UserID, "delay", now, "member", "delay"))
	}
	if err := s.Engine.Jobs.EnqueueJobs(ctx, jobs...); err != nil {
		return fmt.Errorf("enqueue unreachable notices: %w", err)
	}
	s.Engine.Wake()
	return nil
}

// warnIfNobody logs, at error level, an alert that no psychologist can
// receive while the server has neither a staff channel nor a clinical lead:
// nothing else can make a person see it, so operators must.
func (s *Alerts) warnIfNobody(ctx context.Context, a *hearth.Alert) {
	ds, err := s.Store.Deliveries(ctx, a.ID)
	if err != nil {
		s.Log.Error("unable to check an alert's deliveries", "alert", a.ID, "error", err)
		return
	}
	for _, d := range ds {
		if d.Status != hearth.DeliveryUnreachable {
			return
		}
	}
	settings, err := s.Store.GuildSettings(ctx, a.GuildID)
	if err != nil {
		s.Log.Error("unable to check an alert's fallbacks", "alert", a.ID, "error", err)
		return
	}
	if settings.StaffChannelID != "" || settings.LeadID != "" {
		return
	}
	s.Log.Error("alert reached no one: no psychologist accepts DMs and the server has no staff channel or clinical lead",
		"alert", a.ID, "group", a.GroupID, "guild", a.GuildID)
}

// remind sends a psychologist the escalation reminder DM.
func (s *Alerts) remind(ctx context.Context, j *hearth.Job) (string, error) {
	a, g, err := s.load(ctx, j)
	if err != nil {
		return "", err
	}
	if a.Status != hearth.AlertOpen {
		return "", ErrCancelled
	}
	d, _, err := s.delivery(ctx, a.ID, j.UserID)
	if err != nil {
		return "", err
	}
	if d.Status == hearth.DeliveryUnreachable || d.ChannelID == "" {
		return "", ErrCancelled
	}
	lang, err := dmLang(ctx, s.Store, g, j.UserID)
	if err != nil {
		return "", err
	}
	msg := hearth.AlertReminderDM(a, g, s.Config.EscalateAfter(a.Urgency), lang)
	return s.Discord.Send(ctx, d.ChannelID, &msg, nonce(j))
}

// edit brings one recipient's alert DM up to date.
func (s *Alerts) edit(ctx context.Context, j *hearth.Job) (string, error) {
	a, g, err := s.load(ctx, j)
	if err != nil {
		return "", err
	}
	d, _, err := s.delivery(ctx, a.ID, j.UserID)
	if err != nil {
		return "", err
	}
	if d.MessageID == "" {
		return "", ErrCancelled // not sent yet: the send renders the current state
	}
	lang, err := dmLang(ctx, s.Store, g, j.UserID)
	if err != nil {
		return "", err
	}
	msg := hearth.AlertDM(a, g, lang)
	if err := s.Discord.Edit(ctx, d.ChannelID, d.MessageID, &msg); err != nil {
		if hearth.Failure(err) == hearth.FailGone {
			return "", ErrCancelled // the recipient deleted the DM
		}
		return "", err
	}
	return d.MessageID, nil
}

// escalate runs when an alert must have been acknowledged: if it is still
// open, both psychologists are DMed again, the clinical lead gets the alert
// and the staff channel a content-free notice.
func (s *Alerts) escalate(ctx context.Context, j *hearth.Job) (string, error) {
	a, g, err := s.load(ctx, j)
	if err != nil {
		return "", err
	}
	if a.Status != hearth.AlertOpen {
		return "", ErrCancelled
	}
	settings, err := s.Store.GuildSettings(ctx, a.GuildID)
	if err != nil {
		return "", fmt.Errorf("load guild settings: %w", err)
	}
	now := s.Engine.Now()
	lead := settings.LeadID
	if lead != "" && !g.IsPsychologist(lead) {
		if _, err := s.Store.AddDelivery(ctx, &hearth.AlertDelivery{AlertID: a.ID, RecipientID: lead, Role: hearth.RoleLead, Status: hearth.DeliveryPending}); err != nil {
			return "", fmt.Errorf("add lead delivery: %w", err)
		}
	} else {
		lead = ""
	}
	_, err = s.Store.TransitionAlert(ctx, a.ID, func(cur *hearth.Alert) ([]*hearth.Job, *hearth.AuditEntry, error) {
		if cur.Status != hearth.AlertOpen || !cur.EscalatedAt.IsZero() {
			return nil, nil, ErrCancelled
		}
		cur.EscalatedAt = now
		var jobs []*hearth.Job
		for _, p := range g.Psychologists() {
			jobs = append(jobs, hearth.AlertJob(hearth.JobAlertRemind, cur, p, "", now, "remind", p))
		}
		if lead != "" {
			jobs = append(jobs, hearth.AlertJob(hearth.JobAlertDM, cur, lead, hearth.RoleLead, now, "dm", lead))
		}
		if settings.StaffChannelID != "" {
			jobs = append(jobs, hearth.AlertJob(hearth.JobAlertStaff, cur, "", hearth.StaffEscalated, now, "staff", "escalated"))
		}
		audit := &hearth.AuditEntry{GuildID: cur.GuildID, ActorID: "hearth", Action: "alert.escalate", Target: "alert:" + strconv.FormatInt(cur.ID, 10)}
		return jobs, audit, nil
	})
	if err != nil {
		return "", err
	}
	s.Log.Warn("alert escalated", "alert", a.ID, "group", g.ID, "lead", lead != "", "staff_channel", settings.StaffChannelID != "")
	s.Engine.Wake()
	return "", nil
}

// staff posts the content-free notice in the staff channel, if one is set.
func (s *Alerts) staff(ctx context.Context, j *hearth.Job) (string, error) {
	a, g, err := s.load(ctx, j)
	if err != nil {
		return "", err
	}
	settings, err := s.Store.GuildSettings(ctx, a.GuildID)
	if err != nil {
		return "", fmt.Errorf("load guild settings: %w", err)
	}
	if settings.StaffChannelID == "" {
		return "", ErrCancelled
	}
	msg := hearth.StaffNotice(a, g, j.Arg, s.Config.EscalateAfter(a.Urgency), groupLang(g))
	return s.Discord.Send(ctx, settings.StaffChannelID, &msg, nonce(j))
}

// member DMs the member: their psychologist has seen the alert, or it may
// take longer because one could not be reached.
func (s *Alerts) member(ctx context.Context, j *hearth.Job) (string, error) {
	a, g, err := s.load(ctx, j)
	if err != nil {
		return "", err
	}
	lang, err := dmLang(ctx, s.Store, g, a.UserID)
	if err != nil {
		return "", err
	}
	var msg hearth.Message
	switch j.Arg {
	case "ack":
		msg = hearth.MemberAckDM(a, g, lang)
	case "delay":
		settings, err := s.Store.GuildSettings(ctx, a.GuildID)
		if err != nil {
			return "", fmt.Errorf("load guild settings: %w", err)
		}
		msg = hearth.MemberDelayDM(g, settings.CrisisFor(string(lang), lang), settings.StaffChannelID != "", lang)
	default:
		return "", fmt.Errorf("unknown member notice %q", j.Arg)
	}
	ch, err := s.Discord.DMChannel(ctx, a.UserID)
	if err != nil {
		return "", err
	}
	return s.Discord.Send(ctx, ch, &msg, nonce(j))
}
