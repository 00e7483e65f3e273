package web

import (
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/commands"
	"github.com/hearthbot/hearth/locale"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Store is what the dashboard reads and writes: the commands' stores, the
// sessions and the cross-server lookups.
type Store interface {
	commands.Store
	hearth.WebSessionStore
	hearth.DashboardStore
}

// Discord is what the dashboard asks Discord with the bot token.
type Discord interface {
	// ManageGuild reports whether the user has Manage Server in the guild.
	ManageGuild(ctx context.Context, guildID, userID string) (bool, error)
	// Guilds returns the servers the bot is in.
	Guilds() []hearth.GuildInfo
}

// Options configure a Server.
type Options struct {
	Store Store
	// Router runs the same handlers as the slash commands and DM buttons.
	Router *commands.Router
	// Alerts is the one rule of who may see and act on an alert, shared
	// with the DM buttons and /alerts.
	Alerts  *hearth.AlertService
	Discord Discord
	Config  hearth.Config
	// ClientID returns the OAuth2 client id ([discord] client_id, else the
	// application's id once known).
	ClientID func() string
	Now      func() time.Time
	Log      *slog.Logger
	// HTTPClient makes the OAuth2 requests (nil: http.DefaultClient).
	HTTPClient *http.Client
}

// Server serves the dashboard.
type Server struct {
	o     Options
	pages map[locale.Lang]map[string]*template.Template
	mux   *http.ServeMux
	cop   *http.CrossOriginProtection
	perms *permCache
	nameCache
	hs *http.Server
	ln net.Listener
}

// New builds the dashboard's handler.
func New(o Options) (*Server, error) {
	if o.Store == nil || o.Router == nil || o.Alerts == nil {
		return nil, errors.New("web: the dashboard needs a store, the command router and the alert service")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.HTTPClient == nil {
		o.HTTPClient = http.DefaultClient
	}
	if o.ClientID == nil {
		id := o.Config.Discord.ClientID
		o.ClientID = func() string { return id }
	}
	s := &Server{o: o, mux: http.NewServeMux(), cop: http.NewCrossOriginProtection(), perms: newPermCache(o.Now)}
	if err := s.parseTemplates(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	static, _ := fs.Sub(staticFS, "static")
	s.mux.Handle("GET /static/", http.StripPrefix("/static/", staticHandler(http.FileServerFS(static))))
	s.mux.HandleFunc("GET /{$}", s.home)
	s.mux.HandleFunc("GET /auth/login", s.login)
	s.mux.HandleFunc("GET /auth/callback", s.callback)
	s.mux.Handle("POST /auth/logout", s.post(s.logout))

	s.mux.Handle("GET /alerts", s.page(s.alertList))
	s.mux.Handle("GET /alerts/{id}", s.page(s.alertShow))
	s.mux.Handle("POST /alerts/{id}/note", s.post(s.alertNote))
	s.mux.Handle("POST /alerts/{id}/acknowledge", s.post(s.alertAck))
	s.mux.Handle("POST /alerts/{id}/resolve", s.post(s.alertResolve))

	s.mux.Handle("GET /groups", s.page(s.groupList))
	s.mux.Handle("GET /groups/new", s.page(s.groupNew))
	s.mux.Handle("POST /groups/new", s.post(s.groupCreate))
	s.mux.Handle("GET /groups/{id}", s.page(s.groupShow))
	s.mux.Handle("GET /groups/{id}/chart.svg", s.page(s.groupChart))
	s.mux.Handle("GET /groups/{id}/edit", s.page(s.groupEditForm))
	s.mux.Handle("POST /groups/{id}/edit", s.post(s.groupSave))
	s.mux.Handle("GET /groups/{id}/delete", s.page(s.groupDeleteForm))
	s.mux.Handle("POST /groups/{id}/delete", s.post(s.groupDelete))
	s.mux.Handle("POST /groups/{id}/meetings/{mid}/details", s.post(s.meetingDetails))

	s.mux.Handle("GET /servers/{guild}/settings", s.page(s.settingsShow))
	s.mux.Handle("POST /servers/{guild}/settings", s.post(s.settingsSave))
	s.mux.Handle("GET /servers/{guild}/audit", s.page(s.auditShow))

	s.mux.Handle("POST /lang", s.post(s.langSwitch))

	s.mux.Handle("GET /me", s.page(s.me))
	s.mux.Handle("POST /me/timezone", s.post(s.meTimezone))
	s.mux.Handle("POST /me/export", s.post(s.meExport))
	s.mux.Handle("GET /me/erase", s.page(s.meEraseForm))
	s.mux.Handle("POST /me/erase", s.post(s.meErase))

	// Anything else: a logged-out visitor goes home, a logged-in one gets
	// the same 404 as for an unknown id.
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if _, err := s.session(r); err != nil {
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		s.notFound(w, r)
	})
}

// ServeHTTP serves the dashboard with its security headers.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	// Pages show personal data; the static handler overrides this.
	h.Set("Cache-Control", "no-store")
	s.mux.ServeHTTP(w, r)
}

func staticHandler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

// Listen opens the dashboard's address (port 0 picks one).
func (s *Server) Listen(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.ln = ln
	s.hs = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	return nil
}

// Addr is the address Listen opened.
func (s *Server) Addr() string {
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Serve serves until Shutdown.
func (s *Server) Serve() error {
	if err := s.hs.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops serving, letting requests in flight finish.
func (s *Server) Shutdown(ctx context.Context) error { return s.hs.Shutdown(ctx) }

// A pageFunc serves a logged-in visitor.
type pageFunc func(w http.ResponseWriter, r *http.Request, v *viewer) error

// page wraps a page for logged-in visitors; others go home.
func (s *Server) page(fn pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.session(r)
		if err != nil {
			if hearth.ErrorCode(err) != hearth.ENOTFOUND {
				s.fail(w, r, err)
				return
			}
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		s.serve(w, r, sess, fn)
	})
}

// post wraps a form action: refused across origins and without the
// session's CSRF token, whatever else it carries.
func (s *Server) post(fn pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := s.cop.Check(r); err != nil {
			s.renderErrorKey(w, r, nil, http.StatusForbidden, locale.WebErrorsCrossOrigin)
			return
		}
		sess, err := s.session(r)
		if err != nil {
			if hearth.ErrorCode(err) != hearth.ENOTFOUND {
				s.fail(w, r, err)
				return
			}
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		token := r.Header.Get("X-CSRF-Token")
		if token == "" {
			token = r.PostFormValue("csrf")
		}
		if subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRF)) != 1 {
			s.renderErrorKey(w, r, nil, http.StatusForbidden, locale.WebErrorsBadToken)
			return
		}
		s.serve(w, r, sess, fn)
	})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, sess *hearth.WebSession, fn pageFunc) {
	v, err := s.newViewer(r, sess)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := fn(w, r, v); err != nil {
		s.handleErr(w, r, v, err)
	}
}

