package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/hearthbot/hearth"
)

// pageData is what every template gets.
type pageData struct {
	Title  string
	User   *hearth.WebSession // nil when logged out
	CSRF   string
	Flash  string
	Nav    nav
	Zone   string
	Status int
	Error  string
	Data   any
}

// nav says which sections the visitor has.
type nav struct {
	Alerts, Groups, Me bool
	Servers            []hearth.GuildInfo // where they are an admin
}

func (s *Server) parseTemplates() error {
	s.pages = map[string]*template.Template{}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	for _, name := range names {
		base := path.Base(name)
		if base == "layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", name)
		if err != nil {
			return fmt.Errorf("parse %s: %w", base, err)
		}
		s.pages[strings.TrimSuffix(base, ".html")] = t
	}
	return nil
}

var funcs = template.FuncMap{
	"when": func(loc *time.Location, t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(loc).Format("Mon 2 Jan 2006, 15:04 MST")
	},
	"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	// who names a user from a page's names, or shows the id.
	"who": func(names map[string]string, id string) string {
		if n := names[id]; n != "" {
			return n
		}
		return "user " + id
	},
	"mood": func(f float64) string {
		if f == 0 {
			return "—"
		}
		return fmt.Sprintf("%.1f", f)
	},
}

// render writes a page with status 200, or status when not zero.
func (s *Server) render(w http.ResponseWriter, r *http.Request, v *viewer, status int, name, title string, data any) {
	t, ok := s.pages[name]
	if !ok {
		s.o.Log.Error("no such template", "name", name)
		http.Error(w, msgInternal, http.StatusInternalServerError)
		return
	}
	pd := pageData{Title: title, Data: data, Flash: flashes[r.URL.Query().Get("done")]}
	if v != nil {
		pd.User, pd.CSRF, pd.Nav, pd.Zone = v.sess, v.sess.CSRF, v.nav(r.Context()), v.loc.String()
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, pd); err != nil {
		s.o.Log.Error("unable to render page", "name", name, "error", err)
		http.Error(w, msgInternal, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w) // a failed write means the visitor left
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, v *viewer, status int, msg string) {
	if v == nil {
		if sess, err := s.session(r); err == nil {
			v, _ = s.newViewer(r.Context(), sess)
		}
	}
	s.render(w, r, v, status, "error", http.StatusText(status), errorPage{Status: status, Message: msg})
}

type errorPage struct {
	Status  int
	Message string
}
