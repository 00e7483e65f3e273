package main

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// settingsOf reads the server's settings from the database.
func (w *webSite) settingsOf() *hearth.GuildSettings {
	w.t.Helper()
	st, err := w.app.DB.GuildSettings(w.ctx(), w.guild)
	if err != nil {
		w.t.Fatalf("settings: %v", err)
	}
	return st
}

// auditCount is how many audit entries the server has.
func (w *webSite) auditCount() int {
	w.t.Helper()
	es, err := w.app.DB.AuditLog(w.ctx(), w.guild, 10000, 0)
	if err != nil {
		w.t.Fatalf("audit log: %v", err)
	}
	return len(es)
}

func TestWeb_Settings(t *testing.T) {
	w := startWeb(t)
	h := w.harness
	admin := w.login(h.admin)
	path := "/servers/" + h.guild + "/settings"
	lead := h.user("dr-web-lead")

	t.Run("Form", func(t *testing.T) {
		r := admin.get(path)
		pageShows(t, r, `<select id="staff" name="staff"`, `<option value="`+h.staff+`">#staff</option>`, `<label for="lead">`,
			`<label for="crisis-en">In English</label>`, `<label for="crisis-es">In Spanish</label>`, "Not set yet",
			html.EscapeString(hearth.DefaultCrisisText))
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
		}
	})
	t.Run("StaffChannelAndLead", func(t *testing.T) {
		before := w.auditCount()
		r := admin.post(path, url.Values{"staff": {h.staff}, "lead": {lead}})
		if r.status != http.StatusSeeOther || r.location != path+"?done=settings" {
			t.Fatalf("save: %d to %q: %s", r.status, r.location, mainOf(r.body))
		}
		if st := w.settingsOf(); st.StaffChannelID != h.staff || st.LeadID != lead {
			t.Errorf("settings %+v", st)
		}
		// Only what changed was saved: two commands, two audit entries.
		if n := w.auditCount(); n != before+2 {
			t.Errorf("audit entries %d, want %d", n, before+2)
		}
		log := h.auditLog()
		for _, a := range []string{"settings.staff_channel", "settings.lead"} {
			if !strings.Contains(log, a) {
				t.Errorf("audit log lacks %s: %s", a, log)
			}
		}
		show := replyText(h.slash(h.admin, "settings show"))
		if !strings.Contains(show, "Staff channel: <#"+h.staff+">") || !strings.Contains(show, "Clinical lead: <@"+lead+">") {
			t.Errorf("/settings show: %q", show)
		}
		page := admin.get(path + "?done=settings")
		pageShows(t, page, `<dd id="current-staff">#staff</dd>`, `<dd id="current-lead">dr-web-lead</dd>`,
			`<option value="`+h.staff+`" selected>#staff</option>`, `value="`+lead+`"`, `class="flash"`)
	})
	t.Run("Unchanged saves nothing", func(t *testing.T) {
		// The form sent back as shown, the unset crisis texts included.
		before := w.auditCount()
		r := admin.post(path, url.Values{"staff": {h.staff}, "lead": {lead}, "retention": {"365"},
			"crisis_en": {hearth.DefaultCrisisText}, "crisis_es": {locale.Spanish.Text("crisis.default")}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, mainOf(r.body))
		}
		if n := w.auditCount(); n != before {
			t.Errorf("audit entries %d, want %d", n, before)
		}
		if st := w.settingsOf(); st.CrisisText != "" || st.CrisisTextES != "" {
			t.Errorf("the defaults were saved as the server's texts: %+v", st)
		}
	})
	t.Run("CrisisPerLanguage", func(t *testing.T) {
		// Browsers send a textarea's line breaks as CRLF.
		r := admin.post(path, url.Values{"crisis_en": {"Call 112 now.\r\nLine two."}, "crisis_es": {"Llama al 112 ahora.\r\nSegunda línea."}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, mainOf(r.body))
		}
		if st := w.settingsOf(); st.CrisisText != "Call 112 now.\nLine two." || st.CrisisTextES != "Llama al 112 ahora.\nSegunda línea." {
			t.Errorf("crisis texts %q %q", st.CrisisText, st.CrisisTextES)
		}
		show := replyText(h.slash(h.admin, "settings show"))
		if !strings.Contains(show, "Call 112 now.") || !strings.Contains(show, "Llama al 112 ahora.") {
			t.Errorf("/settings show: %q", show)
		}
		page := admin.get(path)
		pageShows(t, page, ">Call 112 now.\nLine two.</textarea>", ">Llama al 112 ahora.\nSegunda línea.</textarea>")
		pageHides(t, page, "Not set yet")
		// Sent again unchanged (with CRLF): nothing saved.
		before := w.auditCount()
		admin.post(path, url.Values{"crisis_en": {"Call 112 now.\r\nLine two."}, "crisis_es": {"Llama al 112 ahora.\r\nSegunda línea."}})
		if n := w.auditCount(); n != before {
			t.Errorf("audit entries %d, want %d", n, before)
		}
	})
	t.Run("Retention", func(t *testing.T) {
		if r := admin.post(path, url.Values{"retention": {"90"}}); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, mainOf(r.body))
		}
		if st := w.settingsOf(); st.RetentionDays != 90 {
			t.Errorf("retention %d", st.RetentionDays)
		}
	})

	unchanged := func(t *testing.T) {
		t.Helper()
		if st := w.settingsOf(); st.StaffChannelID != h.staff || st.LeadID != lead {
			t.Errorf("settings changed: %+v", st)
		}
	}
	for _, tc := range []struct {
		name string
		form url.Values
		want string
	}{
		{"ErrUnknownLead", url.Values{"lead": {"99999999999999999"}}, "Discord knows no user with the id 99999999999999999 (the clinical lead)"},
		{"ErrLeadNotAnID", url.Values{"lead": {"@dr-web-lead"}}, "The clinical lead must be a Discord user id"},
		{"ErrBotLead", url.Values{"lead": {h.fake.AddUser("", "helper-bot", true)}}, "is a bot; the clinical lead must be a person"},
		{"ErrForeignChannel", url.Values{"staff": {w.foreign.ChannelID}}, "Pick one of the server&#39;s text channels."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := w.auditCount()
			r := admin.post(path, tc.form)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", r.status)
			}
			pageShows(t, r, `role="alert"`, tc.want, `<form method="post" action="`+path+`"`)
			unchanged(t)
			if n := w.auditCount(); n != before {
				t.Errorf("audit entries %d, want %d", n, before)
			}
		})
	}

	t.Run("ErrNotAdmin", func(t *testing.T) {
		other := h.user("dr-intruder")
		notFound := mainOf(admin.get("/alerts/999999").body)
		for role, b := range map[string]*browser{
			"member":                  w.login(h.members[1]),
			"psychologist":            w.login(h.fac),
			"admin of another server": w.login(w.adminB),
		} {
			for _, p := range []string{path, "/servers/999999999999999999/settings"} {
				r := b.post(p, url.Values{"staff": {h.channel}, "lead": {other}, "crisis_en": {"Hijacked"}})
				if r.status != http.StatusNotFound || mainOf(r.body) != notFound {
					t.Errorf("%s POST %s: status %d, not the unknown id's 404", role, p, r.status)
				}
				if r := b.get(p); r.status != http.StatusNotFound || mainOf(r.body) != notFound {
					t.Errorf("%s GET %s: status %d", role, p, r.status)
				}
			}
		}
		unchanged(t)
		if st := w.settingsOf(); strings.Contains(st.CrisisText, "Hijacked") {
			t.Errorf("crisis text changed by a non-admin")
		}
	})
	t.Run("ErrCrossOrigin", func(t *testing.T) {
		r := admin.do("POST", path, url.Values{"csrf": {admin.csrf}, "lead": {h.fac}},
			map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
		if r.status != http.StatusForbidden {
			t.Errorf("cross-origin POST: %d", r.status)
		}
		if r := admin.do("POST", path, url.Values{"lead": {h.fac}}, nil); r.status != http.StatusForbidden {
			t.Errorf("POST without the CSRF token: %d", r.status)
		}
		unchanged(t)
	})
}

