package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hearthbot/hearth"
)

// Budgets of one page of /alerts list: Discord's 2,000 characters, less the
// header and the footer (bytes, which are never fewer than characters).
const (
	alertsPageBudget = 1700
	alertsPageMax    = 15
	alertsPageLimit  = 10000 // pages beyond this are malformed custom ids
)

// registerAlerts defines /alerts for psychologists and routes the buttons
// of alert DMs: View note, Acknowledge, Resolve; and the pages of the list.
// Who may do what is decided in one place, hearth.AlertService, which the
// web dashboard calls too.
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
	rt.Component("alerts:page", s.alertsPageButton)
}

// alertService returns the alert operations, built from the store when the
// wiring gave none (tests of this package).
func (s *Service) alertService() *hearth.AlertService {
	if s.Alerts != nil {
		return s.Alerts
	}
	return &hearth.AlertService{Store: s.Store, Config: s.AlertConfig, Wake: s.Wake}
}

// actor is the caller of a command, in the interaction's server.
func actor(r *Request) hearth.AlertActor {
	return hearth.AlertActor{UserID: r.User.ID, GuildID: r.GuildID}
}

// buttonActor is the presser of an alert DM button. A DM carries no guild,
// so the server the button names ("alert:ack:ID:GUILD") stands for it; a
// modified client may send any, and the alert must be of that server. A
// press in a server is checked against that server, whatever the button says.
func buttonActor(r *Request, route string) (hearth.AlertActor, error) {
	named := r.Arg(route, 1)
	if r.GuildID != "" && named != "" && named != r.GuildID {
		return hearth.AlertActor{}, hearth.Errorf(hearth.EINVALID, msgButtonInvalid)
	}
	a := actor(r)
	if a.GuildID == "" {
		a.GuildID = named
	}
	return a, nil
}

func (s *Service) alertsList(ctx context.Context, r *Request) (*Response, error) {
	if err := guildOnly(r); err != nil {
		return nil, err
	}
	var groupID int64
	if name := r.String("group"); name != "" {
		g, err := s.Store.GroupByName(ctx, r.GuildID, name)
		if hearth.ErrorCode(err) == hearth.ENOTFOUND {
			return nil, hearth.Errorf(hearth.ENOTFOUND, "There is no group called %q in this server. Pick one from the list.", clip(name, 50))
		} else if err != nil {
			return nil, err
		}
		groupID = g.ID
	}
	return s.alertsPage(ctx, r, groupID, 0, false)
}

// alertsPageButton shows another page of /alerts list
// ("alerts:page:PAGE:GROUP"). The list is read again for the presser, in
// the interaction's server, so a forged page or group shows nothing more
// than their own list would.
func (s *Service) alertsPageButton(ctx context.Context, r *Request) (*Response, error) {
	if err := guildOnly(r); err != nil {
		return nil, err
	}
	page, err := strconv.Atoi(r.Arg("alerts:page", 0))
	if err != nil || page < 0 || page > alertsPageLimit {
		return nil, hearth.Errorf(hearth.EINVALID, msgButtonInvalid)
	}
	groupID, err := strconv.ParseInt(r.Arg("alerts:page", 1), 10, 64)
	if err != nil || groupID < 0 {
		return nil, hearth.Errorf(hearth.EINVALID, msgButtonInvalid)
	}
	return s.alertsPage(ctx, r, groupID, page, true)
}

// alertsPage renders page (from 0) of the caller's open alerts, with
// Previous and Next buttons when they do not fit one message.
func (s *Service) alertsPage(ctx context.Context, r *Request, groupID int64, page int, update bool) (*Response, error) {
	alerts, groups, err := s.alertService().OpenAlerts(ctx, actor(r), groupID)
	if err != nil {
		return nil, err
	}
	if len(alerts) == 0 {
		msg := hearth.Message{Content: msgAlertsNone, Ephemeral: true}
		if update {
			return Update(msg), nil
		}
		return Reply(msg), nil
	}
	pages := alertPages(alerts, groups)
	page = min(page, len(pages)-1) // the list may have shrunk since the button was shown
	var b strings.Builder
	fmt.Fprintf(&b, "**Open alerts** (%d)", len(alerts))
	if len(pages) > 1 {
		fmt.Fprintf(&b, " · page %d of %d", page+1, len(pages))
	}
	b.WriteString("\n")
	b.WriteString(pages[page])
	b.WriteString("Close one with `/alerts resolve`.")
	msg := hearth.Message{Content: b.String(), Ephemeral: true}
	if len(pages) > 1 {
		g := strconv.FormatInt(groupID, 10)
		msg.Buttons = [][]hearth.Button{{
			{Label: "Previous", CustomID: "alerts:page:" + strconv.Itoa(max(page-1, 0)) + ":" + g, Style: hearth.ButtonSecondary, Disabled: page == 0},
			{Label: "Next", CustomID: "alerts:page:" + strconv.Itoa(min(page+1, len(pages)-1)) + ":" + g, Style: hearth.ButtonSecondary, Disabled: page == len(pages)-1},
		}}
	}
	if update {
		return Update(msg), nil
	}
	return Reply(msg), nil
}

