package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

const webClientID, webSecret = "424242424242", "test-client-secret"

// webSite is a harness with the dashboard on and the people of every role
// the dashboard tells apart.
type webSite struct {
	*harness
	oauth *discordtest.OAuth
	base  string // http://127.0.0.1:port

	group, otherGroup, foreign *hearth.Group
	fac2, adminB               string
	alertID                    int64
}

// freeAddr returns a loopback address with a port that was free a moment
// ago: the dashboard's public URL must be known before it starts.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startWeb starts hearth with the dashboard, a test OAuth server, two
// groups in the server, one in another server and one open alert with a
// note in the first group.
func startWeb(t testing.TB, opts ...harnessOption) *webSite {
	t.Helper()
	addr := freeAddr(t)
	oauth := discordtest.NewOAuth(t, webClientID, webSecret)
	h := start(t, append([]harnessOption{withConfig(func(c *hearth.Config) {
		c.Web.Listen = addr
		c.Web.PublicURL = "http://" + addr
		c.Discord.ClientID = webClientID
		c.Discord.ClientSecret = webSecret
		c.Discord.OAuthAuthorizeURL = oauth.AuthorizeURL
		c.Discord.OAuthAPIURL = oauth.URL
	})}, opts...)...)
	w := &webSite{harness: h, oauth: oauth, base: "http://" + addr}
	h.fake.GrantPermissions(h.guild, h.admin, discordgo.PermissionManageServer)
	w.group = h.setupGroup()
	w.fac2 = h.user("dr-other")
	w.otherGroup = &hearth.Group{GuildID: h.guild, Name: "Other Circle", ChannelID: h.channel, FacilitatorID: w.fac2, ObserverID: h.lead,
		Timezone: "UTC", LengthMinutes: 60, Sharers: 2, ReminderOffsets: hearth.DefaultReminderOffsets}
	if err := h.app.DB.CreateGroup(h.ctx(), w.otherGroup, hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "group.create"}); err != nil {
		t.Fatalf("create group: %v", err)
	}
	w.foreign = h.foreignGroup("Far Away")
	w.adminB = h.fake.AddUser("", "admin-b", false)
	h.fake.GrantPermissions(w.foreign.GuildID, w.adminB, discordgo.PermissionManageServer)
	r := struggle(h, h.members[0], "today", true, canary)
	mustEphemeral(t, r)
	h.waitDMs(h.fac, 1)
	as, err := h.app.DB.OpenAlerts(h.ctx(), []int64{w.group.ID})
	if err != nil || len(as) != 1 {
		t.Fatalf("open alerts: %v %d", err, len(as))
	}
	w.alertID = as[0].ID
	return w
}

// browser is one visitor: a cookie jar that does not follow redirects.
type browser struct {
	t    testing.TB
	w    *webSite
	c    *http.Client
	csrf string
}

