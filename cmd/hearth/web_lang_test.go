package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
	"github.com/hearthbot/hearth/locale"
)

// getIn opens a page with the browser's Accept-Language set to lang.
func (b *browser) getIn(path, lang string) webResp {
	b.t.Helper()
	return b.do("GET", path, nil, map[string]string{"Accept-Language": lang})
}

// postIn sends a form with the session's CSRF token and Accept-Language.
func (b *browser) postIn(path, lang string, form url.Values) webResp {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", b.csrf)
	return b.do("POST", path, form, map[string]string{"Accept-Language": lang})
}

// whenIn is how the dashboard prints t in l in the zone loc.
func whenIn(l locale.Lang, loc *time.Location, t time.Time) string {
	t = t.In(loc)
	return fmt.Sprintf("%s %d %s %d, %s", l.Text(fmt.Sprintf("date.day_%d", int(t.Weekday()))), t.Day(),
		l.Text(fmt.Sprintf("date.month_%d", int(t.Month()))), t.Year(), t.Format("15:04"))
}

func pageShows(t *testing.T, r webResp, want ...string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(r.body, s) {
			t.Errorf("page does not show %q:\n%s", s, mainOf(r.body))
		}
	}
}

func pageHides(t *testing.T, r webResp, refuse ...string) {
	t.Helper()
	for _, s := range refuse {
		if strings.Contains(r.body, s) {
			t.Errorf("page shows %q:\n%s", s, mainOf(r.body))
		}
	}
}

