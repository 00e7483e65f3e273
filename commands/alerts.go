package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hearthbot/hearth"
)

// registerAlerts defines /alerts for psychologists and routes the buttons
// of alert DMs: View note, Acknowledge, Resolve.
func (s *Service) registerAlerts(rt *Router) {
	rt.Define(Command{
		Name:        "alerts",
		scope:       scopePsychologist,
		Description: "Alerts of the groups you coordinate (psychologists only)",
		Options: []OptionDef{
			Sub("list", "Open alerts of your groups", GroupOpt(false)),
			Sub("resolve", "Close an alert",
				OptionDef{Type: OptInteger, Name: "alert", Description: "The alert number", Required: true, Autocomplete: true},
				Str("note", "A private closing note (only the group's psychologists can read it)", false, hearth.MaxAlertNote)),
		},
	})
	rt.Handle("alerts list", s.alertsList)
	rt.Handle("alerts resolve", s.alertsResolve)
	rt.Autocomplete("alert", s.alertAutocomplete)
	rt.Component("alert:note", s.alertNote)
	rt.Component("alert:ack", s.alertAck)
	rt.Component("alert:resolve", s.alertResolveButton)
}

// myAlertGroups returns the caller's groups as a psychologist, narrowed to
// the `group` option when given.
func (s *Service) myAlertGroups(ctx context.Context, r *Request) ([]*hearth.Group, error) {
	if r.String("group") != "" {
		g, err := s.group(ctx, r)
		if err != nil {
			return nil, err
		}
		return []*hearth.Group{g}, nil
	}
	gs, err := s.groupsFor(ctx, r, scopePsychologist)
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, hearth.Errorf(hearth.EFORBIDDEN, "Only the facilitator and the observer of a group can see its alerts, and you coordinate no group in this server.")
	}
	return gs, nil
}

