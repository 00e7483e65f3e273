package discordtest

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"
)

// OAuth is a test Discord OAuth2 server for the dashboard's "Log in with
// Discord" (SPEC §11): GET /oauth2/authorize approves at once as the user
// chosen with LogInAs and redirects back with a code and the state; POST
// /oauth2/token exchanges the code, checking the client secret, the
// redirect URI and the PKCE S256 verifier; GET /users/@me answers the user of a
// Bearer token. Point [discord] oauth_authorize_url at AuthorizeURL and
// oauth_api_url at URL. It runs on its own loopback listener, apart from the
// fake REST API, whose /users/@me is the bot's.
type OAuth struct {
	// URL is the base of the token endpoint and /users/@me.
	URL string
	// AuthorizeURL is the authorization page: URL + "/oauth2/authorize".
	AuthorizeURL string
	// ClientID and ClientSecret are the credentials the server accepts.
	ClientID, ClientSecret string

	t  TB
	hs *httptest.Server

	mu       sync.Mutex
	user     *discordgo.User
	offered  []*discordgo.User // OfferUsers: the authorization page lets a person pick
	codes    map[string]oauthGrant
	tokens   map[string]*discordgo.User
	requests []url.Values // authorize queries, in order
}

type oauthGrant struct {
	user        *discordgo.User
	redirectURI string
	challenge   string
}

// NewOAuth starts a test OAuth2 server on 127.0.0.1 that accepts the given
// client credentials, and closes it when the test ends.
func NewOAuth(t TB, clientID, clientSecret string) *OAuth {
	t.Helper()
	o := &OAuth{t: t, ClientID: clientID, ClientSecret: clientSecret,
		codes: map[string]oauthGrant{}, tokens: map[string]*discordgo.User{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth2/authorize", o.authorize)
	mux.HandleFunc("POST /oauth2/token", o.token)
	mux.HandleFunc("POST /api/oauth2/token", o.token)
	mux.HandleFunc("GET /users/@me", o.me)
	o.hs = httptest.NewServer(mux)
	o.URL = o.hs.URL
	o.AuthorizeURL = o.URL + "/oauth2/authorize"
	t.Cleanup(o.hs.Close)
	return o
}

// LogInAs chooses who the next visits to the authorization page approve as.
func (o *OAuth) LogInAs(userID, name string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.user = &discordgo.User{ID: userID, Username: name, GlobalName: name, Discriminator: "0"}
}

// OfferUsers makes the authorization page a list of these users to log in
// as (for `hearth demo -web`, where a person clicks through), instead of
// approving at once as LogInAs's user. ids and names are in pairs.
func (o *OAuth) OfferUsers(idsAndNames ...string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.offered = nil
	for i := 0; i+1 < len(idsAndNames); i += 2 {
		o.offered = append(o.offered, &discordgo.User{ID: idsAndNames[i], Username: idsAndNames[i+1], GlobalName: idsAndNames[i+1], Discriminator: "0"})
	}
}

// AuthorizeRequests returns the query of every visit to the authorization page.
func (o *OAuth) AuthorizeRequests() []url.Values {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]url.Values(nil), o.requests...)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

func randomToken() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (o *OAuth) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	o.mu.Lock()
	o.requests = append(o.requests, q)
	user := o.user
	offered := o.offered
	o.mu.Unlock()
	if len(offered) > 0 {
		user = nil
		for _, u := range offered {
			if u.ID == q.Get("login_as") {
				user = u
			}
		}
		if user == nil {
			o.chooser(w, r, offered)
			return
		}
	}
	switch {
	case q.Get("response_type") != "code":
		oauthError(w, http.StatusBadRequest, "unsupported_response_type", "response_type must be code")
	case q.Get("client_id") != o.ClientID:
		oauthError(w, http.StatusBadRequest, "invalid_client", "unknown client_id")
	case q.Get("scope") != "identify":
		oauthError(w, http.StatusBadRequest, "invalid_scope", "the test server expects scope identify only")
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		oauthError(w, http.StatusBadRequest, "invalid_request", "PKCE with S256 is required")
	case q.Get("redirect_uri") == "":
		oauthError(w, http.StatusBadRequest, "invalid_request", "redirect_uri is required")
	case user == nil:
		http.Error(w, "discordtest: call OAuth.LogInAs before logging in", http.StatusForbidden)
	default:
		code := randomToken()
		o.mu.Lock()
		o.codes[code] = oauthGrant{user: user, redirectURI: q.Get("redirect_uri"), challenge: q.Get("code_challenge")}
		o.mu.Unlock()
		back, err := url.Parse(q.Get("redirect_uri"))
		if err != nil {
			oauthError(w, http.StatusBadRequest, "invalid_request", "bad redirect_uri")
			return
		}
		bq := back.Query()
		bq.Set("code", code)
		bq.Set("state", q.Get("state"))
		back.RawQuery = bq.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	}
}

// chooser lists the offered users, each a link back to this page that
// approves as them.
func (o *OAuth) chooser(w http.ResponseWriter, r *http.Request, users []*discordgo.User) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Log in (simulated Discord)</title></head><body><h1>Simulated Discord: log in as</h1><ul>`)
	for _, u := range users {
		q := r.URL.Query()
		q.Set("login_as", u.ID)
		b.WriteString(`<li><a href="?` + html.EscapeString(q.Encode()) + `">` + html.EscapeString(u.Username) + `</a></li>`)
	}
	b.WriteString(`</ul></body></html>`)
	_, _ = w.Write([]byte(b.String()))
}

func (o *OAuth) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "bad form")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != o.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(o.ClientSecret)) != 1 {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "bad client credentials")
		return
	}
	if r.PostForm.Get("grant_type") != "authorization_code" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant_type must be authorization_code")
		return
	}
	code := r.PostForm.Get("code")
	o.mu.Lock()
	g, found := o.codes[code]
	delete(o.codes, code) // a code is used once
	o.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case !found:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown or used code")
	case r.PostForm.Get("redirect_uri") != g.redirectURI:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri differs from the authorization request")
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "code_verifier does not match the code_challenge")
	default:
		tok := randomToken()
		o.mu.Lock()
		o.tokens[tok] = g.user
		o.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 604800, "scope": "identify"})
	}
}

func (o *OAuth) me(w http.ResponseWriter, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	o.mu.Lock()
	u := o.tokens[tok]
	o.mu.Unlock()
	if !ok || u == nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"message": "401: Unauthorized", "code": 0}`))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(u)
}

// GrantPermissions gives a member of a guild a new role with the given
// permission bits (e.g. discordgo.PermissionManageServer for an admin).
func (s *Server) GrantPermissions(guildID, userID string, perms int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	s.mustUser(userID)
	m := s.addMemberLocked(g, userID)
	roleID := s.newIDLocked()
	g.roles[roleID] = &discordgo.Role{ID: roleID, Name: "perms", Position: len(g.roleIDs), Permissions: perms}
	g.roleIDs = append(g.roleIDs, roleID)
	m.Roles = append(m.Roles, roleID)
	s.notifyLocked()
}
