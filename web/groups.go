package web

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/commands"
	"github.com/hearthbot/hearth/locale"
)

// historyWindow is how far back a group page shows meetings.
const historyWindow = 12 * 7 * 24 * time.Hour

type groupListPage struct {
	Psych  []*hearth.Group
	Member []*hearth.Group
	Admin  []serverGroups
}

type serverGroups struct {
	Guild  hearth.GuildInfo
	Groups []*hearth.Group
}

// groupList shows the groups the visitor coordinates, belongs to, and
// administers, by server.
func (s *Server) groupList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	ctx := r.Context()
	member, err := s.o.Store.MemberGroups(ctx, v.sess.UserID)
	if err != nil {
		return err
	}
	servers, err := v.adminServers(ctx)
	if err != nil {
		// Discord could not say who is an admin: the rest of the page stands.
		s.o.Log.Warn("unable to read Manage Server from Discord", "user", v.sess.UserID, "error", err)
	}
	p := groupListPage{Psych: v.psych, Member: member}
	for _, g := range servers {
		gs, err := s.o.Store.Groups(ctx, g.ID)
		if err != nil {
			return err
		}
		p.Admin = append(p.Admin, serverGroups{Guild: g, Groups: gs})
	}
	s.render(w, r, v, 0, "groups", v.lang.T(locale.WebNavGroups), p)
	return nil
}

// groupAccess loads a group and says what the visitor may see of it: all
// of it as one of its psychologists, its settings as an admin of its
// server. Anything else is the same not found as an unknown id.
func (s *Server) groupAccess(r *http.Request, v *viewer) (g *hearth.Group, psych, admin bool, err error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, false, false, errNotFound
	}
	g, err = s.o.Store.Group(r.Context(), id)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil, false, false, errNotFound
	} else if err != nil {
		return nil, false, false, err
	}
	psych = g.IsPsychologist(v.sess.UserID)
	admin, err = v.isAdmin(r.Context(), g.GuildID)
	if err != nil {
		if !psych {
			return nil, false, false, err
		}
		// Discord could not say: a psychologist still sees their group.
		s.o.Log.Warn("unable to read Manage Server from Discord", "guild", g.GuildID, "user", v.sess.UserID, "error", err)
		admin = false
	}
	if !psych && !admin {
		return nil, false, false, errNotFound
	}
	return g, psych, admin, nil
}

// meetingRow is one past meeting: totals only, never a member's mood.
type meetingRow struct {
	*hearth.Meeting
	Attended int
	Moods    int
	AvgMood  float64
}

type groupPage struct {
	Group    *hearth.Group
	Server   string
	Psych    bool
	Admin    bool
	Loc      *time.Location
	Schedule string
	Members  []*hearth.Membership
	Alerts   []alertRow
	History  []meetingRow // newest first
	Upcoming []*hearth.Meeting
	Chart    template.HTML
	Names    map[string]string
}

func (s *Server) groupShow(w http.ResponseWriter, r *http.Request, v *viewer) error {
	g, psych, admin, err := s.groupAccess(r, v)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := groupPage{Group: g, Server: s.serverName(v.lang, g.GuildID), Psych: psych, Admin: admin, Loc: v.loc}
	if g.Schedule != "" {
		p.Schedule = hearth.DescribeScheduleIn(g.Schedule, v.lang)
	}
	if p.Upcoming, err = s.o.Store.UpcomingMeetings(ctx, g.ID, s.o.Now(), 5); err != nil {
		return err
	}
	if psych {
		if p.Members, err = s.o.Store.Members(ctx, g.ID); err != nil {
			return err
		}
		as, err := s.o.Store.RecentAlerts(ctx, []int64{g.ID}, s.o.Now().Add(-recentAlerts), 50)
		if err != nil {
			return err
		}
		p.Alerts = s.alertRows(v, as)
		if p.History, err = s.history(ctx, g); err != nil {
			return err
		}
		p.Chart = chartSVG(v.lang, p.History, v.loc)
	}
	ids := []string{g.FacilitatorID, g.ObserverID}
	for _, m := range p.Members {
		ids = append(ids, m.UserID)
	}
	p.Names = s.names(ctx, ids...)
	s.render(w, r, v, 0, "group", g.Name, p)
	return nil
}

