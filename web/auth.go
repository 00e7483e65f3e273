package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

const (
	sessionCookie = "hearth_session"
	loginCookie   = "hearth_login"
	loginTTL      = 10 * time.Minute
)

// oauthConfig is the Login with Discord client: authorization code with
// PKCE, scope identify only (SPEC §11).
func (s *Server) oauthConfig() *oauth2.Config {
	d := s.o.Config.Discord
	return &oauth2.Config{
		ClientID:     s.o.ClientID(),
		ClientSecret: d.ClientSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL:   d.OAuthAuthorizeURL,
			TokenURL:  strings.TrimRight(d.OAuthAPI(), "/") + "/oauth2/token",
			AuthStyle: oauth2.AuthStyleInHeader,
		},
		RedirectURL: s.o.Config.Web.BaseURL() + "/auth/callback",
		Scopes:      []string{"identify"},
	}
}

// secure reports whether cookies must be Secure: the public address is https.
func (s *Server) secure() bool { return strings.HasPrefix(s.o.Config.Web.PublicURL, "https://") }

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// session returns the visitor's live session, or ENOTFOUND.
func (s *Server) session(r *http.Request) (*hearth.WebSession, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, hearth.Errorf(hearth.ENOTFOUND, "no session")
	}
	return s.o.Store.WebSession(r.Context(), hashToken(c.Value), s.o.Now())
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	sess, err := s.session(r)
	if err != nil && hearth.ErrorCode(err) != hearth.ENOTFOUND {
		s.fail(w, r, err)
		return
	}
	if sess == nil {
		s.render(w, r, nil, 0, "home", "hearth", nil) // the name, in every language
		return
	}
	s.serve(w, r, sess, func(w http.ResponseWriter, r *http.Request, v *viewer) error {
		s.render(w, r, v, 0, "home", "hearth", nil)
		return nil
	})
}

// login sends the visitor to Discord with a fresh state and PKCE verifier,
// kept in a short-lived HttpOnly cookie for the callback.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	state, verifier := randomString(24), oauth2.GenerateVerifier()
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: state + "." + verifier, Path: "/auth/",
		MaxAge: int(loginTTL / time.Second), HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, s.oauthConfig().AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)), http.StatusFound)
}

// callback checks the state, exchanges the code with the verifier, reads
// who logged in and starts a session stored in the database.
func (s *Server) callback(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(loginCookie)
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Path: "/auth/", MaxAge: -1, HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
	if err != nil {
		s.renderErrorKey(w, r, nil, http.StatusBadRequest, locale.WebErrorsLoginFailed)
		return
	}
	state, verifier, ok := strings.Cut(c.Value, ".")
	q := r.URL.Query()
	if !ok || q.Get("state") == "" || q.Get("state") != state || q.Get("code") == "" {
		s.renderErrorKey(w, r, nil, http.StatusBadRequest, locale.WebErrorsLoginFailed)
		return
	}
	user, err := s.discordUser(r.Context(), q.Get("code"), verifier)
	if err != nil {
		s.o.Log.Warn("dashboard login failed", "error", err)
		s.renderErrorKey(w, r, nil, http.StatusBadGateway, locale.WebErrorsLoginFailed)
		return
	}
	tok := randomString(32)
	now := s.o.Now().UTC()
	sess := &hearth.WebSession{ID: hashToken(tok), UserID: user.ID, UserName: user.name(), CSRF: randomString(24),
		CreatedAt: now, ExpiresAt: now.Add(s.o.Config.Web.SessionTTL)}
	if err := s.o.Store.CreateWebSession(r.Context(), sess); err != nil {
		s.fail(w, r, err)
		return
	}
	s.o.Log.Info("dashboard login", "user", user.ID)
	// Expired sessions are useless rows: each login sweeps them.
	if n, err := s.o.Store.PurgeWebSessions(r.Context(), now); err != nil {
		s.o.Log.Warn("unable to purge expired dashboard sessions", "error", err)
	} else if n > 0 {
		s.o.Log.Debug("purged expired dashboard sessions", "count", n)
	}
	// MaxAge, not Expires: the browser's clock need not agree with ours; the
	// database decides when the session ends.
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: tok, Path: "/", MaxAge: int(s.o.Config.Web.SessionTTL / time.Second),
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

type discordUser struct {
	ID         string `json:"id"`
	Username   string `json:"username"`
	GlobalName string `json:"global_name"`
}

func (u *discordUser) name() string {
	if u.GlobalName != "" {
		return u.GlobalName
	}
	return u.Username
}

func (s *Server) discordUser(ctx context.Context, code, verifier string) (*discordUser, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.o.HTTPClient)
	conf := s.oauthConfig()
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, fmt.Errorf("exchange code: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(s.o.Config.Discord.OAuthAPI(), "/")+"/users/@me", nil)
	if err != nil {
		return nil, err
	}
	tok.SetAuthHeader(req)
	resp, err := s.o.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read user: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("read user: status %d", resp.StatusCode)
	}
	var u discordUser
	if err := json.NewDecoder(http.MaxBytesReader(nil, resp.Body, 1<<20)).Decode(&u); err != nil {
		return nil, fmt.Errorf("decode user: %w", err)
	}
	if u.ID == "" {
		return nil, fmt.Errorf("decode user: no id")
	}
	return &u, nil
}

// logout revokes the session in the database and clears the cookie.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if err := s.o.Store.DeleteWebSession(r.Context(), v.sess.ID); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