func TestWeb_Language(t *testing.T) {
	w := startWeb(t)
	h := w.harness
	a, err := h.app.DB.Alert(h.ctx(), w.alertID)
	if err != nil {
		t.Fatal(err)
	}
	madrid, _ := time.LoadLocation("Europe/Madrid") // the group's zone, where its psychologist's times show
	alert := "/alerts/" + id(w.alertID)

	t.Run("Browser in Spanish", func(t *testing.T) {
		fac := w.login(h.fac)
		r := fac.getIn("/alerts", "es-ES,es;q=0.9,en;q=0.8")
		if r.status != http.StatusOK {
			t.Fatalf("status %d", r.status)
		}
		pageShows(t, r, `<html lang="es">`, "<h1>Alertas</h1>", "Urgencia", "recaída", ">abierta<", "hoy",
			whenIn(locale.Spanish, madrid, a.CreatedAt), `value="en"`, "English")
		pageHides(t, r, "Raised", ">open<", "CANARY")
		r = fac.getIn(alert, "es-419")
		pageShows(t, r, `<html lang="es">`, "Ver nota", "Confirmar", "Resolver")
		if r.header.Get("Content-Language") != "es" {
			t.Errorf("Content-Language %q", r.header.Get("Content-Language"))
		}
		// The same refusal as anywhere, in Spanish.
		r = fac.getIn("/alerts/999999", "es")
		if r.status != http.StatusNotFound {
			t.Errorf("unknown alert: status %d", r.status)
		}
		pageShows(t, r, "Aquí no hay nada")
	})
	t.Run("Browser in English or another language", func(t *testing.T) {
		fac := w.login(h.fac)
		for _, al := range []string{"", "en-GB", "fr-FR,fr;q=0.9", "fr, en;q=0.5, es;q=0.4"} {
			r := fac.getIn("/alerts", al)
			pageShows(t, r, `<html lang="en">`, "<h1>Alerts</h1>", ">open<", whenIn(locale.English, madrid, a.CreatedAt))
		}
		// The preferred language wins, whatever its place in the list.
		pageShows(t, fac.getIn("/alerts", "en;q=0.3, es-MX;q=0.8"), `<html lang="es">`)
	})
	t.Run("Logged out", func(t *testing.T) {
		r := w.visitor().getIn("/", "es-ES")
		pageShows(t, r, `<html lang="es">`, "Entrar con Discord", `href="/auth/login"`)
	})
	t.Run("The language hearth stored wins over the browser", func(t *testing.T) {
		obs := w.login(h.obs)
		if err := h.app.DB.SetUserLanguage(h.ctx(), w.foreign.GuildID, h.obs, "en", h.now().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := h.app.DB.SetUserLanguage(h.ctx(), h.guild, h.obs, "es", h.now()); err != nil {
			t.Fatal(err)
		}
		pageShows(t, obs.getIn("/alerts", "en-US"), `<html lang="es">`, "<h1>Alertas</h1>")
	})
	t.Run("Language switch", func(t *testing.T) {
		obs := w.login(h.obs) // stored language: Spanish (above)
		r := obs.do("POST", "/lang", url.Values{"lang": {"en"}, "back": {"/alerts"}}, nil)
		if r.status != http.StatusForbidden {
			t.Fatalf("switch without the CSRF token: status %d", r.status)
		}
		pageShows(t, obs.getIn("/alerts", "en"), `<html lang="es">`)
		r = obs.postIn("/lang", "es", url.Values{"lang": {"en"}, "back": {"/alerts"}})
		if r.status != http.StatusSeeOther || r.location != "/alerts" {
			t.Fatalf("switch: status %d to %q", r.status, r.location)
		}
		pageShows(t, obs.getIn("/alerts", "es"), `<html lang="en">`, "<h1>Alerts</h1>", `value="es"`, "Español")
		// Only a path of this site is a way back.
		for _, back := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example", "/\t/evil.example", "/\n/evil.example"} {
			r = obs.postIn("/lang", "es", url.Values{"lang": {"es"}, "back": {back}})
			if r.location != "/" {
				t.Errorf("back %q: redirected to %q", back, r.location)
			}
		}
		r = obs.postIn("/lang", "es", url.Values{"lang": {"fr"}})
		if r.status != http.StatusBadRequest {
			t.Errorf("an unknown language: status %d", r.status)
		}
		// The choice does not change the language of their DMs.
		if l, _ := h.app.DB.UserLanguage(h.ctx(), h.guild, h.obs); l != "es" {
			t.Errorf("stored language %q after the switch, want es", l)
		}
	})
	t.Run("Acting in Spanish on the dashboard keeps the DM language", func(t *testing.T) {
		fac := w.login(h.fac)
		r := fac.postIn(alert+"/acknowledge", "es-ES", nil)
		if r.status != http.StatusSeeOther {
			t.Fatalf("acknowledge: status %d %s", r.status, r.body)
		}
		pageShows(t, fac.getIn(r.location, "es-ES"), "Has confirmado la alerta", ">confirmada<")
		if l, _ := h.app.DB.UserLanguage(h.ctx(), h.guild, h.fac); l != "" {
			t.Errorf("the dashboard stored %q as the facilitator's language", l)
		}
	})
	t.Run("Every page in Spanish", func(t *testing.T) {
		admin := w.login(h.admin)
		member := w.login(h.members[0])
		fac := w.login(h.fac)
		// Some of them used hearth in English in Discord: they pick Spanish.
		for _, b := range []*browser{admin, member, fac} {
			if r := b.postIn("/lang", "es", url.Values{"lang": {"es"}}); r.status != http.StatusSeeOther {
				t.Fatalf("switch: status %d", r.status)
			}
		}
		for _, p := range []struct {
			b    *browser
			path string
			want string
		}{
			{fac, "/", "Alertas de tus grupos"},
			{fac, "/groups/" + id(w.group.ID), "Asistencia y estado de ánimo"},
			{admin, "/groups", "Crear un grupo en"},
			{admin, "/groups/new?server=" + h.guild, "Ver el horario"},
			{admin, "/groups/" + id(w.group.ID) + "/edit", "Duración de la reunión (minutos)"},
			{admin, "/groups/" + id(w.group.ID) + "/delete", "No se puede deshacer"},
			{admin, "/servers/" + h.guild + "/settings", "Recursos de crisis que ven los miembros"},
			{admin, "/servers/" + h.guild + "/audit", "Registro de auditoría de"},
			{member, "/me", "Descargar mis datos"},
			{member, "/me/erase?server=" + h.guild, "No se puede deshacer"},
		} {
			r := p.b.getIn(p.path, "es")
			if r.status != http.StatusOK {
				t.Errorf("%s: status %d", p.path, r.status)
				continue
			}
			pageShows(t, r, `<html lang="es">`, p.want)
		}
	})
}

