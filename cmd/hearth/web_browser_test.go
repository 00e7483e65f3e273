package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/hearthbot/hearth"
)

// The browser tests drive Debian's chromium, headless, through the
// dashboard as people use it: they check what only a browser shows
// (redirects through Discord's login, forms, keyboard focus, layout at
// phone width, the browser's own cross-origin headers).

// newBrowser starts a headless chromium, or skips the test when there is
// none on a developer's machine; in CI (.ci/run installs it) a missing
// chromium fails, so the browser tests cannot be skipped unnoticed.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed, and CI must run the browser tests")
		}
		t.Skip("chromium is not installed: the browser tests need Debian's chromium (apt-get install -y chromium); .ci/run installs it")
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1024, 800),
	)
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// tab opens a new tab with its own cookies (a separate browser context).
func tab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	return ctx
}

func must(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

func evalString(t *testing.T, ctx context.Context, js string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("evaluate %q: %v", js, err)
	}
	return s
}

// speakSpanish makes the tab's browser ask for Spanish pages
// (Accept-Language: es-ES), as a browser set up in Spanish does.
func speakSpanish(t *testing.T, ctx context.Context) {
	t.Helper()
	ua := evalString(t, ctx, `navigator.userAgent`)
	must(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: "es-ES,es;q=0.9"})
		return err
	}))
}

// browserLogin logs in through Discord's (the test server's) login page.
func (w *webSite) browserLogin(t *testing.T, ctx context.Context, user string) {
	t.Helper()
	w.oauth.LogInAs(user, "name-"+user)
	must(t, ctx, chromedp.Navigate(w.base+"/"), chromedp.Click(chromedp.CSS(`a[href="/auth/login"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/auth/logout"] button`)))
}