func (w *webSite) visitor() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: w.t, w: w, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login goes through Login with Discord as user and returns the visitor.
func (w *webSite) login(user string) *browser {
	w.t.Helper()
	b := w.visitor()
	resp := b.do("GET", "/auth/login", nil, nil)
	if resp.status != http.StatusFound {
		w.t.Fatalf("GET /auth/login: status %d", resp.status)
	}
	w.oauth.LogInAs(user, "name-"+user)
	back := b.do("GET", resp.location, nil, nil) // the test OAuth server approves
	if back.status != http.StatusFound {
		w.t.Fatalf("authorize: status %d %s", back.status, back.body)
	}
	done := b.do("GET", back.location, nil, nil)
	if done.status != http.StatusSeeOther || done.location != "/" {
		w.t.Fatalf("GET /auth/callback: status %d to %q: %s", done.status, done.location, done.body)
	}
	home := b.get("/")
	m := regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`).FindStringSubmatch(home.body)
	if m == nil {
		w.t.Fatalf("no csrf-token meta after login: %s", home.body)
	}
	b.csrf = m[1]
	return b
}

type webResp struct {
	status   int
	location string
	body     string
	header   http.Header
}

func (b *browser) do(method, target string, form url.Values, hdr map[string]string) webResp {
	b.t.Helper()
	if strings.HasPrefix(target, "/") {
		target = b.w.base + target
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(context.Background(), method, target, body)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, target, err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return webResp{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(raw), header: resp.Header}
}

func (b *browser) get(path string) webResp { b.t.Helper(); return b.do("GET", path, nil, nil) }

// post sends a form with the session's CSRF token.
func (b *browser) post(path string, form url.Values) webResp {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", b.csrf)
	return b.do("POST", path, form, nil)
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func TestWeb_RoutesByRole(t *testing.T) {
	w := startWeb(t)
	h := w.harness
	alert := "/alerts/" + id(w.alertID)
	group := "/groups/" + id(w.group.ID)
	roles := map[string]*browser{
		"logged out":              w.visitor(),
		"member":                  w.login(h.members[0]),
		"psychologist":            w.login(h.fac),
		"psychologist elsewhere":  w.login(w.fac2),
		"admin":                   w.login(h.admin),
		"admin of another server": w.login(w.adminB),
	}
	notFound := mainOf(roles["member"].get("/alerts/999999").body)
	const ok, hidden, home = 200, 404, 303
	for _, tc := range []struct {
		path   string
		status map[string]int
		want   map[string][]string // role -> strings the page shows
		refuse map[string][]string // role -> strings it must not show
	}{
		{"/", map[string]int{"logged out": ok, "member": ok, "psychologist": ok, "psychologist elsewhere": ok, "admin": ok, "admin of another server": ok},
			map[string][]string{"logged out": {`href="/auth/login"`, "Log in with Discord"}, "psychologist": {`href="/alerts"`}, "admin": {"Settings · Support Server"}},
			map[string][]string{"member": {`href="/alerts"`, "Settings ·"}}},
		{"/alerts", map[string]int{"logged out": home, "member": ok, "psychologist": ok, "psychologist elsewhere": ok, "admin": ok, "admin of another server": ok},
			map[string][]string{"psychologist": {"#" + id(w.alertID), "Anxiety Circle", "relapse", "member1"}},
			map[string][]string{"member": {"#" + id(w.alertID)}, "psychologist elsewhere": {"#" + id(w.alertID)}, "admin": {"#" + id(w.alertID)}, "psychologist": {"CANARY"}}},
		{alert, map[string]int{"logged out": home, "member": hidden, "psychologist": ok, "psychologist elsewhere": hidden, "admin": hidden, "admin of another server": hidden},
			map[string][]string{"psychologist": {"View note", "Acknowledge", "Resolve"}},
			map[string][]string{"psychologist": {"CANARY"}}},
		{"/groups", map[string]int{"logged out": home, "member": ok, "psychologist": ok, "psychologist elsewhere": ok, "admin": ok, "admin of another server": ok},
			map[string][]string{"member": {"Anxiety Circle"}, "psychologist": {group}, "admin": {group, "/groups/new?server=" + h.guild}, "admin of another server": {"Far Away"}},
			map[string][]string{"member": {group}, "psychologist elsewhere": {group}, "admin of another server": {group}}},
		{group, map[string]int{"logged out": home, "member": hidden, "psychologist": ok, "psychologist elsewhere": hidden, "admin": ok, "admin of another server": hidden},
			map[string][]string{"psychologist": {"Roster (5)", "member5", "Attendance and mood", "#" + id(w.alertID), "<svg"}, "admin": {"Settings", "Edit", "Delete", "dr-facilitator"}},
			map[string][]string{"admin": {"Roster", "Attendance and mood", "#" + id(w.alertID)}, "psychologist": {"CANARY", "/edit"}}},
		{"/me", map[string]int{"logged out": home, "member": ok, "psychologist": ok, "psychologist elsewhere": ok, "admin": ok, "admin of another server": ok},
			map[string][]string{"member": {"Anxiety Circle", "Download my data", "Erase my data"}, "psychologist": {"keeps nothing about you"}},
			nil},
		{"/groups/" + id(w.group.ID) + "/edit", map[string]int{"logged out": home, "member": hidden, "psychologist": hidden, "psychologist elsewhere": hidden, "admin": ok, "admin of another server": hidden},
			map[string][]string{"admin": {"Preview schedule"}}, nil},
		{"/servers/" + h.guild + "/audit", map[string]int{"logged out": home, "member": hidden, "psychologist": hidden, "psychologist elsewhere": hidden, "admin": ok, "admin of another server": hidden},
			map[string][]string{"admin": {"group.create"}}, nil},
		{"/servers/" + h.guild + "/settings", map[string]int{"logged out": home, "member": hidden, "psychologist": hidden, "psychologist elsewhere": hidden, "admin": ok, "admin of another server": hidden},
			map[string][]string{"admin": {"Crisis resources"}}, nil},
		{"/no-such-page", map[string]int{"logged out": home, "member": hidden, "admin": hidden}, nil, nil},
	} {
		for role, status := range tc.status {
			t.Run(role+" GET "+tc.path, func(t *testing.T) {
				r := roles[role].get(tc.path)
				if r.status != status {
					t.Fatalf("status %d, want %d (location %q)", r.status, status, r.location)
				}
				switch status {
				case home:
					if r.location != "/" {
						t.Errorf("redirected to %q, want /", r.location)
					}
				case hidden:
					if mainOf(r.body) != notFound {
						t.Errorf("a hidden page differs from an unknown id's:\n%s", r.body)
					}
				case ok:
					if r.header.Get("Content-Security-Policy") == "" || !strings.Contains(r.header.Get("Content-Security-Policy"), "default-src 'self'") {
						t.Errorf("CSP %q", r.header.Get("Content-Security-Policy"))
					}
					if r.header.Get("Cache-Control") != "no-store" {
						t.Errorf("Cache-Control %q, want no-store", r.header.Get("Cache-Control"))
					}
				}
				for _, s := range tc.want[role] {
					if !strings.Contains(r.body, s) {
						t.Errorf("page does not show %q", s)
					}
				}
				for _, s := range tc.refuse[role] {
					if strings.Contains(r.body, s) {
						t.Errorf("page shows %q", s)
					}
				}
			})
		}
	}
	t.Run("actions on someone else's alert are the same 404", func(t *testing.T) {
		for _, role := range []string{"member", "psychologist elsewhere", "admin", "admin of another server"} {
			for _, action := range []string{"note", "acknowledge", "resolve"} {
				r := roles[role].post(alert+"/"+action, nil)
				if r.status != hidden || mainOf(r.body) != notFound {
					t.Errorf("%s POST %s: status %d", role, action, r.status)
				}
			}
		}
		if a, _ := h.app.DB.Alert(h.ctx(), w.alertID); a.Status != hearth.AlertOpen {
			t.Errorf("alert is %s after refused actions", a.Status)
		}
	})
}

func TestWeb_Login(t *testing.T) {
	w := startWeb(t)
	t.Run("OK", func(t *testing.T) {
		b := w.visitor()
		r := b.get("/auth/login")
		u, err := url.Parse(r.location)
		if err != nil || r.status != http.StatusFound || !strings.HasPrefix(r.location, w.oauth.AuthorizeURL) {
			t.Fatalf("GET /auth/login: %d to %q", r.status, r.location)
		}
		q := u.Query()
		if q.Get("scope") != "identify" || q.Get("code_challenge_method") != "S256" || q.Get("state") == "" || q.Get("client_id") != webClientID ||
			q.Get("redirect_uri") != w.base+"/auth/callback" {
			t.Errorf("authorize query %v", q)
		}
		s := w.login(w.fac)
		if home := s.get("/"); !strings.Contains(home.body, "Log out") {
			t.Errorf("home after login does not offer Log out")
		}
		for _, c := range s.c.Jar.Cookies(mustURL(t, w.base)) {
			if c.Name == "hearth_session" && c.Value == "" {
				t.Errorf("empty session cookie")
			}
		}
	})
	t.Run("ErrState", func(t *testing.T) {
		b := w.visitor()
		r := b.get("/auth/login")
		w.oauth.LogInAs(w.fac, "x")
		back := b.get(r.location)
		forged := strings.Replace(back.location, "state=", "state=forged", 1)
		if got := b.get(forged); got.status != http.StatusBadRequest {
			t.Errorf("a forged state: status %d", got.status)
		}
		if got := b.get("/alerts"); got.status != http.StatusSeeOther {
			t.Errorf("logged in despite a forged state: %d", got.status)
		}
	})
	t.Run("Logout revokes the session", func(t *testing.T) {
		b := w.login(w.fac)
		cookies := b.c.Jar.Cookies(mustURL(t, w.base))
		if r := b.post("/auth/logout", nil); r.status != http.StatusSeeOther || r.location != "/" {
			t.Fatalf("logout: %d to %q", r.status, r.location)
		}
		// The old cookie, replayed, no longer opens anything.
		old := w.visitor()
		old.c.Jar.SetCookies(mustURL(t, w.base), cookies)
		if r := old.get("/alerts"); r.status != http.StatusSeeOther {
			t.Errorf("revoked session still served /alerts: %d", r.status)
		}
	})
	t.Run("Session expires", func(t *testing.T) {
		b := w.login(w.fac)
		if r := b.get("/alerts"); r.status != http.StatusOK {
			t.Fatalf("fresh session: %d", r.status)
		}
		w.clock.Advance(12*time.Hour + time.Second) // [web] session_ttl
		if r := b.get("/alerts"); r.status != http.StatusSeeOther || r.location != "/" {
			t.Errorf("expired session: %d to %q", r.status, r.location)
		}
	})
	t.Run("Session cookie flags", func(t *testing.T) {
		b := w.visitor()
		r := b.get("/auth/login")
		w.oauth.LogInAs(w.fac, "x")
		back := b.get(r.location)
		done := b.get(back.location)
		set := strings.Join(done.header.Values("Set-Cookie"), "\n")
		for _, want := range []string{"hearth_session=", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(set, want) {
				t.Errorf("Set-Cookie %q lacks %s", set, want)
			}
		}
		if strings.Contains(set, "Secure") {
			t.Errorf("Secure cookie on plain http: %q", set)
		}
	})
}

// mainOf is a page's content without the menu, which differs by visitor.
func mainOf(body string) string {
	_, after, _ := strings.Cut(body, `<main id="main">`)
	return after
}

func mustURL(t testing.TB, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestWeb_AlertActions(t *testing.T) {
	w := startWeb(t)
	h := w.harness
	fac := w.login(h.fac)
	alert := "/alerts/" + id(w.alertID)
	t.Run("ErrNoToken", func(t *testing.T) {
		r := fac.do("POST", alert+"/acknowledge", url.Values{}, nil)
		if r.status != http.StatusForbidden {
			t.Errorf("POST without the CSRF token: %d", r.status)
		}
	})
	t.Run("ErrCrossOrigin", func(t *testing.T) {
		r := fac.do("POST", alert+"/acknowledge", url.Values{"csrf": {fac.csrf}}, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
		if r.status != http.StatusForbidden {
			t.Errorf("cross-origin POST: %d", r.status)
		}
		if a, _ := h.app.DB.Alert(h.ctx(), w.alertID); a.Status != hearth.AlertOpen {
			t.Errorf("alert is %s after refused POSTs", a.Status)
		}
	})
	t.Run("View note", func(t *testing.T) {
		r := fac.post(alert+"/note", nil)
		if r.status != http.StatusOK || !strings.Contains(r.body, canary) {
			t.Fatalf("View note: %d, note shown %v", r.status, strings.Contains(r.body, canary))
		}
		if !strings.Contains(h.auditLog(), "alert.view_note") {
			t.Errorf("no audit row for View note: %s", h.auditLog())
		}
		if again := fac.get(alert); strings.Contains(again.body, canary) {
			t.Errorf("the note shows again on GET")
		}
	})
	t.Run("Acknowledge tells the member", func(t *testing.T) {
		before := len(h.dms(h.members[0]))
		r := fac.do("POST", alert+"/acknowledge", nil, map[string]string{"X-CSRF-Token": fac.csrf, "Content-Type": "application/x-www-form-urlencoded"})
		if r.status != http.StatusSeeOther {
			t.Fatalf("acknowledge: %d %s", r.status, r.body)
		}
		dms := h.waitDMs(h.members[0], before+1)
		if !strings.Contains(dms[len(dms)-1].Content, "has seen your message") {
			t.Errorf("member DM %q", dms[len(dms)-1].Content)
		}
		page := fac.get(r.location)
		if !strings.Contains(page.body, "acknowledged") || !strings.Contains(page.body, "You acknowledged the alert") {
			t.Errorf("alert page after acknowledge: %s", page.body)
		}
		if again := fac.post(alert+"/acknowledge", nil); again.status != http.StatusConflict || !strings.Contains(again.body, "already acknowledged") {
			t.Errorf("second acknowledge: %d", again.status)
		}
	})
	t.Run("Resolve", func(t *testing.T) {
		if r := fac.post(alert+"/resolve", nil); r.status != http.StatusSeeOther {
			t.Fatalf("resolve: %d %s", r.status, r.body)
		}
		if a, _ := h.app.DB.Alert(h.ctx(), w.alertID); a.Status != hearth.AlertResolved || a.ResolvedBy != h.fac {
			t.Errorf("alert %s by %s", a.Status, a.ResolvedBy)
		}
	})
	noCanary(t, h)
}

func TestWeb_AdminGroups(t *testing.T) {
	w := startWeb(t)
	h := w.harness
	admin := w.login(h.admin)
	form := url.Values{"server": {h.guild}, "name": {"Evening Circle"}, "channel": {h.channel}, "facilitator": {h.fac}, "observer": {h.obs},
		"timezone": {"Europe/Madrid"}, "schedule": {"every tuesday at 19:00"}}
	t.Run("Preview", func(t *testing.T) {
		form.Set("action", "preview")
		r := admin.post("/groups/new", form)
		if r.status != http.StatusOK || !strings.Contains(r.body, "Next 5 meetings") || strings.Count(r.body, "Tue ") != 5 {
			t.Fatalf("preview: %d %s", r.status, r.body)
		}
		if _, err := h.app.DB.GroupByName(h.ctx(), h.guild, "Evening Circle"); hearth.ErrorCode(err) != hearth.ENOTFOUND {
			t.Errorf("preview created the group: %v", err)
		}
	})
	t.Run("ErrPreview", func(t *testing.T) {
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("schedule", "whenever")
		bad.Set("action", "save")
		if r := admin.post("/groups/new", bad); r.status != http.StatusOK || !strings.Contains(r.body, "whenever") {
			t.Errorf("bad schedule: %d", r.status)
		}
	})
	t.Run("ErrUnknownUser", func(t *testing.T) {
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("observer", "99999999999999999")
		bad.Set("action", "save")
		if r := admin.post("/groups/new", bad); r.status != http.StatusBadRequest || !strings.Contains(r.body, "knows no user with the id 99999999999999999") {
			t.Errorf("unknown observer: %d", r.status)
		}
	})
	var g *hearth.Group
	t.Run("Create", func(t *testing.T) {
		form.Set("action", "save")
		r := admin.post("/groups/new", form)
		if r.status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		var err error
		g, err = h.app.DB.GroupByName(h.ctx(), h.guild, "Evening Circle")
		if err != nil || g.Schedule != "every tuesday at 19:00" || g.Timezone != "Europe/Madrid" {
			t.Fatalf("group %+v %v", g, err)
		}
		if !strings.Contains(h.auditLog(), "group.create") {
			t.Errorf("no audit row")
		}
	})
	t.Run("ErrNotAdmin", func(t *testing.T) {
		fac := w.login(h.fac)
		if r := fac.post("/groups/new", form); r.status != http.StatusNotFound {
			t.Errorf("a psychologist created a group: %d", r.status)
		}
		other := w.login(w.adminB)
		if r := other.post("/groups/"+id(g.ID)+"/delete", nil); r.status != http.StatusNotFound {
			t.Errorf("another server's admin deleted: %d", r.status)
		}
	})
	t.Run("Edit", func(t *testing.T) {
		edit := url.Values{"name": {"Evening Circle"}, "channel": {h.channel}, "facilitator": {h.fac}, "observer": {h.obs},
			"timezone": {"Europe/Madrid"}, "schedule": {"every wednesday at 18:30"}, "length": {"60"}, "sharers": {"3"}, "action": {"save"}}
		if r := admin.post("/groups/"+id(g.ID)+"/edit", edit); r.status != http.StatusSeeOther {
			t.Fatalf("edit: %d %s", r.status, r.body)
		}
		g2, _ := h.app.DB.Group(h.ctx(), g.ID)
		if g2.Schedule != "every wednesday at 18:30" || g2.LengthMinutes != 60 || g2.Sharers != 3 {
			t.Errorf("after edit %+v", g2)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		if r := admin.get("/groups/" + id(g.ID) + "/delete"); !strings.Contains(r.body, "cannot be undone") {
			t.Errorf("no confirmation page")
		}
		if r := admin.post("/groups/"+id(g.ID)+"/delete", nil); r.status != http.StatusSeeOther {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		if _, err := h.app.DB.Group(h.ctx(), g.ID); hearth.ErrorCode(err) != hearth.ENOTFOUND {
			t.Errorf("group still there: %v", err)
		}
	})
}

func TestWeb_Me(t *testing.T) {
	w := startWeb(t)
	h := w.harness
	member := w.login(h.members[0])
	t.Run("Export", func(t *testing.T) {
		r := member.post("/me/export", url.Values{"server": {h.guild}})
		if r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") || !strings.Contains(r.body, canary) {
			t.Fatalf("export: %d %q", r.status, r.header.Get("Content-Disposition"))
		}
	})
	t.Run("ErrExportOtherServer", func(t *testing.T) {
		if r := member.post("/me/export", url.Values{"server": {w.foreign.GuildID}}); r.status != http.StatusNotFound {
			t.Errorf("export of a server without data: %d", r.status)
		}
	})
	t.Run("Timezone", func(t *testing.T) {
		if r := member.post("/me/timezone", url.Values{"timezone": {"America/New_York"}}); r.status != http.StatusSeeOther {
			t.Fatalf("timezone: %d", r.status)
		}
		if r := member.get("/me"); !strings.Contains(r.body, "America/New_York") {
			t.Errorf("zone not shown")
		}
		if r := member.post("/me/timezone", url.Values{"timezone": {"Mars/Olympus"}}); r.status != http.StatusBadRequest {
			t.Errorf("bad zone: %d", r.status)
		}
	})
	t.Run("Erase", func(t *testing.T) {
		if r := member.get("/me/erase?server=" + h.guild); !strings.Contains(r.body, "cannot be undone") {
			t.Fatalf("no confirmation page: %s", r.body)
		}
		if r := member.post("/me/erase", url.Values{"server": {h.guild}}); r.status != http.StatusSeeOther {
			t.Fatalf("erase: %d %s", r.status, r.body)
		}
		d, err := h.app.DB.UserData(h.ctx(), h.guild, h.members[0])
		if err != nil || len(d.Memberships)+len(d.CheckIns)+len(d.Alerts) != 0 {
			t.Errorf("data left: %v", err)
		}
		if !strings.Contains(h.auditLog(), hearth.AuditPrivacyDelete) {
			t.Errorf("no erasure audit row")
		}
	})
}

func TestWeb_ClientIDDefault(t *testing.T) {
	w := startWeb(t, withConfig(func(c *hearth.Config) { c.Discord.ClientID = "" }))
	r := w.visitor().get("/auth/login")
	u, err := url.Parse(r.location)
	if err != nil || u.Query().Get("client_id") != w.fake.AppID {
		t.Errorf("client_id %q, want the application's id %s", u.Query().Get("client_id"), w.fake.AppID)
	}
}
