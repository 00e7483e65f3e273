package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// maxScanServers bounds how many of the bot's servers /me looks through
// for data of someone who is in no group there any more.
const maxScanServers = 25

type serverData struct {
	GuildID string
	Server  string
	Data    *hearth.UserData
	Names   map[int64]string
}

// myServers returns the servers where hearth keeps something about the
// visitor as a member.
func (s *Server) myServers(ctx context.Context, v *viewer) ([]serverData, error) {
	gs, err := s.o.Store.MemberGroups(ctx, v.sess.UserID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, g := range gs {
		if !slices.Contains(ids, g.GuildID) {
			ids = append(ids, g.GuildID)
		}
	}
	if s.o.Discord != nil {
		if all := s.o.Discord.Guilds(); len(all) <= maxScanServers {
			for _, g := range all {
				if !slices.Contains(ids, g.ID) {
					ids = append(ids, g.ID)
				}
			}
		}
	}
	var out []serverData
	for _, id := range ids {
		d, err := s.o.Store.UserData(ctx, id, v.sess.UserID)
		if err != nil {
			return nil, err
		}
		if len(d.Memberships) == 0 && len(d.CheckIns) == 0 && len(d.Alerts) == 0 {
			continue
		}
		names := map[int64]string{}
		for _, g := range d.Groups {
			names[g.ID] = g.Name
		}
		out = append(out, serverData{GuildID: id, Server: s.serverName(v.lang, id), Data: d, Names: names})
	}
	return out, nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, v *viewer) error {
	servers, err := s.myServers(r.Context(), v)
	if err != nil {
		return err
	}
	s.render(w, r, v, 0, "me", v.lang.T(locale.WebNavMe), struct {
		Servers []serverData
		Loc     *time.Location
		Zone    string
	}{servers, v.loc, v.sess.Timezone})
	return nil
}

// meTimezone stores the zone the visitor's pages show times in.
func (s *Server) meTimezone(w http.ResponseWriter, r *http.Request, v *viewer) error {
	tz := strings.TrimSpace(r.FormValue("timezone"))
	if _, err := hearth.LoadLocation(tz); err != nil || tz == "" {
		return hearth.Errorf(hearth.EINVALID, "%s", v.lang.T(locale.WebErrorsBadTimezone))
	}
	if err := s.o.Store.SetWebSessionTimezone(r.Context(), v.sess.ID, tz); err != nil {
		return err
	}
	redirectDone(w, r, "/me", "timezone")
	return nil
}

// myServer returns the server of the form if hearth keeps the visitor's
// data there.
func (s *Server) myServer(r *http.Request, v *viewer) (*serverData, error) {
	guild := r.FormValue("server")
	servers, err := s.myServers(r.Context(), v)
	if err != nil {
		return nil, err
	}
	for i := range servers {
		if servers[i].GuildID == guild {
			return &servers[i], nil
		}
	}
	return nil, errNotFound
}

// meExport downloads the same JSON file /privacy export attaches.
func (s *Server) meExport(w http.ResponseWriter, r *http.Request, v *viewer) error {
	sd, err := s.myServer(r, v)
	if err != nil {
		return err
	}
	f, err := s.exportData(r.Context(), v, sd.GuildID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="`+f.Name+`"`)
	_, _ = w.Write(f.Data)
	return nil
}

func (s *Server) meEraseForm(w http.ResponseWriter, r *http.Request, v *viewer) error {
	sd, err := s.myServer(r, v)
	if err != nil {
		return err
	}
	s.render(w, r, v, 0, "me_erase", v.lang.T(locale.WebMeEraseTitle, locale.A("Server", sd.Server)), sd)
	return nil
}

// meErase erases through the same confirmation handler as /privacy delete.
func (s *Server) meErase(w http.ResponseWriter, r *http.Request, v *viewer) error {
	sd, err := s.myServer(r, v)
	if err != nil {
		return err
	}
	if _, err := s.eraseData(r.Context(), v, sd.GuildID); err != nil {
		return err
	}
	redirectDone(w, r, "/me", "erased")
	return nil
}
