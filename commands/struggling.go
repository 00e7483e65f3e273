package commands

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// registerStruggling defines /struggling: a member tells the group's
// psychologists privately that they are struggling or have relapsed.
func (s *Service) registerStruggling(rt *Router) {
	rt.Define(Command{
		Name:        "struggling",
		Description: "Tell your group's psychologists privately that you are struggling",
		Options: []OptionDef{
			{Type: OptString, Name: "urgency", Description: "How soon would you like them to reach out?", Required: true,
				Choices: []Choice{{Name: "when you can", Value: string(hearth.UrgencyLater)}, {Name: "today", Value: string(hearth.UrgencyToday)}, {Name: "now", Value: string(hearth.UrgencyNow)}}},
			Bool("relapse", "Have you relapsed?", true),
			GroupOpt(false),
			Str("note", "Anything you want them to know (only they can read it)", false, hearth.MaxAlertNote),
		},
	})
	rt.Handle("struggling", s.struggling)
}

func (s *Service) struggling(ctx context.Context, r *Request) (*Response, error) {
	urgency, err := hearth.ParseUrgency(r.String("urgency"))
	if err != nil {
		return nil, err
	}
	relapse, _ := r.Bool("relapse")
	note := strings.TrimSpace(r.Options["note"].String)
	if n := utf8.RuneCountInString(note); n > hearth.MaxAlertNote {
		return nil, &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.StrugglingNoteTooLong, locale.A("Length", n), locale.A("Max", hearth.MaxAlertNote))}
	}
	g, err := s.group(ctx, r)
	if err != nil {
		return nil, err
	}
	a, err := s.raiseAlert(ctx, r, g, urgency, relapse, note)
	if err != nil {
		return nil, err
	}
	return s.alertRaisedReply(ctx, r, g, a)
}

// raiseAlert stores an alert with its deliveries and jobs in one
// transaction, then wakes the delivery engine. Once it returns, the alert
// will reach the psychologists whatever happens to this process.
func (s *Service) raiseAlert(ctx context.Context, r *Request, g *hearth.Group, urgency hearth.Urgency, relapse bool, note string) (*hearth.Alert, error) {
	return s.raiseAlertWith(ctx, r, g, urgency, relapse, note, s.Store.CreateAlert)
}

// raiseAlertWith is raiseAlert with the store call that saves the alert, its
// deliveries and jobs in one transaction (the check-in button links the
// alert to the check-in in that same transaction).
func (s *Service) raiseAlertWith(ctx context.Context, r *Request, g *hearth.Group, urgency hearth.Urgency, relapse bool, note string,
	create func(context.Context, *hearth.Alert, []*hearth.AlertDelivery, []*hearth.Job) error) (*hearth.Alert, error) {
	if g.IsPsychologist(r.User.ID) {
		return nil, &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.StrugglingIsPsychologist, locale.A("Group", g.Name))}
	}
	a := &hearth.Alert{
		GuildID:   g.GuildID,
		GroupID:   g.ID,
		UserID:    r.User.ID,
		Urgency:   urgency,
		Relapse:   relapse,
		Note:      note,
		Status:    hearth.AlertOpen,
		CreatedAt: now(r),
	}
	deliveries, jobs := hearth.NewAlertWork(a, g, s.AlertConfig)
	if err := create(ctx, a, deliveries, jobs); err != nil {
		return nil, fmt.Errorf("create alert: %w", err)
	}
	s.Log.Info("alert raised", "alert", a.ID, "group", g.ID, "guild", g.GuildID)
	s.wake()
	return a, nil
}

// alertRaisedReply tells the member who was told; for `now`, the crisis
// resources come first.
func (s *Service) alertRaisedReply(ctx context.Context, r *Request, g *hearth.Group, a *hearth.Alert) (*Response, error) {
	var b strings.Builder
	if a.Urgency == hearth.UrgencyNow {
		settings, err := s.Store.GuildSettings(ctx, r.GuildID)
		if err != nil {
			return nil, err
		}
		b.WriteString(r.T(locale.StrugglingDanger, locale.A("Crisis", settings.CrisisFor(string(r.Lang), r.Lang))) + "\n\n")
	}
	b.WriteString(r.T(locale.StrugglingSent, locale.A("Group", g.Name),
		locale.A("Facilitator", hearth.Mention(g.FacilitatorID)), locale.A("Observer", hearth.Mention(g.ObserverID))) + " ")
	switch a.Urgency {
	case hearth.UrgencyNow:
		b.WriteString(r.T(locale.StrugglingAskedNow))
	case hearth.UrgencyToday:
		b.WriteString(r.T(locale.StrugglingAskedToday))
	default:
		b.WriteString(r.T(locale.StrugglingAskedLater))
	}
	b.WriteString(" " + r.T(locale.StrugglingPrivate))
	if a.Note != "" {
		b.WriteString(" " + r.T(locale.StrugglingNotePrivate))
	}
	return Ephemeral(b.String()), nil
}
