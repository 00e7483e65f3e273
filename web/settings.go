package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/commands"
	"github.com/hearthbot/hearth/locale"
)

const auditPage = 50

// adminServer returns the {guild} of the path if the visitor is its admin.
func (s *Server) adminServer(r *http.Request, v *viewer) (string, error) {
	guild := r.PathValue("guild")
	if _, err := strconv.ParseUint(guild, 10, 64); err != nil {
		return "", errNotFound
	}
	ok, err := v.isAdmin(r.Context(), guild)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", errNotFound
	}
	return guild, nil
}

func (s *Server) settingsShow(w http.ResponseWriter, r *http.Request, v *viewer) error {
	guild, err := s.adminServer(r, v)
	if err != nil {
		return err
	}
	st, err := s.o.Store.GuildSettings(r.Context(), guild)
	if err != nil {
		return err
	}
	s.render(w, r, v, 0, "settings", v.lang.T(locale.WebSettingsTitle, locale.A("Server", s.serverName(v.lang, guild))), struct {
		GuildID, Server string
		Settings        *hearth.GuildSettings
		Crisis          string
		Retention       int
	}{guild, s.serverName(v.lang, guild), st, st.Crisis(), retention(st)})
	return nil
}

func retention(st *hearth.GuildSettings) int {
	if st.RetentionDays <= 0 {
		return hearth.DefaultRetentionDays
	}
	return st.RetentionDays
}

// settingsSave runs /settings crisis and /settings retention for what changed.
func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request, v *viewer) error {
	guild, err := s.adminServer(r, v)
	if err != nil {
		return err
	}
	ctx := r.Context()
	st, err := s.o.Store.GuildSettings(ctx, guild)
	if err != nil {
		return err
	}
	if crisis := strings.TrimSpace(r.FormValue("crisis")); crisis != "" && crisis != st.Crisis() {
		if _, err := s.adminCommand(ctx, v, guild, "settings crisis", map[string]commands.Option{"text": {String: crisis}}); err != nil {
			return err
		}
	}
	if d := strings.TrimSpace(r.FormValue("retention")); d != "" {
		n, err := strconv.ParseInt(d, 10, 64)
		if err != nil {
			return hearth.Errorf(hearth.EINVALID, "%s", v.lang.T(locale.WebCommonBadForm))
		}
		if int(n) != retention(st) {
			if _, err := s.adminCommand(ctx, v, guild, "settings retention", map[string]commands.Option{"days": {Int: n}}); err != nil {
				return err
			}
		}
	}
	redirectDone(w, r, "/servers/"+guild+"/settings", "settings")
	return nil
}

func (s *Server) auditShow(w http.ResponseWriter, r *http.Request, v *viewer) error {
	guild, err := s.adminServer(r, v)
	if err != nil {
		return err
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	es, err := s.o.Store.AuditLog(r.Context(), guild, auditPage+1, (page-1)*auditPage)
	if err != nil {
		return err
	}
	more := len(es) > auditPage
	es = es[:min(len(es), auditPage)]
	var ids []string
	for _, e := range es {
		ids = append(ids, e.ActorID)
	}
	s.render(w, r, v, 0, "audit", v.lang.T(locale.WebAuditTitle, locale.A("Server", s.serverName(v.lang, guild))), struct {
		GuildID, Server string
		Entries         []hearth.AuditEntry
		Page            int
		Prev, Next      int
		Loc             *time.Location
		Names           map[string]string
	}{guild, s.serverName(v.lang, guild), es, page, page - 1, map[bool]int{true: page + 1}[more], v.loc, s.names(r.Context(), ids...)})
	return nil
}