// shot saves a screenshot when HEARTH_SCREENSHOTS names a directory (the
// README's pictures are made this way).
func shot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("HEARTH_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}

func TestWeb_Browser(t *testing.T) {
	browser := newBrowser(t)
	w := startWeb(t)
	h := w.harness
	alert := fmt.Sprintf("%s/alerts/%d", w.base, w.alertID)

	t.Run("Log in and out", func(t *testing.T) {
		ctx := tab(t, browser)
		must(t, ctx, chromedp.Navigate(w.base+"/alerts"))
		if loc, _ := chromedp.Run(ctx, chromedp.Location()); loc != w.base+"/" {
			t.Errorf("a logged-out visitor of /alerts is at %s", loc)
		}
		w.browserLogin(t, ctx, h.members[0])
		must(t, ctx, chromedp.Click(chromedp.CSS(`form[action="/auth/logout"] button`)),
			chromedp.WaitVisible(chromedp.CSS(`a[href="/auth/login"]`)))
		must(t, ctx, chromedp.Navigate(w.base+"/me"))
		if txt := evalString(t, ctx, `document.body.innerText`); !strings.Contains(txt, "Log in with Discord") {
			t.Errorf("after logout /me shows %q", txt)
		}
	})

	t.Run("Someone else's alert is the same 404 as none", func(t *testing.T) {
		for _, user := range []string{h.members[0], w.fac2} {
			ctx := tab(t, browser)
			w.browserLogin(t, ctx, user)
			var mains [2]string
			for i, u := range []string{alert, w.base + "/alerts/987654"} {
				resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(u))
				if err != nil {
					t.Fatal(err)
				}
				if resp.Status != http.StatusNotFound {
					t.Errorf("%s opening %s: status %d", user, u, resp.Status)
				}
				mains[i] = evalString(t, ctx, `document.querySelector("main").innerText`)
			}
			if mains[0] != mains[1] {
				t.Errorf("the pages differ: %q vs %q", mains[0], mains[1])
			}
		}
	})

	fac := tab(t, browser)
	w.browserLogin(t, fac, h.fac)

	t.Run("Cross-origin POST is refused", func(t *testing.T) {
		token := evalString(t, fac, `document.querySelector('meta[name="csrf-token"]').content`)
		evil := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
			rw.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(rw, `<form id="f" method="post" action="%s/acknowledge"><input name="csrf" value="%s"></form><script>document.getElementById("f").submit()</script>`, alert, token)
		}))
		defer evil.Close()
		must(t, fac, chromedp.Navigate(evil.URL))
		// The other site's page posts its form at once; wait for the answer.
		if _, err := chromedp.Run(fac, chromedp.Poll[bool](`location.pathname.endsWith("/acknowledge") && document.readyState === "complete"`)); err != nil {
			t.Fatalf("the form was not sent: %v", err)
		}
		if txt := evalString(t, fac, `document.body.innerText`); !strings.Contains(txt, "sent from another site") {
			t.Errorf("cross-origin POST answered %q", txt)
		}
		if a, _ := h.app.DB.Alert(h.ctx(), w.alertID); a.Status != hearth.AlertOpen {
			t.Errorf("alert is %s after a cross-origin POST", a.Status)
		}
	})

	t.Run("View note writes an audit row", func(t *testing.T) {
		must(t, fac, chromedp.Navigate(alert))
		shot(t, fac, "dashboard-alert")
		must(t, fac, chromedp.Click(chromedp.CSS(`#view-note`)), chromedp.WaitVisible(chromedp.CSS(`#note`)))
		if note := evalString(t, fac, `document.getElementById("note").innerText`); note != canary {
			t.Errorf("note shown %q", note)
		}
		if !strings.Contains(h.auditLog(), "alert.view_note") {
			t.Errorf("no audit row: %s", h.auditLog())
		}
	})

	// The facilitator again, in a browser set up in Spanish (hearth has
	// stored no language for them: they never used a command).
	facES := tab(t, browser)
	must(t, facES, chromedp.Navigate("about:blank"))
	speakSpanish(t, facES)
	w.browserLogin(t, facES, h.fac)

	t.Run("A Spanish viewer sees the alert list in Spanish", func(t *testing.T) {
		must(t, facES, chromedp.Navigate(w.base+"/alerts"), chromedp.WaitVisible(chromedp.CSS(`table`)))
		shot(t, facES, "dashboard-alerts-es")
		if lang := evalString(t, facES, `document.documentElement.lang`); lang != "es" {
			t.Errorf("<html lang=%q>", lang)
		}
		if h1 := evalString(t, facES, `document.querySelector("h1").innerText`); h1 != "Alertas" {
			t.Errorf("heading %q", h1)
		}
		head := evalString(t, facES, `document.querySelector("thead").innerText`)
		for _, want := range []string{"Alerta", "Grupo", "Persona", "Urgencia", "Estado", "Enviada"} {
			if !strings.Contains(head, want) {
				t.Errorf("table head %q lacks %q", head, want)
			}
		}
		row := evalString(t, facES, `document.querySelector("tbody tr").innerText`)
		if !strings.Contains(row, "recaída") || !strings.Contains(row, "abierta") || !strings.Contains(row, "hoy") {
			t.Errorf("alert row %q is not in Spanish", row)
		}
		if strings.Contains(row, canary) {
			t.Errorf("the list shows the note")
		}
	})

	t.Run("Acknowledge with Tab and Enter; the member gets the DM", func(t *testing.T) {
		before := len(h.dms(h.members[0]))
		must(t, fac, chromedp.Navigate(alert))
		found := false
		for range 30 {
			must(t, fac, chromedp.KeyEvent(kb.Tab))
			if evalString(t, fac, `document.activeElement.id`) == "acknowledge" {
				found = true
				break
			}
		}
		if !found {
			t.Fatal("Tab never reached Acknowledge")
		}
		must(t, fac, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
		dms := h.waitDMs(h.members[0], before+1)
		if !strings.Contains(dms[len(dms)-1].Content, "has seen your message") {
			t.Errorf("member DM %q", dms[len(dms)-1].Content)
		}
	})

	t.Run("Group page", func(t *testing.T) {
		must(t, fac, chromedp.Navigate(fmt.Sprintf("%s/groups/%d", w.base, w.group.ID)), chromedp.WaitVisible(chromedp.CSS(`svg.chart`)))
		shot(t, fac, "dashboard-group")
	})

	t.Run("Admin creates a group with the schedule preview", func(t *testing.T) {
		ctx := tab(t, browser)
		w.browserLogin(t, ctx, h.admin)
		must(t, ctx, chromedp.Navigate(w.base+"/groups"), chromedp.Click(chromedp.CSS(`a[href^="/groups/new"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#name`)),
			chromedp.SendKeys(chromedp.CSS(`#name`), "Browser Circle"),
			chromedp.SendKeys(chromedp.CSS(`#facilitator`), h.fac),
			chromedp.SendKeys(chromedp.CSS(`#observer`), h.obs),
			chromedp.SetValue(chromedp.CSS(`#timezone`), "Europe/Madrid"),
			chromedp.SendKeys(chromedp.CSS(`#schedule`), "every thursday at 18:00"),
			chromedp.Click(chromedp.CSS(`#preview-button`)),
			chromedp.WaitVisible(chromedp.CSS(`#preview ol`)))
		shot(t, ctx, "dashboard-new-group")
		if n := evalString(t, ctx, `String(document.querySelectorAll("#preview li").length)`); n != "5" {
			t.Errorf("preview shows %s meetings", n)
		}
		if li := evalString(t, ctx, `document.querySelector("#preview li").innerText`); !strings.HasPrefix(li, "Thu ") {
			t.Errorf("first preview %q", li)
		}
		must(t, ctx, chromedp.Click(chromedp.CSS(`#save-button`)), chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
		g, err := h.app.DB.GroupByName(h.ctx(), h.guild, "Browser Circle")
		if err != nil || g.Schedule != "every thursday at 18:00" {
			t.Fatalf("group %+v %v", g, err)
		}
	})

	t.Run("Admin sets the staff channel and the lead with the keyboard", func(t *testing.T) {
		ctx := tab(t, browser)
		w.browserLogin(t, ctx, h.admin)
		lead := h.user("dr-browser-lead")
		must(t, ctx, chromedp.Navigate(w.base+"/servers/"+h.guild+"/settings"), chromedp.WaitVisible(chromedp.CSS(`#staff`)))
		if n := evalString(t, ctx, `String([...document.querySelectorAll("main input:not([type=hidden]), main select, main textarea")].filter(e => e.labels.length === 0).length)`); n != "0" {
			t.Errorf("%s fields without a label", n)
		}
		// Tab reaches the channel list, then the lead's field, in order.
		focus := func(id string) {
			t.Helper()
			for range 30 {
				if evalString(t, ctx, `document.activeElement.id`) == id {
					return
				}
				must(t, ctx, chromedp.KeyEvent(kb.Tab))
			}
			t.Fatalf("Tab never reached #%s", id)
		}
		focus("staff")
		must(t, ctx, chromedp.SetValue(chromedp.CSS(`#staff`), h.staff))
		focus("lead")
		must(t, ctx, chromedp.KeyEvent(lead))
		focus("save-settings")
		must(t, ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`p.flash`)))
		shot(t, ctx, "dashboard-settings")
		st, err := h.app.DB.GuildSettings(h.ctx(), h.guild)
		if err != nil || st.StaffChannelID != h.staff || st.LeadID != lead {
			t.Errorf("settings %+v %v", st, err)
		}
	})

	t.Run("No horizontal scroll at 375 px", func(t *testing.T) {
		admin := tab(t, browser)
		w.browserLogin(t, admin, h.admin)
		member := tab(t, browser)
		w.browserLogin(t, member, h.members[1])
		// An admin and a member who pick Spanish with the switch, in the
		// page's header (a plain form: no script).
		adminES := tab(t, browser)
		w.browserLogin(t, adminES, h.admin)
		memberES := tab(t, browser)
		w.browserLogin(t, memberES, h.members[2])
		for _, ctx := range []context.Context{adminES, memberES} {
			must(t, ctx, chromedp.Navigate(w.base+"/groups"), chromedp.Click(chromedp.CSS(`#lang-switch`)),
				chromedp.WaitVisible(chromedp.CSS(`html[lang="es"] h1`)))
			if loc, _ := chromedp.Run(ctx, chromedp.Location()); loc != w.base+"/groups" {
				t.Errorf("the switch went to %s, not back to /groups", loc)
			}
		}
		pages := []struct {
			ctx  context.Context
			path string
		}{
			{fac, "/"}, {fac, "/alerts"}, {fac, fmt.Sprintf("/alerts/%d", w.alertID)}, {fac, fmt.Sprintf("/groups/%d", w.group.ID)},
			{admin, "/groups"}, {admin, "/groups/new?server=" + h.guild}, {admin, "/servers/" + h.guild + "/audit"}, {admin, "/servers/" + h.guild + "/settings"},
			{member, "/me"},
			// The same pages in Spanish, whose words are longer.
			{facES, "/"}, {facES, "/alerts"}, {facES, fmt.Sprintf("/alerts/%d", w.alertID)}, {facES, fmt.Sprintf("/groups/%d", w.group.ID)},
			{adminES, "/groups"}, {adminES, "/groups/new?server=" + h.guild}, {adminES, fmt.Sprintf("/groups/%d/edit", w.group.ID)},
			{adminES, fmt.Sprintf("/groups/%d/delete", w.group.ID)}, {adminES, "/servers/" + h.guild + "/audit"}, {adminES, "/servers/" + h.guild + "/settings"},
			{memberES, "/me"}, {memberES, "/me/erase?server=" + h.guild},
		}
		for _, p := range pages {
			must(t, p.ctx, chromedp.EmulateViewport(375, 740), chromedp.Navigate(w.base+p.path))
			got := evalString(t, p.ctx, `document.documentElement.scrollWidth + " " + window.innerWidth`)
			var sw, iw int
			fmt.Sscan(got, &sw, &iw)
			if iw != 375 || sw > iw {
				t.Errorf("%s (%s) at 375 px: scrollWidth %d, innerWidth %d", p.path, evalString(t, p.ctx, `document.documentElement.lang`), sw, iw)
			}
		}
		shot(t, member, "dashboard-me-phone")
	})
	noCanary(t, h)
}
