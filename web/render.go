package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// pageData is what every template gets.
type pageData struct {
	Title  string
	User   *hearth.WebSession // nil when logged out
	CSRF   string
	Flash  string
	Nav    nav
	Zone   string
	Lang   locale.Lang
	Path   string // the page's path and query, where the language switch returns
	Status int
	Error  string
	Data   any
}

// nav says which sections the visitor has.
type nav struct {
	Alerts, Groups, Me bool
	Servers            []hearth.GuildInfo // where they are an admin
}

// parseTemplates parses every page once per language: the catalog's
// functions are bound when a template is parsed.
func (s *Server) parseTemplates() error {
	s.pages = map[locale.Lang]map[string]*template.Template{}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	for _, l := range locale.Langs {
		s.pages[l] = map[string]*template.Template{}
		for _, name := range names {
			base := path.Base(name)
			if base == "layout.html" {
				continue
			}
			t, err := template.New("layout.html").Funcs(funcMap(l)).ParseFS(templateFS, "templates/layout.html", name)
			if err != nil {
				return fmt.Errorf("parse %s: %w", base, err)
			}
			s.pages[l][strings.TrimSuffix(base, ".html")] = t
		}
	}
	return nil
}

// flash returns the notice of ?done=KEY in l, or "".
func flash(l locale.Lang, done string) string {
	if done == "" {
		return ""
	}
	k := locale.Key("web_flash." + done)
	if !l.Has(k) {
		return ""
	}
	return l.T(k)
}

// render writes a page with status 200, or status when not zero. title is
// already in the visitor's language.
func (s *Server) render(w http.ResponseWriter, r *http.Request, v *viewer, status int, name, title string, data any) {
	lang := s.lang(r, v)
	t, ok := s.pages[lang][name]
	if !ok {
		s.o.Log.Error("no such template", "name", name)
		http.Error(w, lang.T(locale.WebErrorsInternal), http.StatusInternalServerError)
		return
	}
	pd := pageData{Title: title, Data: data, Lang: lang, Path: r.URL.RequestURI(), Flash: flash(lang, r.URL.Query().Get("done"))}
	if r.Method != http.MethodGet {
		pd.Path = "/"
	}
	if v != nil {
		pd.User, pd.CSRF, pd.Nav, pd.Zone = v.sess, v.sess.CSRF, v.nav(r.Context()), v.loc.String()
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, pd); err != nil {
		s.o.Log.Error("unable to render page", "name", name, "error", err)
		http.Error(w, lang.T(locale.WebErrorsInternal), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", string(lang))
	w.Header().Add("Vary", "Accept-Language, Cookie")
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w) // a failed write means the visitor left
}

// lang is the language of the page: the viewer's, or for a logged-out
// visitor their choice or browser's.
func (s *Server) lang(r *http.Request, v *viewer) locale.Lang {
	if v != nil {
		return v.lang
	}
	return s.viewerLang(r, "")
}

// renderError shows an error page; msg is already in the visitor's language.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, v *viewer, status int, msg string) {
	if v == nil {
		if sess, err := s.session(r); err == nil {
			v, _ = s.newViewer(r, sess)
		}
	}
	s.render(w, r, v, status, "error", s.statusText(s.lang(r, v), status), errorPage{Status: status, Message: msg})
}

// renderErrorKey shows an error page with a catalog message.
func (s *Server) renderErrorKey(w http.ResponseWriter, r *http.Request, v *viewer, status int, k locale.Key) {
	if v == nil {
		if sess, err := s.session(r); err == nil {
			v, _ = s.newViewer(r, sess)
		}
	}
	s.renderError(w, r, v, status, s.lang(r, v).T(k))
}

// statusText names an HTTP status in l.
func (s *Server) statusText(l locale.Lang, status int) string {
	k := locale.Key("web_errors.status_" + strconv.Itoa(status))
	if l.Has(k) {
		return l.T(k)
	}
	return http.StatusText(status)
}

type errorPage struct {
	Status  int
	Message string
}
