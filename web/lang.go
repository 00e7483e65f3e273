package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// langCookie keeps the language a visitor picked with the switch. It is a
// preference, not personal data about their groups; hearth's database
// keeps no web-only language, so choosing one never changes the language
// of their DMs.
const langCookie = "hearth_lang"

// latestLanguage is the optional part of the store that reads a user's
// newest stored language across servers (storage.DB has it).
type latestLanguage interface {
	LatestUserLanguage(ctx context.Context, userID string) (string, error)
}

// viewerLang picks the language of a page (SPEC §10, §11): the visitor's
// choice on the switch, else the language hearth stored for them (their
// latest Discord interaction, in any server), else their browser's
// Accept-Language (es* → Spanish), else English. userID is "" for a
// logged-out visitor.
func (s *Server) viewerLang(r *http.Request, userID string) locale.Lang {
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := locale.Parse(c.Value); ok {
			return l
		}
	}
	if userID != "" {
		if ls, ok := s.o.Store.(latestLanguage); ok {
			stored, err := ls.LatestUserLanguage(r.Context(), userID)
			if err != nil {
				// The page still shows, in the browser's language.
				s.o.Log.Warn("unable to read a user's language", "user", userID, "error", err)
			} else if l, ok := locale.Parse(stored); ok {
				return l
			}
		}
	}
	return acceptLanguage(r.Header.Get("Accept-Language"))
}

// acceptLanguage returns the first language of an Accept-Language header
// that hearth speaks, by the browser's order of preference (q values);
// English when none.
func acceptLanguage(h string) locale.Lang {
	best, bestQ := locale.English, 0.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		tag = strings.ToLower(strings.TrimSpace(tag))
		var l locale.Lang
		switch {
		case tag == "es" || strings.HasPrefix(tag, "es-"):
			l = locale.Spanish
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			l = locale.English
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// langSwitch stores the visitor's choice of language (a plain form POST,
// CSRF-checked like every POST) and sends them back where they were.
func (s *Server) langSwitch(w http.ResponseWriter, r *http.Request, v *viewer) error {
	l, ok := locale.Parse(r.FormValue("lang"))
	if !ok {
		return hearth.Errorf(hearth.EINVALID, "%s", v.lang.T(locale.WebCommonBadForm))
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
	back := r.FormValue("back")
	// Only a path of this site: never an address elsewhere.
	// Browsers drop tabs and newlines from a Location ("/\t/x" is "//x"),
	// so any control character or backslash sends back home.
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") ||
		strings.ContainsFunc(back, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

// funcMap returns the template functions for pages in l: the catalog's
// t and lang, and the helpers that print times, names, moods, urgencies
// and states in l.
func funcMap(l locale.Lang) template.FuncMap {
	fm := l.FuncMap()
	fm["when"] = func(loc *time.Location, t time.Time) string { return when(l, loc, t) }
	fm["iso"] = func(t time.Time) string { return t.UTC().Format(time.RFC3339) }
	// who names a user from a page's names, or shows the id.
	fm["who"] = func(names map[string]string, id string) string {
		if n := names[id]; n != "" {
			return n
		}
		return l.T(locale.WebCommonUser, locale.A("ID", id))
	}
	fm["mood"] = func(f float64) string { return mood(l, f) }
	fm["urgency"] = func(u hearth.Urgency) string { return l.Text("urgency." + string(u)) }
	fm["status"] = func(st hearth.AlertStatus) string { return l.Text("web_common.status_" + string(st)) }
	fm["yesno"] = func(b bool) string {
		if b {
			return l.T(locale.WebCommonYes)
		}
		return l.T(locale.WebCommonNo)
	}
	return fm
}

// when prints a time in the viewer's zone and language, such as
// "Tue 3 Mar 2026, 19:00 CET" or "mar 3 mar 2026, 19:00 CET".
func when(l locale.Lang, loc *time.Location, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(loc)
	return l.T(locale.WebCommonWhen, locale.A("Weekday", l.Text(fmt.Sprintf("date.day_%d", int(t.Weekday())))),
		locale.A("Day", t.Day()), locale.A("Month", l.Text(fmt.Sprintf("date.month_%d", int(t.Month())))),
		locale.A("Year", t.Year()), locale.A("Time", t.Format("15:04")), locale.A("Zone", t.Format("MST")))
}

// mood prints an average mood with one decimal, with the decimal comma in
// Spanish.
func mood(l locale.Lang, f float64) string {
	if f == 0 {
		return "—"
	}
	s := strconv.FormatFloat(f, 'f', 1, 64)
	if l == locale.Spanish {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
