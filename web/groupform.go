package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/commands"
	"github.com/hearthbot/hearth/locale"
)

// groupForm is the create and edit form, with the schedule preview.
type groupForm struct {
	Group                                                      *hearth.Group // nil when creating
	GuildID                                                    string
	Server                                                     string
	Channels                                                   []hearth.ChannelInfo
	Name, ChannelID, Facilitator, Observer, Timezone, Schedule string
	Length, Sharers                                            string
	Preview                                                    []time.Time
	PreviewLoc                                                 *time.Location
	PreviewErr, Error                                          string
}

func (s *Server) channels(guildID string) []hearth.ChannelInfo {
	if c, ok := s.o.Discord.(interface {
		TextChannels(guildID string) []hearth.ChannelInfo
	}); ok {
		return c.TextChannels(guildID)
	}
	return nil
}

func (f *groupForm) read(r *http.Request) {
	for k, p := range map[string]*string{"name": &f.Name, "channel": &f.ChannelID, "facilitator": &f.Facilitator,
		"observer": &f.Observer, "timezone": &f.Timezone, "schedule": &f.Schedule, "length": &f.Length, "sharers": &f.Sharers} {
		*p = strings.TrimSpace(r.FormValue(k))
	}
}

// preview fills the next five meetings of the form's schedule, or says why
// it cannot be read. It runs on every render of the form: the Preview
// button is a plain submit, so it works without JavaScript.
func (s *Server) preview(l locale.Lang, f *groupForm) {
	if f.Schedule == "" {
		return
	}
	loc, err := hearth.LoadLocation(f.Timezone)
	if err != nil || f.Timezone == "" {
		f.PreviewErr = l.T(locale.WebErrorsBadTimezone)
		return
	}
	sched, err := hearth.ParseSchedule(f.Schedule, loc, s.o.Now())
	if err != nil {
		f.PreviewErr = plain(l, hearth.ErrorMessageIn(err, l))
		return
	}
	f.Preview, f.PreviewLoc = hearth.NextN(sched, s.o.Now(), 5), loc
}

// groupNew shows the create form for one of the visitor's servers.
func (s *Server) groupNew(w http.ResponseWriter, r *http.Request, v *viewer) error {
	guild := r.URL.Query().Get("server")
	if ok, err := v.isAdmin(r.Context(), guild); err != nil {
		return err
	} else if !ok {
		return errNotFound
	}
	f := &groupForm{GuildID: guild, Server: s.serverName(v.lang, guild), Channels: s.channels(guild), Timezone: "UTC", Length: "90", Sharers: "2"}
	if st, err := s.o.Store.GuildSettings(r.Context(), guild); err == nil && st.Timezone != "" {
		f.Timezone = st.Timezone
	}
	s.render(w, r, v, 0, "group_form", v.lang.T(locale.WebGroupsNewTitle), f)
	return nil
}

// groupCreate previews or creates: /group create, then /schedule set.
func (s *Server) groupCreate(w http.ResponseWriter, r *http.Request, v *viewer) error {
	guild := r.FormValue("server")
	if ok, err := v.isAdmin(r.Context(), guild); err != nil {
		return err
	} else if !ok {
		return errNotFound
	}
	f := &groupForm{GuildID: guild, Server: s.serverName(v.lang, guild), Channels: s.channels(guild)}
	f.read(r)
	s.preview(v.lang, f)
	if r.FormValue("action") != "save" || f.PreviewErr != "" {
		s.render(w, r, v, 0, "group_form", v.lang.T(locale.WebGroupsNewTitle), f)
		return nil
	}
	opts := map[string]commands.Option{"name": {String: f.Name}, "timezone": {String: f.Timezone}}
	if err := s.formOptions(r.Context(), v.lang, f, opts, nil); err != nil {
		f.Error = plain(v.lang, hearth.ErrorMessageIn(err, v.lang))
		s.render(w, r, v, http.StatusBadRequest, "group_form", v.lang.T(locale.WebGroupsNewTitle), f)
		return nil
	}
	ctx := r.Context()
	if _, err := s.adminCommand(ctx, v, guild, "group create", opts); err != nil {
		f.Error = plain(v.lang, hearth.ErrorMessageIn(err, v.lang))
		s.render(w, r, v, http.StatusBadRequest, "group_form", v.lang.T(locale.WebGroupsNewTitle), f)
		return nil
	}
	g, err := s.o.Store.GroupByName(ctx, guild, f.Name)
	if err != nil {
		return err
	}
	if err := s.setSchedule(ctx, v, g, f.Schedule); err != nil {
		return err
	}
	redirectDone(w, r, "/groups/"+strconv.FormatInt(g.ID, 10), "created")
	return nil
}