// errNotFound is the one answer for an unknown id and for an id of a group,
// alert or server the visitor may not see.
var errNotFound = hearth.Errorf(hearth.ENOTFOUND, "not found")

func (s *Server) handleErr(w http.ResponseWriter, r *http.Request, v *viewer, err error) {
	var he *hearth.Error
	switch {
	case errors.Is(err, errNotFound):
		s.renderErrorKey(w, r, v, http.StatusNotFound, locale.WebErrorsNotFound)
	case errors.As(err, &he) && he.Code == hearth.ENOTFOUND:
		s.renderErrorKey(w, r, v, http.StatusNotFound, locale.WebErrorsNotFound)
	case errors.As(err, &he) && he.Code == hearth.EINTERNAL:
		s.fail(w, r, err)
	case errors.As(err, &he):
		status := http.StatusConflict
		switch he.Code {
		case hearth.EINVALID:
			status = http.StatusBadRequest
		case hearth.EFORBIDDEN:
			status = http.StatusForbidden
		}
		s.renderError(w, r, v, status, plain(v.lang, hearth.ErrorMessageIn(err, v.lang)))
	default:
		s.fail(w, r, err)
	}
}

// fail logs an internal error (route and ids only) and shows an apology.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.o.Log.Error("dashboard request failed", "method", r.Method, "route", r.Pattern, "error", err)
	s.renderErrorKey(w, r, nil, http.StatusInternalServerError, locale.WebErrorsInternal)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderErrorKey(w, r, nil, http.StatusNotFound, locale.WebErrorsNotFound)
}

// plain turns a command reply's Discord markdown into plain text for a
// page in l.
func plain(l locale.Lang, msg string) string {
	r := strings.NewReplacer("**", "", "`", "", "<@&", l.T(locale.WebCommonRolePrefix)+" ", "<@", l.T(locale.WebCommonUserPrefix)+" ",
		"<#", l.T(locale.WebCommonChannelPrefix)+" ")
	return r.Replace(stripTimestamps(l, msg))
}

// stripTimestamps removes Discord's <t:…> tags, which only Discord renders.
func stripTimestamps(l locale.Lang, s string) string {
	for {
		i := strings.Index(s, "<t:")
		if i < 0 {
			return strings.ReplaceAll(s, ">", "")
		}
		j := strings.Index(s[i:], ">")
		if j < 0 {
			return s
		}
		s = s[:i] + l.T(locale.WebCommonEarlier) + s[i+j+1:]
	}
}
