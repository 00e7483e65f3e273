package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hearthbot/hearth"
)

// recentAlerts is how far back the alert list shows resolved alerts.
const recentAlerts = 30 * 24 * time.Hour

type alertRow struct {
	*hearth.Alert
	GroupName string
	HasNote   bool
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

// alertList shows the open and recent alerts of the visitor's groups.
func (s *Server) alertList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	as, err := s.o.Store.RecentAlerts(r.Context(), v.psychIDs(), s.o.Now().Add(-recentAlerts), 200)
	if err != nil {
		return err
	}
	var ids []string
	for _, a := range as {
		ids = append(ids, a.UserID)
	}
	s.render(w, r, v, 0, "alerts", "Alerts", struct {
		Alerts []alertRow
		Loc    *time.Location
		Psych  bool
		Names  map[string]string
	}{s.alertRows(v, as), v.loc, len(v.psych) > 0, s.names(r.Context(), ids...)})
	return nil
}

// visibleAlert loads an alert of a group the visitor coordinates now; any
// other id, existing or not, is the same not found.
func (s *Server) visibleAlert(r *http.Request, v *viewer) (*hearth.Alert, *hearth.Group, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, nil, errNotFound
	}
	a, err := s.o.Store.Alert(r.Context(), id)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil, nil, errNotFound
	} else if err != nil {
		return nil, nil, err
	}
	// The same rule as the DM buttons and /alerts (the group's
	// psychologists of now, in the alert's server); the dashboard also
	// shows only the groups the viewer coordinates.
	acc, err := s.o.Alerts.Authorize(r.Context(), alertActor(v, a), id)
	if code := hearth.ErrorCode(err); code == hearth.EFORBIDDEN || code == hearth.ENOTFOUND || code == hearth.EINVALID {
		return nil, nil, errNotFound
	} else if err != nil {
		return nil, nil, err
	}
	g := v.coordinates(a.GroupID)
	if g == nil || g.GuildID != a.GuildID {
		return nil, nil, errNotFound
	}
	return acc.Alert, g, nil
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

func (s *Server) alertPage(r *http.Request, v *viewer, a *hearth.Alert, g *hearth.Group) alertPage {
	return alertPage{Alert: s.alertRows(v, []*hearth.Alert{a})[0], Group: g, Loc: v.loc,
		Names: s.names(r.Context(), a.UserID, a.AckBy, a.ResolvedBy)}
}

func (s *Server) alertShow(w http.ResponseWriter, r *http.Request, v *viewer) error {
	a, g, err := s.visibleAlert(r, v)
	if err != nil {
		return err
	}
	s.render(w, r, v, 0, "alert", "Alert #"+strconv.FormatInt(a.ID, 10), s.alertPage(r, v, a, g))
	return nil
}

// alertNote shows the note once, in the answer to this POST only, after
// the same View note operation as the DM button wrote its audit row.
func (s *Server) alertNote(w http.ResponseWriter, r *http.Request, v *viewer) error {
	a, g, err := s.visibleAlert(r, v)
	if err != nil {
		return err
	}
	// ViewNote writes the audit row and is the only path that decrypts.
	acc, err := s.o.Alerts.ViewNote(r.Context(), alertActor(v, a), a.ID)
	if err != nil {
		return err
	}
	note := acc.Alert.Note
	if note == "" {
		note = msgNoNote
	}
	p := s.alertPage(r, v, acc.Alert, g)
	p.Note, p.Shown = note, true
	s.render(w, r, v, 0, "alert", "Alert #"+strconv.FormatInt(a.ID, 10), p)
	return nil
}

func (s *Server) alertAck(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.alertAction(w, r, v, "alert:ack", "ack")
}

func (s *Server) alertResolve(w http.ResponseWriter, r *http.Request, v *viewer) error {
	return s.alertAction(w, r, v, "alert:resolve", "resolve")
}

func (s *Server) alertAction(w http.ResponseWriter, r *http.Request, v *viewer, route, done string) error {
	a, _, err := s.visibleAlert(r, v)
	if err != nil {
		return err
	}
	if err := s.button(r.Context(), v, a, route); err != nil {
		return err
	}
	redirectDone(w, r, "/alerts/"+strconv.FormatInt(a.ID, 10), done)
	return nil
}