// formOptions turns the form into command options; only fields that differ
// from g (nil: every field) are included.
func (s *Server) formOptions(ctx context.Context, l locale.Lang, f *groupForm, opts map[string]commands.Option, g *hearth.Group) error {
	if f.ChannelID != "" && (g == nil || f.ChannelID != g.ChannelID) {
		known := s.channels(f.GuildID)
		if known != nil && !slices.ContainsFunc(known, func(c hearth.ChannelInfo) bool { return c.ID == f.ChannelID }) {
			return hearth.Errorf(hearth.EINVALID, "%s", l.T(locale.WebGroupsErrChannel))
		}
		opts["channel"] = commands.Option{Channel: &commands.Channel{ID: f.ChannelID, Text: true}}
	}
	for key, id := range map[string]string{"facilitator": f.Facilitator, "observer": f.Observer} {
		if id == "" {
			continue
		}
		if _, err := strconv.ParseUint(id, 10, 64); err != nil {
			return hearth.Errorf(hearth.EINVALID, "%s", l.T(locale.Key("web_groups.err_user_id_"+key)))
		}
		if g != nil && ((key == "facilitator" && id == g.FacilitatorID) || (key == "observer" && id == g.ObserverID)) {
			continue
		}
		// A slash command's user option is a person Discord resolved; here
		// the id is typed, so it must name someone Discord knows.
		if _, ok := s.o.Discord.(namer); ok && s.names(ctx, id)[id] == "" {
			return hearth.Errorf(hearth.EINVALID, "%s", l.T(locale.Key("web_groups.err_unknown_user_"+key), locale.A("ID", id)))
		}
		opts[key] = commands.Option{User: &commands.User{ID: id}}
	}
	for key, val := range map[string]string{"length": f.Length, "sharers": f.Sharers} {
		if val == "" || g == nil {
			continue // /group create takes neither: the defaults apply
		}
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil {
			return hearth.Errorf(hearth.EINVALID, "%s", l.T(locale.Key("web_groups.err_number_"+key)))
		}
		if (key == "length" && int(n) != g.LengthMinutes) || (key == "sharers" && int(n) != g.Sharers) {
			opts[key] = commands.Option{Int: n}
		}
	}
	return nil
}

// setSchedule runs /schedule set when the schedule changed.
func (s *Server) setSchedule(ctx context.Context, v *viewer, g *hearth.Group, expr string) error {
	if expr == "" || hearth.NormalizeSchedule(expr) == g.Schedule {
		return nil
	}
	_, err := s.adminCommand(ctx, v, g.GuildID, "schedule set", map[string]commands.Option{"group": {String: g.Name}, "when": {String: expr}})
	return err
}

func (s *Server) editForm(l locale.Lang, g *hearth.Group) *groupForm {
	return &groupForm{Group: g, GuildID: g.GuildID, Server: s.serverName(l, g.GuildID), Channels: s.channels(g.GuildID),
		Name: g.Name, ChannelID: g.ChannelID, Facilitator: g.FacilitatorID, Observer: g.ObserverID, Timezone: g.Timezone,
		Schedule: g.Schedule, Length: strconv.Itoa(g.LengthMinutes), Sharers: strconv.Itoa(g.Sharers)}
}

