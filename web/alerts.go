package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// recentAlerts is how far back the alert list shows resolved alerts.
const recentAlerts = 30 * 24 * time.Hour

type alertRow struct {
	*hearth.Alert
	GroupName string
	HasNote   bool
	// AsLead: the viewer sees this alert as the server's clinical lead,
	// because it escalated to them (SPEC §5), not as its group's
	// psychologist.
	AsLead bool
}

func (s *Server) alertRows(v *viewer, as []*hearth.Alert) []alertRow {
	out := make([]alertRow, len(as))
	for i, a := range as {
		name := ""
		if g := v.coordinates(a.GroupID); g != nil {
			name = g.Name
		}
		out[i] = alertRow{Alert: a, GroupName: name, HasNote: a.HasNote}
		out[i].Note = "" // never inline: only View note shows it
	}
	return out
}

// alertList shows the open and recent alerts of the visitor's groups, and
// the open alerts that escalated to them as a server's clinical lead.
func (s *Server) alertList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	ctx := r.Context()
	as, err := s.o.Store.RecentAlerts(ctx, v.psychIDs(), s.o.Now().Add(-recentAlerts), 200)
	if err != nil {
		return err
	}
	rows := s.alertRows(v, as)
	lead, err := s.leadAlerts(ctx, v)
	if err != nil {
		return err
	}
	for _, row := range lead {
		if !slices.ContainsFunc(rows, func(x alertRow) bool { return x.ID == row.ID }) {
			rows = append(rows, row)
		}
	}
	slices.SortStableFunc(rows, func(a, b alertRow) int { return b.CreatedAt.Compare(a.CreatedAt) })
	var ids []string
	for _, a := range rows {
		ids = append(ids, a.UserID)
	}
	s.render(w, r, v, 0, "alerts", v.lang.T(locale.WebNavAlerts), struct {
		Alerts []alertRow
		Loc    *time.Location
		Psych  bool
		Names  map[string]string
	}{rows, v.loc, len(v.psych) > 0 || len(v.leads) > 0, s.names(ctx, ids...)})
	return nil
}

// leadAlerts returns the open alerts of groups the viewer does not
// coordinate that they may act on as a server's clinical lead: those that
// escalated to them, by the same rule as the DM buttons and /alerts
// (AlertService.OpenAlerts).
func (s *Server) leadAlerts(ctx context.Context, v *viewer) ([]alertRow, error) {
	var out []alertRow
	for _, guild := range v.leads {
		as, groups, err := s.o.Alerts.OpenAlerts(ctx, hearth.AlertActor{UserID: v.sess.UserID, GuildID: guild}, 0)
		if hearth.ErrorCode(err) == hearth.EFORBIDDEN {
			continue // no longer the lead, or no group there
		} else if err != nil {
			return nil, err
		}
		for _, a := range as {
			if v.coordinates(a.GroupID) != nil {
				continue // already listed as their group's alert
			}
			row := alertRow{Alert: a, HasNote: a.HasNote, AsLead: true}
			if g := groups[a.GroupID]; g != nil {
				row.GroupName = g.Name
			}
			row.Note = ""
			out = append(out, row)
		}
	}
	return out, nil
}

// visibleAlert loads an alert the visitor may act on now: one of a group
// they coordinate, or, as the server's clinical lead, one that escalated
// to them. Any other id, existing or not, is the same not found.
func (s *Server) visibleAlert(r *http.Request, v *viewer) (alertRow, *hearth.Group, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return alertRow{}, nil, errNotFound
	}
	a, err := s.o.Store.Alert(r.Context(), id)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return alertRow{}, nil, errNotFound
	} else if err != nil {
		return alertRow{}, nil, err
	}
	// The same rule as the DM buttons and /alerts: the group's
	// psychologists of now, or the lead of now once the alert escalated,
	// in the alert's server.
	acc, err := s.o.Alerts.Authorize(r.Context(), alertActor(v, a), id)
	if code := hearth.ErrorCode(err); code == hearth.EFORBIDDEN || code == hearth.ENOTFOUND || code == hearth.EINVALID {
		return alertRow{}, nil, errNotFound
	} else if err != nil {
		return alertRow{}, nil, err
	}
	if acc.AsLead {
		row := alertRow{Alert: acc.Alert, GroupName: acc.Group.Name, HasNote: acc.Alert.HasNote, AsLead: true}
		row.Note = ""
		return row, acc.Group, nil
	}
	g := v.coordinates(a.GroupID)
	if g == nil || g.GuildID != a.GuildID {
		return alertRow{}, nil, errNotFound
	}
	return s.alertRows(v, []*hearth.Alert{acc.Alert})[0], g, nil
}

// alertActor is the viewer acting on a in a's server.
func alertActor(v *viewer, a *hearth.Alert) hearth.AlertActor {
	return hearth.AlertActor{UserID: v.sess.UserID, GuildID: a.GuildID}
}

type alertPage struct {
	Alert alertRow
	Group *hearth.Group
	Loc   *time.Location
	Note  string // set only on the page View note returns
	Shown bool
	Names map[string]string
}

func (s *Server) alertPage(r *http.Request, row alertRow, v *viewer, g *hearth.Group) alertPage {
	return alertPage{Alert: row, Group: g, Loc: v.loc,
		Names: s.names(r.Context(), row.UserID, row.AckBy, row.ResolvedBy)}
}

func (s *Server) alertShow(w http.ResponseWriter, r *http.Request, v *viewer) error {
	row, g, err := s.visibleAlert(r, v)
	if err != nil {
		return err
	}
	s.render(w, r, v, 0, "alert", v.lang.T(locale.WebAlertsTitle, locale.A("ID", row.ID)), s.alertPage(r, row, v, g))
	return nil
}

// alertNote shows the note once, in the answer to this POST only, after
// the same View note operation as the DM button wrote its audit row.
func (s *Server) alertNote(w http.ResponseWriter, r *http.Request, v *viewer) error {
	row, g, err := s.visibleAlert(r, v)
	if err != nil {
		return err
	}
	// ViewNote writes the audit row and is the only path that decrypts.
	acc, err := s.o.Alerts.ViewNote(r.Context(), alertActor(v, row.Alert), row.ID)
	if err != nil {
		return err
	}
	note := acc.Alert.Note
	if note == "" {
		note = v.lang.T(locale.WebAlertsNoNote)
	}
	shown := row
	shown.Alert = acc.Alert
	p := s.alertPage(r, shown, v, g)
	p.Alert.Note = "" // the note is shown once, in its own place
	p.Note, p.Shown = note, true
	s.render(w, r, v, 0, "alert", v.lang.T(locale.WebAlertsTitle, locale.A("ID", row.ID)), p)
	return nil
}

func (s *Server) alertAck(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.alertAction(w, r, v, "alert:ack", "ack")
}

func (s *Server) alertResolve(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.alertAction(w, r, v, "alert:resolve", "resolve")
}

func (s *Server) alertAction(w http.ResponseWriter, r *http.Request, v *viewer, route, done string) error {
	row, _, err := s.visibleAlert(r, v)
	if err != nil {
		return err
	}
	if err := s.button(r.Context(), v, row.Alert, route); err != nil {
		return err
	}
	redirectDone(w, r, "/alerts/"+strconv.FormatInt(row.ID, 10), done)
	return nil
}
