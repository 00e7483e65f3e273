package main

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hearthbot/hearth/discordtest"
	"github.com/hearthbot/hearth/locale"
)

// TestLanguage_SpanishCommandReplies: the replies of the member and
// psychologist commands follow the caller's client, whatever the group's
// language (English here): a Spanish client reads Spanish, an English one
// English, in the same group at the same time.
func TestLanguage_SpanishCommandReplies(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	h.meetingAt(g, h.now().Add(10*time.Minute)) // open for check-in
	member := h.members[0]
	es := h.asIn(member, "es-ES")
	noEnglish := func(t *testing.T, got string, english ...string) {
		t.Helper()
		for _, w := range english {
			if strings.Contains(got, w) {
				t.Errorf("English %q in a Spanish reply:\n%s", w, got)
			}
		}
	}

	t.Run("RotaShow", func(t *testing.T) {
		r := h.slashAs(es, "rota show")
		mustEphemeral(t, r, "Turnos de la reunión de **Anxiety Circle**", "pueden cambiar hasta el primer recordatorio",
			"**Comparten:**", "**Orden de registro:**", "el puesto 1 en el orden de registro")
		noEnglish(t, r.Content, "Rota of", "Sharers", "Check-in order", "You ")
		r = h.slashAs(h.asIn(member, "en-US"), "rota show")
		mustEphemeral(t, r, "Rota of the **Anxiety Circle** meeting", "**Sharers:**", "You share at this meeting")
	})
	t.Run("Next", func(t *testing.T) {
		r := h.slashAs(h.asIn(member, "es-419"), "next")
		mustEphemeral(t, r, "**Anxiety Circle** se reúne la próxima vez", "Tienes el **puesto 1** en el orden de registro, y compartes",
			"Los turnos se fijan cuando se publica el primer recordatorio")
		noEnglish(t, r.Content, "meets next", "You are", "The rota")
	})
	t.Run("CheckIn", func(t *testing.T) {
		r := h.slashAs(es, "checkin", discordtest.Int("mood", 2))
		mustEphemeral(t, r, "✅ Has registrado tu asistencia a la reunión de **Anxiety Circle**", "Ánimo: **2/5**",
			"Nadie más del grupo ve tu ánimo ni tu nota", "Parece que hoy es un día difícil")
		if got := strings.Join(buttonLabels(r.Components), ","); got != "Avisar a los profesionales" {
			t.Errorf("buttons %q", got)
		}
		mustEphemeral(t, h.slashAs(es, "checkin"), "Ya registraste tu asistencia")
	})
	t.Run("AlertsList", func(t *testing.T) {
		struggle(h, h.members[1], "today", true, "")
		r := h.slashAs(h.asIn(h.fac, "es-ES"), "alerts list")
		mustEphemeral(t, r, "**Alertas abiertas** (1)", "urgencia: hoy", "recaída", "**sin confirmar**", "Cierra una con `/alerts resolve`")
		noEnglish(t, r.Content, "Open alerts", "urgency", "relapse")
		r = h.slashAs(h.asIn(h.obs, "en-GB"), "alerts list")
		mustEphemeral(t, r, "**Open alerts** (1)", "urgency today", "relapse")
	})
	t.Run("GroupList", func(t *testing.T) {
		r := h.slashAs(h.asIn(h.admin, "es-ES"), "group list")
		mustEphemeral(t, r, "**Grupos de este servidor** (1)", "próxima reunión", "facilita <@"+h.fac+">",
			"observa <@"+h.obs+">", "zona horaria Europe/Madrid", "reuniones de 90 min")
		noEnglish(t, r.Content, "Groups of", "next meeting", "facilitator")
	})
	t.Run("Roster", func(t *testing.T) {
		r := h.slashAs(h.asIn(h.fac, "es-419"), "roster")
		mustEphemeral(t, r, "Miembros de **Anxiety Circle**", "Solo lo ves tú", "Miembros — Anxiety Circle",
			"se unió el", "compartió 0, pasó 0", "asistencia — (todavía no hay reuniones)")
		noEnglish(t, replyText(r), "Roster", "joined", "attended")
	})
	t.Run("ErrInTheCallersLanguage", func(t *testing.T) {
		r := h.slashAs(es, "rota away", discordtest.Int("meetings", 9))
		mustEphemeral(t, r, "`meetings` debe ser de 1 a 8")
		r = h.slashAs(h.asIn(h.admin, "es-ES"), "group edit", discordtest.Str("group", "Anxiety Circle"))
		mustEphemeral(t, r, "No hay nada que cambiar")
		r = h.slashAs(h.asIn(h.admin, "es-ES"), "group create", discordtest.Str("name", "Anxiety Circle"),
			discordtest.Channel("channel", h.channel), discordtest.User("facilitator", h.fac), discordtest.User("observer", h.obs))
		mustEphemeral(t, r, "Ya hay un grupo llamado \"Anxiety Circle\" en este servidor")
	})
}

// TestLanguage_CommandTextLimits keeps the fixed texts of commands/ within
// Discord's limits in every language: a modal's title and a field's label
// (45), a placeholder (100), a button's label (80).
func TestLanguage_CommandTextLimits(t *testing.T) {
	limits := map[locale.Key]int{
		locale.CmdNotesTitle: 45, locale.CmdNotesLabel: 45, locale.CmdNotesHint: 100,
		locale.CmdCommonPrevious: 80, locale.CmdCommonNext: 80, locale.CmdCommonPreviousArrow: 80, locale.CmdCommonNextArrow: 80,
		locale.CmdCheckinAlertButton: 80, locale.CmdSummaryMoreButton: 80, locale.CmdLeaveLeaveButton: 80,
		locale.CmdLeaveCancelButton: 80, locale.CmdGroupDeleteButton: 80, locale.CmdGroupCancelButton: 80,
	}
	for _, l := range locale.Langs {
		for k, max := range limits {
			if s := locale.T(l, k); s == string(k) || utf8.RuneCountInString(s) > max {
				t.Errorf("%s %s: %q is missing or longer than %d characters", l, k, s, max)
			}
		}
		if s := locale.T(l, locale.CmdNotesButton, locale.A("N", 99)); utf8.RuneCountInString(s) > 80 {
			t.Errorf("%s: button %q is longer than 80 characters", l, s)
		}
	}
}