// alertPages lays the alerts out in pages that each fit the budget.
func alertPages(alerts []*hearth.Alert, groups map[int64]*hearth.Group) []string {
	var pages []string
	var b strings.Builder
	n := 0
	for _, a := range alerts {
		line := alertLine(a, groups[a.GroupID])
		if n > 0 && (n == alertsPageMax || b.Len()+len(line) > alertsPageBudget) {
			pages = append(pages, b.String())
			b.Reset()
			n = 0
		}
		b.WriteString(line)
		n++
	}
	return append(pages, b.String())
}

func alertLine(a *hearth.Alert, g *hearth.Group) string {
	var b strings.Builder
	fmt.Fprintf(&b, "• **#%d** · %s · %s · urgency %s", a.ID, clip(g.Name, hearth.MaxGroupName), hearth.Mention(a.UserID), a.Urgency.Label())
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
	return b.String()
}

func (s *Service) alertAutocomplete(ctx context.Context, r *Request) (*Response, error) {
	if r.GuildID == "" {
		return Choices(nil), nil
	}
	alerts, groups, err := s.alertService().OpenAlerts(ctx, actor(r), 0)
	if hearth.ErrorCode(err) == hearth.EFORBIDDEN {
		return Choices(nil), nil
	} else if err != nil {
		return nil, err
	}
	typed := r.String("alert")
	var out []Choice
	for _, a := range alerts {
		id := strconv.FormatInt(a.ID, 10)
		if strings.HasPrefix(id, typed) {
			// Choice names are seen only by the caller; they carry no member name.
			out = append(out, Choice{Name: fmt.Sprintf("#%s · %s · urgency %s", id, groups[a.GroupID].Name, a.Urgency.Label()), Value: id})
		}
	}
	return Choices(out), nil
}

// buttonAlert reads the alert id and the presser of an alert DM button.
func buttonAlert(r *Request, route string) (int64, hearth.AlertActor, error) {
	id, err := strconv.ParseInt(r.Arg(route, 0), 10, 64)
	if err != nil || id <= 0 {
		return 0, hearth.AlertActor{}, hearth.Errorf(hearth.EINVALID, msgButtonInvalid)
	}
	a, err := buttonActor(r, route)
	return id, a, err
}

// alertNote shows the note ephemerally: it is read from hearth's database
// and never stored in a Discord message.
func (s *Service) alertNote(ctx context.Context, r *Request) (*Response, error) {
	id, who, err := buttonAlert(r, "alert:note")
	if err != nil {
		return nil, err
	}
	acc, err := s.alertService().ViewNote(ctx, who, id)
	if err != nil {
		return nil, err
	}
	a := acc.Alert
	if a.Note == "" {
		return Ephemeral("The member left no note with this alert."), nil
	}
	quoted := "> " + strings.ReplaceAll(a.Note, "\n", "\n> ")
	return Ephemeral(fmt.Sprintf("**Note from %s with alert #%d** (only you can see this; dismiss it when done):\n%s", hearth.Mention(a.UserID), a.ID, quoted)), nil
}

// alertAck acknowledges an alert: the pressed DM updates at once, the other
// DMs are edited by the engine, and the member is told.
func (s *Service) alertAck(ctx context.Context, r *Request) (*Response, error) {
	id, who, err := buttonAlert(r, "alert:ack")
	if err != nil {
		return nil, err
	}
	acc, err := s.alertService().Acknowledge(ctx, who, id)
	if err != nil {
		return nil, err
	}
	s.Log.Info("alert acknowledged", "alert", id, "by", r.User.ID)
	return Update(hearth.AlertDM(acc.Alert, acc.Group, r.Lang)), nil
}

// alertResolveButton resolves an alert from its DM; alert buttons exist
// only on alert DMs, so the pressed message is the presser's own copy.
func (s *Service) alertResolveButton(ctx context.Context, r *Request) (*Response, error) {
	id, who, err := buttonAlert(r, "alert:resolve")
	if err != nil {
		return nil, err
	}
	acc, err := s.alertService().Resolve(ctx, who, id, "")
	if err != nil {
		return nil, err
	}
	s.Log.Info("alert resolved", "alert", id, "by", r.User.ID)
	return Update(hearth.AlertDM(acc.Alert, acc.Group, r.Lang)), nil
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
	acc, err := s.alertService().Resolve(ctx, actor(r), id, note)
	if err != nil {
		return nil, err
	}
	s.Log.Info("alert resolved", "alert", id, "by", r.User.ID)
	return Ephemeral(fmt.Sprintf("Alert #%d is resolved. Both alert messages will show it.", acc.Alert.ID)), nil
}
