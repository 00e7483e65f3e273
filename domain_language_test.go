package hearth_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// ids returns n distinct snowflake-sized user ids.
func ids(n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("%019d", 100000000000000000+i))
	}
	return out
}

// fits fails when msg breaks one of Discord's limits this package knows.
func fits(t *testing.T, what string, msg hearth.Message) {
	t.Helper()
	if n := hearth.TextLen(msg.Content); n > hearth.MaxContent {
		t.Errorf("%s: content is %d characters", what, n)
	}
	for _, e := range msg.Embeds {
		for _, f := range e.Fields {
			if n := hearth.TextLen(f.Value); n > hearth.MaxFieldValue {
				t.Errorf("%s: field %q is %d characters", what, f.Name, n)
			}
		}
	}
	for _, row := range msg.Buttons {
		for _, b := range row {
			if n := hearth.TextLen(b.Label); n == 0 || n > 80 {
				t.Errorf("%s: button label %q is %d characters", what, b.Label, n)
			}
		}
	}
}

// TestDomainMessages_InEachLanguage: the messages hearth sends on its own
// are in the language asked for, and fit Discord's limits in both
// languages for a group of 500.
func TestDomainMessages_InEachLanguage(t *testing.T) {
	start := time.Date(2026, 3, 3, 18, 0, 0, 0, time.UTC)
	g := &hearth.Group{ID: 1, GuildID: "guild", Name: "Ansiedad", ChannelID: "chan", RoleID: "role", FacilitatorID: "fac", ObserverID: "obs"}
	many := ids(500)
	m := &hearth.Meeting{ID: 7, GroupID: 1, StartsAt: start, EndsAt: start.Add(time.Hour),
		Rota: &hearth.Rota{Order: many, Sharers: many[:300], Passed: many[300:]}}
	sum := &hearth.MeetingSummary{Group: g, Meeting: m, Members: 500, Attended: 400, Present: 20, Moods: 300, AvgMood: 3.25, Alerts: 2, Since: start.Add(-7 * 24 * time.Hour)}
	var alerts []*hearth.AlertBrief
	for i := range 30 {
		alerts = append(alerts, &hearth.AlertBrief{ID: int64(i + 1), Urgency: hearth.UrgencyNow, Relapse: true, Status: hearth.AlertOpen, CreatedAt: start})
	}
	brief := &hearth.Brief{Group: g, Meeting: m, Since: start, Away: many[:100], Joined: many[100:200], Alerts: alerts,
		Past: []*hearth.MeetingStats{{Meeting: m, Attended: 3, Members: 5, Moods: 2, AvgMood: 3.5}}}
	round := hearth.NewRound(7, "chan", "msg")
	for i := range 499 {
		round.Apply(m.Rota, []string{hearth.RoundNext, hearth.RoundSkip}[i%2], round.Step)
	}
	alert := &hearth.Alert{ID: 9, GuildID: "guild", GroupID: 1, UserID: "member"}

	for _, tc := range []struct {
		lang  locale.Lang
		want  map[string]string // message → a phrase it must say
		wrong []string          // phrases of the other language
	}{
		{locale.English, map[string]string{
			"summary": "Average mood", "brief": "Before the meeting", "round": "**Round**", "passed": "has passed to the group's current psychologists",
			"failure": "its channel no longer exists", "undelivered": "could not be delivered", "role": "allows more than @everyone",
			"voice": "cannot take attendance from voice", "unreachable": "pre-meeting brief",
		}, []string{"reunión", "Ronda", "profesionales"}},
		{locale.Spanish, map[string]string{
			"summary": "Ánimo medio", "brief": "Antes de la reunión", "round": "**Ronda**", "passed": "ha pasado a los profesionales actuales",
			"failure": "su canal ya no existe", "undelivered": "No se ha podido entregar", "role": "permite más de lo que permite @everyone",
			"voice": "no puede registrar la asistencia por voz", "unreachable": "resumen previo",
		}, []string{"meeting", "Round", "psychologist"}},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			section, buttons := hearth.RoundSection(m.Rota, round, tc.lang)
			msgs := map[string]hearth.Message{
				"summary":     hearth.SummaryDM(sum, tc.lang),
				"brief":       hearth.BriefDM(brief, tc.lang),
				"round":       {Content: section, Buttons: buttons},
				"passed":      hearth.AlertPassedDM(alert, g, tc.lang),
				"failure":     hearth.FailureNotice(g, hearth.FailureChannelGone, tc.lang),
				"undelivered": hearth.AlertUndeliveredNotice(g, tc.lang),
				"role":        hearth.GroupRoleNotice(g, tc.lang),
				"voice":       hearth.VoiceProblemNotice(g, hearth.StaffVoiceGone, tc.lang),
				"unreachable": hearth.BriefUnreachableNotice(g, "obs", tc.lang),
			}
			for name, msg := range msgs {
				all := msg.Content
				for _, e := range msg.Embeds {
					all += "\n" + e.Title
					for _, f := range e.Fields {
						all += "\n" + f.Name + ": " + f.Value
					}
				}
				if !strings.Contains(all, tc.want[name]) {
					t.Errorf("%s does not say %q:\n%s", name, tc.want[name], all)
				}
				for _, w := range tc.wrong {
					if strings.Contains(all, w) {
						t.Errorf("%s says %q, of the other language:\n%s", name, w, all)
					}
				}
				fits(t, name, msg)
			}
			if n := hearth.TextLen(section); n > 1000 {
				t.Errorf("round section is %d characters for 500 members", n)
			}
			// The lists were cut: how many earlier names were left out.
			if earlier := map[locale.Lang]string{locale.English: " earlier, then <@", locale.Spanish: " anteriores; luego, <@"}[tc.lang]; !strings.Contains(section, earlier) {
				t.Errorf("round section does not say %q:\n%s", earlier, section)
			}
		})
	}
}