// TestWeb_SettingsLeadHandOver: a lead set on the dashboard takes over the
// escalated open alerts exactly as with /settings lead (SPEC §5).
func TestWeb_SettingsLeadHandOver(t *testing.T) {
	w := startWeb(t)
	h := w.harness
	h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID, s.LeadID = h.staff, h.lead })
	// The "today" alert of startWeb escalates after two hours.
	h.advance(2 * time.Hour)
	leadDM := h.waitDMs(h.lead, 1)[0]
	if alertIDOf(t, leadDM) != id(w.alertID) {
		t.Fatalf("the lead's DM is not the alert's")
	}
	newLead := h.user("dr-new-web-lead")
	admin := w.login(h.admin)
	if r := admin.post("/servers/"+h.guild+"/settings", url.Values{"staff": {h.staff}, "lead": {newLead}}); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.status, mainOf(r.body))
	}

	t.Run("NewLeadGetsIt", func(t *testing.T) {
		dm := h.waitDMs(newLead, 1)[0]
		if alertIDOf(t, dm) != id(w.alertID) || !strings.Contains(text(dm), "<@"+h.members[0]+">") {
			t.Errorf("the new lead's DM: %q", text(dm))
		}
		h.waitText(h.lead, "has passed")
		if got := text(h.dms(h.lead)[0]); strings.Contains(got, h.members[0]) || len(buttonIDs(h.dms(h.lead)[0].Components)) != 0 {
			t.Errorf("the old lead's DM kept content: %q", got)
		}
	})
	t.Run("NewLeadSeesItOnTheDashboard", func(t *testing.T) {
		pageShows(t, w.login(newLead).get("/alerts"), `href="/alerts/`+id(w.alertID)+`"`)
		if r := w.login(h.lead).get("/alerts/" + id(w.alertID)); r.status != http.StatusNotFound {
			t.Errorf("the old lead still opens the alert: %d", r.status)
		}
	})
	noCanary(t, h)
}