func (s *Server) adminGroup(r *http.Request, v *viewer) (*hearth.Group, error) {
	g, _, admin, err := s.groupAccess(r, v)
	if err != nil {
		return nil, err
	}
	if !admin {
		return nil, errNotFound
	}
	return g, nil
}

func (s *Server) groupEditForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	g, err := s.adminGroup(r, v)
	if err != nil {
		return err
	}
	f := s.editForm(v.lang, g)
	s.preview(v.lang, f)
	s.render(w, r, v, 0, "group_form", v.lang.T(locale.WebGroupsEditTitle, locale.A("Group", g.Name)), f)
	return nil
}

// groupSave previews or saves: /group edit with what changed, then
// /schedule set.
func (s *Server) groupSave(w http.ResponseWriter, r *http.Request, v *viewer) error {
	g, err := s.adminGroup(r, v)
	if err != nil {
		return err
	}
	f := s.editForm(v.lang, g)
	f.read(r)
	s.preview(v.lang, f)
	if r.FormValue("action") != "save" || f.PreviewErr != "" {
		s.render(w, r, v, 0, "group_form", v.lang.T(locale.WebGroupsEditTitle, locale.A("Group", g.Name)), f)
		return nil
	}
	opts := map[string]commands.Option{"group": {String: g.Name}}
	if f.Name != g.Name {
		opts["name"] = commands.Option{String: f.Name}
	}
	if f.Timezone != g.Timezone {
		opts["timezone"] = commands.Option{String: f.Timezone}
	}
	if err := s.formOptions(r.Context(), v.lang, f, opts, g); err != nil {
		f.Error = plain(v.lang, hearth.ErrorMessageIn(err, v.lang))
		s.render(w, r, v, http.StatusBadRequest, "group_form", v.lang.T(locale.WebGroupsEditTitle, locale.A("Group", g.Name)), f)
		return nil
	}
	ctx := r.Context()
	if len(opts) > 1 {
		if _, err := s.adminCommand(ctx, v, g.GuildID, "group edit", opts); err != nil {
			f.Error = plain(v.lang, hearth.ErrorMessageIn(err, v.lang))
			s.render(w, r, v, http.StatusBadRequest, "group_form", v.lang.T(locale.WebGroupsEditTitle, locale.A("Group", g.Name)), f)
			return nil
		}
		if g, err = s.o.Store.Group(ctx, g.ID); err != nil {
			return err
		}
	}
	if err := s.setSchedule(ctx, v, g, f.Schedule); err != nil {
		f.Error = plain(v.lang, hearth.ErrorMessageIn(err, v.lang))
		s.render(w, r, v, http.StatusBadRequest, "group_form", v.lang.T(locale.WebGroupsEditTitle, locale.A("Group", g.Name)), f)
		return nil
	}
	redirectDone(w, r, "/groups/"+strconv.FormatInt(g.ID, 10), "saved")
	return nil
}

func (s *Server) groupDeleteForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	g, err := s.adminGroup(r, v)
	if err != nil {
		return err
	}
	members, err := s.o.Store.Members(r.Context(), g.ID)
	if err != nil {
		return err
	}
	s.render(w, r, v, 0, "group_delete", v.lang.T(locale.WebGroupsDeleteTitle, locale.A("Group", g.Name)), struct {
		Group   *hearth.Group
		Members int
	}{g, len(members)})
	return nil
}

func (s *Server) groupDelete(w http.ResponseWriter, r *http.Request, v *viewer) error {
	g, err := s.adminGroup(r, v)
	if err != nil {
		return err
	}
	if err := s.deleteGroup(r.Context(), v, g); err != nil {
		return err
	}
	redirectDone(w, r, "/groups", "deleted")
	return nil
}