// TestErrorm_RoundBadButton: the refusal keeps its English Message, which
// the English catalog renders exactly, and reads Spanish in Spanish.
func TestErrorm_RoundBadButton(t *testing.T) {
	s := hearth.NewRound(1, "ch", "msg")
	_, err := s.Apply(&hearth.Rota{Order: []string{"a", "b"}}, "bogus", 0)
	if hearth.ErrorCode(err) != hearth.EINVALID {
		t.Fatalf("error %v, want EINVALID", err)
	}
	if en, msg := hearth.ErrorMessageIn(err, locale.English), hearth.ErrorMessage(err); en != msg {
		t.Errorf("English rendering differs from the message:\n%s\n%s", en, msg)
	}
	if es := hearth.ErrorMessageIn(err, locale.Spanish); es != "Este botón ya no es válido." {
		t.Errorf("Spanish: %q", es)
	}
}

func TestAuditLine(t *testing.T) {
	at := time.Date(2026, 3, 3, 18, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name string
		e    hearth.AuditEntry
		lang locale.Lang
		want string
	}{
		{"English", hearth.AuditEntry{ActorID: "1", Action: "group.create", Target: "group:3", At: at}, locale.English,
			"• " + hearth.Timestamp(at, "f") + " · <@1> · `group.create` · `group:3` — created a group"},
		{"Spanish", hearth.AuditEntry{ActorID: "1", Action: "alert.acknowledge", Target: "alert:9", At: at}, locale.Spanish,
			"• " + hearth.Timestamp(at, "f") + " · <@1> · `alert.acknowledge` · `alert:9` — ha confirmado una alerta"},
		{"NoTarget", hearth.AuditEntry{ActorID: "1", Action: hearth.AuditPrivacyDelete, At: at}, locale.Spanish,
			"• " + hearth.Timestamp(at, "f") + " · <@1> · `privacy.delete` — ha borrado sus propios datos"},
		{"UnknownActionShowsItsCode", hearth.AuditEntry{ActorID: "1", Action: "future.thing", At: at}, locale.English,
			"• " + hearth.Timestamp(at, "f") + " · <@1> · `future.thing`"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := hearth.AuditLine(tt.e, tt.lang); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
	t.Run("EveryActionHasASentence", func(t *testing.T) {
		// The actions hearth records (commands, the alert service, the
		// scheduler): a new one needs a dom_audit sentence.
		for _, a := range []string{
			"alert.acknowledge", "alert.resolve", "alert.escalate", "alert.reassign", "alert.view_note",
			"group.create", "group.edit", "group.delete", "notes.add", "notes.show", hearth.AuditPrivacyDelete,
			"report.view", "roster.view", "round." + hearth.RoundNext, "round." + hearth.RoundSkip, "round." + hearth.RoundShare,
			"schedule.set", "schedule.once", "schedule.skip", "schedule.reminders",
			"settings.crisis", "settings.staff_channel", "settings.retention", "settings.lead", "summary.details",
		} {
			for _, l := range locale.Langs {
				if hearth.AuditActionText(a, l) == "" {
					t.Errorf("%s: no sentence for %q", l, a)
				}
			}
		}
	})
}