// history returns the group's past meetings of the window, newest first,
// with attendance and average mood from one read of the check-ins.
func (s *Server) history(ctx context.Context, g *hearth.Group) ([]meetingRow, error) {
	now := s.o.Now()
	from := now.Add(-historyWindow)
	ms, err := s.o.Store.MeetingsBetween(ctx, g.ID, from, now)
	if err != nil {
		return nil, err
	}
	cs, err := s.o.Store.GroupCheckIns(ctx, g.ID, from, now)
	if err != nil {
		return nil, err
	}
	type agg struct{ n, moods, sum int }
	by := map[int64]*agg{}
	for _, c := range cs {
		a := by[c.MeetingID]
		if a == nil {
			a = &agg{}
			by[c.MeetingID] = a
		}
		a.n++
		if c.Mood > 0 {
			a.moods++
			a.sum += c.Mood
		}
	}
	var out []meetingRow
	for _, m := range ms {
		if m.Status == hearth.MeetingCancelled || m.StartsAt.After(now) {
			continue
		}
		row := meetingRow{Meeting: m}
		if a := by[m.ID]; a != nil {
			row.Attended, row.Moods = a.n, a.moods
			if a.moods > 0 {
				row.AvgMood = float64(a.sum) / float64(a.moods)
			}
		}
		out = append(out, row)
	}
	slices.Reverse(out)
	return out, nil
}

// groupChart serves the attendance and mood chart alone, as an SVG file.
func (s *Server) groupChart(w http.ResponseWriter, r *http.Request, v *viewer) error {
	g, psych, _, err := s.groupAccess(r, v)
	if err != nil {
		return err
	}
	if !psych {
		return errNotFound
	}
	rows, err := s.history(r.Context(), g)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + string(chartSVG(v.lang, rows, v.loc))))
	return nil
}

type detailRow struct {
	UserID string
	Came   bool
	Mood   int
	Note   string
}

// meetingDetails shows each member's attendance, mood and note of one
// meeting, after writing an audit row, like the Details button of the
// summary DM and by the same rule (SPEC §6): only to the people that
// meeting's summary was sent to, and only while they are psychologists of
// the group. A psychologist who joined later sees totals and the average.
func (s *Server) meetingDetails(w http.ResponseWriter, r *http.Request, v *viewer) error {
	g, psych, _, err := s.groupAccess(r, v)
	if err != nil || !psych {
		return errNotFound
	}
	ctx := r.Context()
	mid, err := strconv.ParseInt(r.PathValue("mid"), 10, 64)
	if err != nil {
		return errNotFound
	}
	m, err := s.o.Store.Meeting(ctx, mid)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND || (err == nil && m.GroupID != g.ID) {
		return errNotFound
	} else if err != nil {
		return err
	}
	sentTo, err := s.o.Store.IsSummaryRecipient(ctx, m.ID, v.sess.UserID)
	if err != nil {
		return err
	}
	cs, err := s.o.Store.CheckIns(ctx, m.ID)
	if err != nil {
		return err
	}
	title := v.lang.T(locale.WebDetailsTitle, locale.A("Group", g.Name))
	if !sentTo {
		sum := hearth.Summarize(g, m, 0, cs)
		s.render(w, r, v, 0, "details", title, detailsPage{Group: g, Meeting: m, Loc: v.loc, TotalsOnly: true,
			Attended: sum.Attended, Moods: sum.Moods, AvgMood: sum.AvgMood})
		return nil
	}
	// The same handler as the summary DM's Details button checks again
	// (the group's psychologist of now, a recipient of the summary) and
	// writes the audit row; it refuses anything else.
	if _, err := s.dispatch(ctx, v, &commands.Request{Kind: commands.KindComponent, GuildID: g.GuildID,
		CustomID: "summary:details:" + strconv.FormatInt(m.ID, 10)}); err != nil {
		return err
	}
	members, err := s.o.Store.Members(ctx, g.ID)
	if err != nil {
		return err
	}
	var rows []detailRow
	seen := map[string]bool{}
	for _, c := range cs {
		seen[c.UserID] = true
		rows = append(rows, detailRow{UserID: c.UserID, Came: true, Mood: c.Mood, Note: c.Note})
	}
	for _, mb := range members {
		if !seen[mb.UserID] {
			rows = append(rows, detailRow{UserID: mb.UserID})
		}
	}
	var ids []string
	for _, row := range rows {
		ids = append(ids, row.UserID)
	}
	s.render(w, r, v, 0, "details", title, detailsPage{Group: g, Meeting: m, Rows: rows, Loc: v.loc, Names: s.names(ctx, ids...)})
	return nil
}

type detailsPage struct {
	Group      *hearth.Group
	Meeting    *hearth.Meeting
	Rows       []detailRow
	Loc        *time.Location
	Names      map[string]string
	TotalsOnly bool // the summary was not sent to the viewer
	Attended   int
	Moods      int
	AvgMood    float64
}