func TestWeb_LeadAlerts(t *testing.T) {
	w := startWeb(t)
	h := w.harness
	lead := h.user("dr-clinical-lead")
	h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID, s.LeadID = h.staff, lead })
	alert := "/alerts/" + id(w.alertID)
	b := w.login(lead)
	notFound := mainOf(b.get("/alerts/999999").body)

	t.Run("ErrNotEscalated", func(t *testing.T) {
		pageHides(t, b.get("/alerts"), "#"+id(w.alertID))
		if r := b.get(alert); r.status != http.StatusNotFound || mainOf(r.body) != notFound {
			t.Errorf("status %d", r.status)
		}
		if r := b.post(alert+"/acknowledge", nil); r.status != http.StatusNotFound {
			t.Errorf("acknowledge before escalation: status %d", r.status)
		}
	})

	// A "today" alert escalates after two hours: the lead gets the DM.
	h.advance(2 * time.Hour)
	h.waitDMs(lead, 1)

	t.Run("Escalated", func(t *testing.T) {
		r := b.get("/alerts")
		pageShows(t, r, `href="/alerts/`+id(w.alertID)+`"`, "escalated to you", "Anxiety Circle")
		pageHides(t, r, "You coordinate no group", "CANARY")
		r = b.get(alert)
		if r.status != http.StatusOK {
			t.Fatalf("status %d", r.status)
		}
		pageShows(t, r, "clinical lead", "View note", "Acknowledge", "Resolve")
		// Not their group: no link to its roster and moods.
		pageHides(t, r, `href="/groups/`+id(w.group.ID)+`"`, "CANARY")
		if r := b.get("/groups/" + id(w.group.ID)); r.status != http.StatusNotFound {
			t.Errorf("the lead opened the group page: status %d", r.status)
		}
		r = b.post(alert+"/note", nil)
		pageShows(t, r, canary)
	})
	t.Run("Acknowledge tells the member", func(t *testing.T) {
		before := len(h.dms(h.members[0]))
		r := b.post(alert+"/acknowledge", nil)
		if r.status != http.StatusSeeOther {
			t.Fatalf("status %d %s", r.status, mainOf(r.body))
		}
		if a, _ := h.app.DB.Alert(h.ctx(), w.alertID); a.Status != hearth.AlertAcknowledged || a.AckBy != lead {
			t.Errorf("alert %s by %s", a.Status, a.AckBy)
		}
		h.waitDMs(h.members[0], before+1)
	})
	t.Run("ErrNoLongerLead", func(t *testing.T) {
		h.setSettings(func(s *hearth.GuildSettings) { s.LeadID = h.user("dr-next-lead") })
		pageHides(t, b.get("/alerts"), "#"+id(w.alertID))
		if r := b.get(alert); r.status != http.StatusNotFound || mainOf(r.body) != notFound {
			t.Errorf("status %d", r.status)
		}
		if r := b.post(alert+"/resolve", nil); r.status != http.StatusNotFound {
			t.Errorf("resolve by a former lead: status %d", r.status)
		}
		if a, _ := h.app.DB.Alert(h.ctx(), w.alertID); a.Status == hearth.AlertResolved {
			t.Errorf("a former lead resolved the alert")
		}
	})
}

func TestWeb_MeetingDetails(t *testing.T) {
	w := startWeb(t)
	h := w.harness
	m := endedMeeting(h, w.group)
	sendSummary(h, w.group, m)
	path := "/groups/" + id(w.group.ID) + "/meetings/" + id(m.ID) + "/details"
	audits := func() int {
		es, err := h.app.DB.AuditLog(h.ctx(), h.guild, 500, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range es {
			if e.Action == "summary.details" {
				n++
			}
		}
		return n
	}
	oldObs := w.login(h.obs)
	member := w.login(h.members[0])

	t.Run("A recipient sees each member, audited", func(t *testing.T) {
		before := audits()
		r := w.login(h.fac).post(path, nil)
		if r.status != http.StatusOK {
			t.Fatalf("status %d %s", r.status, mainOf(r.body))
		}
		pageShows(t, r, canary, "member2", "audit log")
		if audits() != before+1 {
			t.Errorf("audit rows %d, want %d", audits(), before+1)
		}
	})

	newObs := h.user("dr-new-observer")
	h.editGroup(discordtest.User("observer", newObs))

	t.Run("A psychologist who joined later sees totals only", func(t *testing.T) {
		before := audits()
		b := w.login(newObs)
		r := b.post(path, nil)
		if r.status != http.StatusOK {
			t.Fatalf("status %d %s", r.status, mainOf(r.body))
		}
		pageShows(t, r, "before you joined", `<dd id="attended">3</dd>`, "3.0 / 5")
		pageHides(t, r, canary, "member1", "member2", "member3")
		r = b.postIn(path, "es", nil)
		pageShows(t, r, "antes de que te unieras", "3,0 / 5")
		pageHides(t, r, canary, "member2")
		if audits() != before {
			t.Errorf("totals wrote an audit row")
		}
	})
	t.Run("ErrReplacedObserver", func(t *testing.T) {
		if r := oldObs.post(path, nil); r.status != http.StatusNotFound || strings.Contains(r.body, canary) {
			t.Errorf("the replaced observer: status %d", r.status)
		}
	})
	t.Run("ErrMember", func(t *testing.T) {
		if r := member.post(path, nil); r.status != http.StatusNotFound || strings.Contains(r.body, canary) {
			t.Errorf("a member: status %d", r.status)
		}
	})
	t.Run("ErrMeetingOfAnotherGroup", func(t *testing.T) {
		other := "/groups/" + id(w.otherGroup.ID) + "/meetings/" + id(m.ID) + "/details"
		if r := w.login(w.fac2).post(other, nil); r.status != http.StatusNotFound || strings.Contains(r.body, canary) {
			t.Errorf("another group's psychologist: status %d", r.status)
		}
	})
}
