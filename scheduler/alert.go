package scheduler

import (
	"context"
	"errors"
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
	s.Engine.Register(hearth.JobAlertReassign, s.reassign)
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

// deliver sends the alert DM to one recipient, once, if they may still act
// on the alert (a hand-over may have revoked them meanwhile).
func (s *Alerts) deliver(ctx context.Context, j *hearth.Job) (string, error) {
	a, g, err := s.load(ctx, j)
	if err != nil {
		return "", err
	}
	d, _, err := s.delivery(ctx, a.ID, j.UserID)
	if err != nil {
		return "", err
	}
	if !d.Active() {
		return "", ErrCancelled
	}
	if d.MessageID != "" {
		return d.MessageID, nil // sent before a crash: nothing to do
	}
	settings, err := s.Store.GuildSettings(ctx, a.GuildID)
	if err != nil {
		return "", fmt.Errorf("load guild settings: %w", err)
	}
	if !hearth.MayActOnAlert(a, g, settings.LeadID, d.RecipientID) {
		return "", ErrCancelled // replaced meanwhile: the reassign job revokes the delivery
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
	if !d.Active() {
		// Revoked while the DM was on its way: it must say the alert passed on.
		edit := hearth.AlertJob(hearth.JobAlertEdit, a, d.RecipientID, "", s.Engine.Now(), "edit", "late", id)
		if err := s.Engine.Jobs.EnqueueJobs(ctx, edit); err != nil {
			return "", fmt.Errorf("enqueue edit of a revoked dm: %w", err)
		}
		s.Engine.Wake()
		return id, nil
	}
	// Acknowledged or resolved while the DM was on its way, the edit job of
	// that change found no message to edit: bring this one up to date. A
	// retry may also have got back, for its nonce, the message a lost
	// attempt created with the state of then.
	cur, err := s.Store.Alert(ctx, a.ID)
	if err != nil {
		return "", fmt.Errorf("reload alert: %w", err)
	}
	if j.Attempts > 0 || cur.Revision != a.Revision || cur.Status != a.Status {
		edit := hearth.AlertJob(hearth.JobAlertEdit, cur, d.RecipientID, "", s.Engine.Now(), "edit", "sent", id, strconv.Itoa(cur.Revision))
		if err := s.Engine.Jobs.EnqueueJobs(ctx, edit); err != nil {
			return "", fmt.Errorf("enqueue edit of a dm sent stale: %w", err)
		}
		s.Engine.Wake()
	}
	if err := s.afterOutcome(ctx, a, g, settings, d); err != nil {
		return "", err
	}
	return id, nil
}

// deliveryFailed handles a recipient Discord will not let hearth DM — DMs
// closed (50007, 50278), or any other refusal retrying cannot fix, such as a
// deleted account: the member is told it may take longer, and the staff
// channel and escalation follow from what the other deliveries became
// (afterOutcome). Transient failures are returned for the engine to retry;
// an alert is never dropped on a refusal without a fallback.
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
	if !d.Active() {
		return nil // revoked meanwhile: nobody waits for this DM
	}
	if d.Role != hearth.RoleLead {
		member := hearth.AlertJob(hearth.JobAlertMember, a, a.UserID, "delay", s.Engine.Now(), "member", "delay")
		if err := s.Engine.Jobs.EnqueueJobs(ctx, member); err != nil {
			return fmt.Errorf("enqueue member notice: %w", err)
		}
	}
	settings, err := s.Store.GuildSettings(ctx, a.GuildID)
	if err != nil {
		return fmt.Errorf("load guild settings: %w", err)
	}
	return s.afterOutcome(ctx, a, g, settings, d)
}

// afterOutcome runs once delivery d was sent or found unreachable, and says
// only what is then known to be true (SPEC §5). When no current
// psychologist can be reached, the alert escalates at once. When one could
// not be reached and another was told, the staff channel hears it. When the
// clinical lead's DM of an alert no psychologist could receive went out (or
// could not), the staff channel hears who was told. Each delivery writes its
// outcome before reading the others', so the last of two concurrent
// outcomes sees both.
func (s *Alerts) afterOutcome(ctx context.Context, a *hearth.Alert, g *hearth.Group, settings *hearth.GuildSettings, d *hearth.AlertDelivery) error {
	ds, err := s.Store.Deliveries(ctx, a.ID)
	if err != nil {
		return fmt.Errorf("load deliveries: %w", err)
	}
	var psych []*hearth.AlertDelivery
	sent, unreachable := 0, 0
	for _, x := range ds {
		if x.Active() && x.Role != hearth.RoleLead && g.IsPsychologist(x.RecipientID) {
			psych = append(psych, x)
			switch x.Status {
			case hearth.DeliverySent:
				sent++
			case hearth.DeliveryUnreachable:
				unreachable++
			}
		}
	}
	noneReached := len(psych) > 0 && unreachable == len(psych)
	now := s.Engine.Now()
	esc := strconv.Itoa(a.Escalations)
	var jobs []*hearth.Job
	switch {
	case d.Role == hearth.RoleLead && d.Status == hearth.DeliverySent && noneReached:
		jobs = append(jobs, hearth.AlertJob(hearth.JobAlertStaff, a, "", hearth.StaffNoneLeadTold, now, "staff", hearth.StaffNoneLeadTold, esc))
	case d.Role == hearth.RoleLead && d.Status == hearth.DeliveryUnreachable:
		reason := hearth.StaffLeadUnreachable
		if noneReached {
			reason = hearth.StaffNoneLeadUnreachable
		}
		jobs = append(jobs, hearth.AlertJob(hearth.JobAlertStaff, a, d.RecipientID, reason, now, "staff", reason, esc))
	case d.Role == hearth.RoleLead:
	case noneReached:
		if a.Status == hearth.AlertOpen {
			jobs = append(jobs, hearth.EscalationJob(a, now, hearth.EscalationUnreachable, hearth.EscalationUnreachable))
		}
	case unreachable > 0 && sent > 0:
		for _, x := range psych {
			if x.Status == hearth.DeliveryUnreachable {
				jobs = append(jobs, hearth.AlertJob(hearth.JobAlertStaff, a, x.RecipientID, hearth.StaffUnreachable, now, "staff", "unreachable", x.RecipientID))
			}
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	if err := s.Engine.Jobs.EnqueueJobs(ctx, jobs...); err != nil {
		return fmt.Errorf("enqueue alert notices: %w", err)
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
		if d.Active() && d.Status != hearth.DeliveryUnreachable {
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

// remind sends a current psychologist the escalation reminder DM.
func (s *Alerts) remind(ctx context.Context, j *hearth.Job) (string, error) {
	a, g, err := s.load(ctx, j)
	if err != nil {
		return "", err
	}
	if a.Status != hearth.AlertOpen || !g.IsPsychologist(j.UserID) {
		return "", ErrCancelled
	}
	d, _, err := s.delivery(ctx, a.ID, j.UserID)
	if err != nil {
		return "", err
	}
	if !d.Active() || d.Status == hearth.DeliveryUnreachable || d.ChannelID == "" {
		return "", ErrCancelled
	}
	lang, err := dmLang(ctx, s.Store, g, j.UserID)
	if err != nil {
		return "", err
	}
	msg := hearth.AlertReminderDM(a, g, s.Config.EscalateAfter(a.Urgency), lang)
	return s.Discord.Send(ctx, d.ChannelID, &msg, nonce(j))
}

// edit brings one recipient's alert DM up to date; the DM of someone who may
// no longer act on the alert says it passed on, and nothing else.
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
	if !d.Active() {
		msg = hearth.AlertPassedDM(a, g, lang)
	}
	if err := s.Discord.Edit(ctx, d.ChannelID, d.MessageID, &msg); err != nil {
		if hearth.Failure(err) == hearth.FailGone {
			return "", ErrCancelled // the recipient deleted the DM
		}
		return "", err
	}
	return d.MessageID, nil
}

// escalate runs when an alert must have been acknowledged, or at once when
// no current psychologist could be reached: if it is still open, the
// clinical lead gets the alert (with its buttons) and the staff channel a
// content-free notice; when it was not acknowledged in time, both current
// psychologists are DMed again. The job's number makes a retried
// escalation run once.
func (s *Alerts) escalate(ctx context.Context, j *hearth.Job) (string, error) {
	a, g, err := s.load(ctx, j)
	if err != nil {
		return "", err
	}
	n, reason := hearth.ParseEscalationArg(j.Arg)
	settings, err := s.Store.GuildSettings(ctx, a.GuildID)
	if err != nil {
		return "", fmt.Errorf("load guild settings: %w", err)
	}
	now := s.Engine.Now()
	lead := settings.LeadID
	if g.IsPsychologist(lead) {
		lead = ""
	}
	_, err = s.Store.ReassignAlert(ctx, a.ID, func(cur *hearth.Alert, ds []*hearth.AlertDelivery) ([]*hearth.AlertDelivery, []*hearth.Job, *hearth.AuditEntry, error) {
		if cur.Status != hearth.AlertOpen || cur.Escalations >= n {
			return nil, nil, nil, ErrCancelled
		}
		cur.Escalations, cur.EscalatedAt = n, now
		changed, jobs := hearth.SyncAlertDeliveries(cur, ds, g, settings.LeadID, s.Config, now)
		// What the lead's delivery already was, before this escalation.
		var leadWas hearth.DeliveryStatus
		for _, d := range ds {
			if d.RecipientID == lead && d.Active() {
				leadWas = d.Status
			}
		}
		step := strconv.Itoa(n)
		staff := func(reason string) {
			jobs = append(jobs, hearth.AlertJob(hearth.JobAlertStaff, cur, "", reason, now, "staff", reason, step))
		}
		switch {
		case reason != hearth.EscalationUnreachable:
			for _, p := range g.Psychologists() {
				jobs = append(jobs, hearth.AlertJob(hearth.JobAlertRemind, cur, p, "", now, "remind", step, p))
			}
			if settings.StaffChannelID != "" {
				staff(hearth.StaffEscalated)
			}
		case settings.LeadID == "":
			staff(hearth.StaffNoneNoLead)
		case lead == "":
			staff(hearth.StaffNoneLeadUnreachable) // the lead is one of the unreachable psychologists
		case leadWas == hearth.DeliverySent:
			staff(hearth.StaffNoneLeadTold)
		case leadWas == hearth.DeliveryUnreachable:
			staff(hearth.StaffNoneLeadUnreachable)
			// otherwise the lead's DM, once sent or refused, tells the staff (afterOutcome)
		}
		audit := &hearth.AuditEntry{GuildID: cur.GuildID, ActorID: "hearth", Action: "alert.escalate"}
		return changed, jobs, audit, nil
	})
	if err != nil {
		return "", err
	}
	s.Log.Warn("alert escalated", "alert", a.ID, "group", g.ID, "reason", reason, "lead", lead != "", "staff_channel", settings.StaffChannelID != "")
	s.Engine.Wake()
	return "", nil
}

// errUnchanged ends a reassignment that had nothing to change.
var errUnchanged = errors.New("nothing to reassign")

// reassign hands the open alerts of a group (or of every group of a
// server) to the people who may act on them now: SyncAlertDeliveries on
// each, in its own transaction.
func (s *Alerts) reassign(ctx context.Context, j *hearth.Job) (string, error) {
	var gs []*hearth.Group
	guild := j.GuildID
	if j.GroupID != 0 {
		g, err := s.Store.Group(ctx, j.GroupID)
		if hearth.ErrorCode(err) == hearth.ENOTFOUND {
			return "", ErrCancelled
		} else if err != nil {
			return "", fmt.Errorf("load group: %w", err)
		}
		gs, guild = []*hearth.Group{g}, g.GuildID
	} else {
		var err error
		if gs, err = s.Store.Groups(ctx, guild); err != nil {
			return "", fmt.Errorf("load groups: %w", err)
		}
	}
	settings, err := s.Store.GuildSettings(ctx, guild)
	if err != nil {
		return "", fmt.Errorf("load guild settings: %w", err)
	}
	now := s.Engine.Now()
	moved := 0
	for _, g := range gs {
		alerts, err := s.Store.OpenAlerts(ctx, []int64{g.ID})
		if err != nil {
			return "", err
		}
		for _, a := range alerts {
			_, err := s.Store.ReassignAlert(ctx, a.ID, func(cur *hearth.Alert, ds []*hearth.AlertDelivery) ([]*hearth.AlertDelivery, []*hearth.Job, *hearth.AuditEntry, error) {
				changed, jobs := hearth.SyncAlertDeliveries(cur, ds, g, settings.LeadID, s.Config, now)
				if len(changed) == 0 && len(jobs) == 0 {
					return nil, nil, nil, errUnchanged
				}
				return changed, jobs, &hearth.AuditEntry{GuildID: cur.GuildID, ActorID: "hearth", Action: "alert.reassign"}, nil
			})
			switch {
			case errors.Is(err, errUnchanged) || hearth.ErrorCode(err) == hearth.ENOTFOUND:
			case err != nil:
				return "", err
			default:
				moved++
			}
		}
	}
	if moved > 0 {
		s.Log.Info("alerts reassigned", "guild", guild, "group", j.GroupID, "alerts", moved)
		s.Engine.Wake()
	}
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
