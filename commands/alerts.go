package commands

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
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
		return hearth.AlertActor{}, r.Err(hearth.EINVALID, locale.ErrorButtonInvalid)
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
			return nil, r.Err(hearth.ENOTFOUND, locale.AccessUnknownGroup, locale.A("Name", clip(name, 50)))
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
		return nil, r.Err(hearth.EINVALID, locale.ErrorButtonInvalid)
	}
	groupID, err := strconv.ParseInt(r.Arg("alerts:page", 1), 10, 64)
	if err != nil || groupID < 0 {
		return nil, r.Err(hearth.EINVALID, locale.ErrorButtonInvalid)
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
		msg := hearth.Message{Content: r.T(locale.CmdAlertsNone), Ephemeral: true}
		if update {
			return Update(msg), nil
		}
		return Reply(msg), nil
	}
	pages := alertPages(r.Lang, alerts, groups)
	page = min(page, len(pages)-1) // the list may have shrunk since the button was shown
	var b strings.Builder
	b.WriteString(r.T(locale.CmdAlertsTitle, locale.A("N", len(alerts))))
	if len(pages) > 1 {
		b.WriteString(r.T(locale.CmdAlertsPage, locale.A("Page", page+1), locale.A("Pages", len(pages))))
	}
	b.WriteString("\n")
	b.WriteString(pages[page])
	b.WriteString(r.T(locale.CmdAlertsFooter))
	msg := hearth.Message{Content: b.String(), Ephemeral: true}
	if len(pages) > 1 {
		g := strconv.FormatInt(groupID, 10)
		msg.Buttons = [][]hearth.Button{pageButtons(r.Lang,
			"alerts:page:"+strconv.Itoa(max(page-1, 0))+":"+g, "alerts:page:"+strconv.Itoa(min(page+1, len(pages)-1))+":"+g,
			page == 0, page == len(pages)-1)}
	}
	if update {
		return Update(msg), nil
	}
	return Reply(msg), nil
}

// alertPages lays the alerts out in pages that each fit the budget.
func alertPages(l locale.Lang, alerts []*hearth.Alert, groups map[int64]*hearth.Group) []string {
	var pages []string
	var b strings.Builder
	n := 0
	for _, a := range alerts {
		line := alertLine(l, a, groups[a.GroupID])
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

func alertLine(l locale.Lang, a *hearth.Alert, g *hearth.Group) string {
	var b strings.Builder
	b.WriteString(l.T(locale.CmdAlertsLine, locale.A("ID", a.ID), locale.A("Group", clip(g.Name, hearth.MaxGroupName)),
		locale.A("Member", hearth.Mention(a.UserID)), locale.A("Urgency", urgencyLabel(l, a.Urgency))))
	if a.Relapse {
		b.WriteString(l.T(locale.CmdAlertsLineRelapse))
	}
	b.WriteString(l.T(locale.CmdAlertsLineRaised, locale.A("When", hearth.Timestamp(a.CreatedAt, "R"))))
	if a.Status == hearth.AlertAcknowledged {
		b.WriteString(l.T(locale.CmdAlertsLineAcked, locale.A("Who", hearth.Mention(a.AckBy))))
	} else {
		b.WriteString(l.T(locale.CmdAlertsLineNotAcked))
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
			out = append(out, Choice{Name: clip(r.T(locale.CmdAlertsChoice, locale.A("ID", id), locale.A("Group", groups[a.GroupID].Name),
				locale.A("Urgency", urgencyLabel(r.Lang, a.Urgency))), 99), Value: id})
		}
	}
	return Choices(out), nil
}

// buttonAlert reads the alert id and the presser of an alert DM button.
func buttonAlert(r *Request, route string) (int64, hearth.AlertActor, error) {
	id, err := strconv.ParseInt(r.Arg(route, 0), 10, 64)
	if err != nil || id <= 0 {
		return 0, hearth.AlertActor{}, r.Err(hearth.EINVALID, locale.ErrorButtonInvalid)
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
		return Ephemeral(r.T(locale.CmdAlertsNoNote)), nil
	}
	quoted := "> " + strings.ReplaceAll(a.Note, "\n", "\n> ")
	return Ephemeral(r.T(locale.CmdAlertsNote, locale.A("Member", hearth.Mention(a.UserID)), locale.A("ID", a.ID), locale.A("Note", quoted))), nil
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
		return nil, r.Err(hearth.EINVALID, locale.CmdAlertsNoteTooLong, locale.A("Length", n), locale.A("Max", hearth.MaxAlertNote))
	}
	acc, err := s.alertService().Resolve(ctx, actor(r), id, note)
	if err != nil {
		return nil, err
	}
	s.Log.Info("alert resolved", "alert", id, "by", r.User.ID)
	return Ephemeral(r.T(locale.CmdAlertsResolved, locale.A("ID", acc.Alert.ID))), nil
}