func (s *Service) alertsList(ctx context.Context, r *Request) (*Response, error) {
	if err := guildOnly(r); err != nil {
		return nil, err
	}
	gs, err := s.myAlertGroups(ctx, r)
	if err != nil {
		return nil, err
	}
	alerts, names, err := s.openAlerts(ctx, gs)
	if err != nil {
		return nil, err
	}
	if len(alerts) == 0 {
		return Ephemeral("No open alerts in your groups."), nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**Open alerts** (%d)\n", len(alerts))
	for i, a := range alerts {
		if i == 20 {
			fmt.Fprintf(&b, "…and %d more.", len(alerts)-20)
			break
		}
		fmt.Fprintf(&b, "• **#%d** · %s · %s · urgency %s", a.ID, names[a.GroupID], hearth.Mention(a.UserID), a.Urgency.Label())
		if a.Relapse {
			b.WriteString(" · relapse")
		}
		fmt.Fprintf(&b, " · raised %s", hearth.Timestamp(a.CreatedAt, "R"))
		if a.Status == hearth.AlertAcknowledged {
			fmt.Fprintf(&b, " · acknowledged by %s", hearth.Mention(a.AckBy))
		} else {
			b.WriteString(" · **not acknowledged**")
		}
		b.WriteString("\n")
	}
	b.WriteString("Close one with `/alerts resolve`.")
	return Ephemeral(b.String()), nil
}

// openAlerts returns the open alerts of the groups and the groups' names by id.
func (s *Service) openAlerts(ctx context.Context, gs []*hearth.Group) ([]*hearth.Alert, map[int64]string, error) {
	ids := make([]int64, len(gs))
	names := make(map[int64]string, len(gs))
	for i, g := range gs {
		ids[i] = g.ID
		names[g.ID] = g.Name
	}
	alerts, err := s.Store.OpenAlerts(ctx, ids)
	return alerts, names, err
}

func (s *Service) alertAutocomplete(ctx context.Context, r *Request) (*Response, error) {
	if r.GuildID == "" {
		return Choices(nil), nil
	}
	gs, err := s.groupsFor(ctx, r, scopePsychologist)
	if err != nil || len(gs) == 0 {
		return Choices(nil), err
	}
	alerts, names, err := s.openAlerts(ctx, gs)
	if err != nil {
		return nil, err
	}
	typed := r.String("alert")
	var out []Choice
	for _, a := range alerts {
		id := strconv.FormatInt(a.ID, 10)
		if strings.HasPrefix(id, typed) {
			// Choice names are seen only by the caller; they carry no member name.
			out = append(out, Choice{Name: fmt.Sprintf("#%s · %s · urgency %s", id, names[a.GroupID], a.Urgency.Label()), Value: id})
		}
	}
	return Choices(out), nil
}

// alertFor loads an alert the caller may act on: they must be one of its
// recipients (its psychologists, or the clinical lead once escalated).
func (s *Service) alertFor(ctx context.Context, r *Request, id int64) (*hearth.Alert, *hearth.Group, []*hearth.AlertDelivery, error) {
	a, err := s.Store.Alert(ctx, id)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil, nil, nil, hearth.Errorf(hearth.ENOTFOUND, "Alert #%d does not exist (it may have been erased at the member's request).", id)
	} else if err != nil {
		return nil, nil, nil, err
	}
	ds, err := s.Store.Deliveries(ctx, a.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	if (r.GuildID != "" && a.GuildID != r.GuildID) || !hearth.IsRecipient(ds, r.User.ID) {
		return nil, nil, nil, hearth.Errorf(hearth.EFORBIDDEN, "Alert #%d is not an alert of a group you coordinate. Only its group's psychologists (and the clinical lead, once it escalated) can act on it.", id)
	}
	g, err := s.Store.Group(ctx, a.GroupID)
	if err != nil {
		return nil, nil, nil, err
	}
	return a, g, ds, nil
}

func buttonAlertID(r *Request, route string) (int64, error) {
	id, err := strconv.ParseInt(r.Arg(route, 0), 10, 64)
	if err != nil {
		return 0, hearth.Errorf(hearth.EINVALID, "This button is not valid any more.")
	}
	return id, nil
}

// alertNote shows the note ephemerally: it is read from hearth's database
// and never stored in a Discord message.
func (s *Service) alertNote(ctx context.Context, r *Request) (*Response, error) {
	id, err := buttonAlertID(r, "alert:note")
	if err != nil {
		return nil, err
	}
	a, g, _, err := s.alertFor(ctx, r, id)
	if err != nil {
		return nil, err
	}
	if a.Note == "" {
		return Ephemeral("The member left no note with this alert."), nil
	}
	if err := s.Store.Audit(ctx, alertAudit(r, g, a, "alert.view_note")); err != nil {
		return nil, err
	}
	quoted := "> " + strings.ReplaceAll(a.Note, "\n", "\n> ")
	return Ephemeral(fmt.Sprintf("**Note from %s with alert #%d** (only you can see this; dismiss it when done):\n%s", hearth.Mention(a.UserID), a.ID, quoted)), nil
}

// alertAck acknowledges an alert: the pressed DM updates at once, the other
// DMs are edited by the engine, and the member is told.
func (s *Service) alertAck(ctx context.Context, r *Request) (*Response, error) {
	id, err := buttonAlertID(r, "alert:ack")
	if err != nil {
		return nil, err
	}
	a, g, ds, err := s.alertFor(ctx, r, id)
	if err != nil {
		return nil, err
	}
	a, err = s.Store.TransitionAlert(ctx, a.ID, func(cur *hearth.Alert) ([]*hearth.Job, *hearth.AuditEntry, error) {
		switch cur.Status {
		case hearth.AlertAcknowledged:
			return nil, nil, hearth.Errorf(hearth.ECONFLICT, "Alert #%d was already acknowledged by %s %s.", cur.ID, hearth.Mention(cur.AckBy), hearth.Timestamp(cur.AckAt, "R"))
		case hearth.AlertResolved:
			return nil, nil, hearth.Errorf(hearth.ECONFLICT, "Alert #%d was already resolved by %s.", cur.ID, hearth.Mention(cur.ResolvedBy))
		}
		cur.Status, cur.AckBy, cur.AckAt = hearth.AlertAcknowledged, r.User.ID, now(r)
		au := alertAudit(r, g, cur, "alert.acknowledge")
		return hearth.AlertChangedJobs(cur, ds, now(r)), &au, nil
	})
	if err != nil {
		return nil, err
	}
	s.Log.Info("alert acknowledged", "alert", a.ID, "by", r.User.ID)
	s.wake()
	return s.alertButtonReply(r, a, g, ds)
}

func (s *Service) alertResolveButton(ctx context.Context, r *Request) (*Response, error) {
	id, err := buttonAlertID(r, "alert:resolve")
	if err != nil {
		return nil, err
	}
	a, g, ds, err := s.resolve(ctx, r, id, "")
	if err != nil {
		return nil, err
	}
	return s.alertButtonReply(r, a, g, ds)
}

// alertButtonReply updates the pressed message: alert buttons exist only on
// alert DMs, so it is the presser's own copy of this alert (possibly pressed
// before its message id was stored).
func (s *Service) alertButtonReply(_ *Request, a *hearth.Alert, g *hearth.Group, _ []*hearth.AlertDelivery) (*Response, error) {
	return Update(hearth.AlertDM(a, g)), nil
}

func (s *Service) alertsResolve(ctx context.Context, r *Request) (*Response, error) {
	if err := guildOnly(r); err != nil {
		return nil, err
	}
	id, _ := r.Int("alert")
	note := strings.TrimSpace(r.Options["note"].String)
	if n := utf8.RuneCountInString(note); n > hearth.MaxAlertNote {
		return nil, hearth.Errorf(hearth.EINVALID, "The note is %d characters long; the limit is %d. The alert was not changed.", n, hearth.MaxAlertNote)
	}
	a, _, _, err := s.resolve(ctx, r, id, note)
	if err != nil {
		return nil, err
	}
	return Ephemeral(fmt.Sprintf("Alert #%d is resolved. Both alert messages will show it.", a.ID)), nil
}

// resolve closes an alert the caller may act on.
func (s *Service) resolve(ctx context.Context, r *Request, id int64, note string) (*hearth.Alert, *hearth.Group, []*hearth.AlertDelivery, error) {
	a, g, ds, err := s.alertFor(ctx, r, id)
	if err != nil {
		return nil, nil, nil, err
	}
	a, err = s.Store.TransitionAlert(ctx, a.ID, func(cur *hearth.Alert) ([]*hearth.Job, *hearth.AuditEntry, error) {
		if cur.Status == hearth.AlertResolved {
			return nil, nil, hearth.Errorf(hearth.ECONFLICT, "Alert #%d was already resolved by %s %s.", cur.ID, hearth.Mention(cur.ResolvedBy), hearth.Timestamp(cur.ResolvedAt, "R"))
		}
		cur.Status, cur.ResolvedBy, cur.ResolvedAt, cur.ResolutionNote = hearth.AlertResolved, r.User.ID, now(r), note
		au := alertAudit(r, g, cur, "alert.resolve")
		return hearth.AlertChangedJobs(cur, ds, now(r)), &au, nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	s.Log.Info("alert resolved", "alert", a.ID, "by", r.User.ID)
	s.wake()
	return a, g, ds, nil
}

func alertAudit(r *Request, g *hearth.Group, a *hearth.Alert, action string) hearth.AuditEntry {
	au := audit(r, action, "alert:"+strconv.FormatInt(a.ID, 10))
	au.GuildID = g.GuildID // buttons in DMs carry no guild
	return au
}
