package main

import (
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
)

// TestLanguage_SpanishRound: the start post of a Spanish group and every
// edit of its round are in Spanish, whatever the language of the
// psychologist who presses; a refusal is in the presser's language.
func TestLanguage_SpanishRound(t *testing.T) {
	h := start(t)
	g := h.scheduleGroup()
	h.setGroupLanguage(g, "es")
	h.advanceTo(firstMeeting)
	m := h.firstMeetingOf(g)
	order := m.Rota.Order
	var post = func() string {
		for _, p := range h.posts(h.channel) {
			if strings.Contains(p.Content, "empieza ahora") {
				return p.ID
			}
		}
		t.Fatalf("no Spanish start post in %d posts", len(h.posts(h.channel)))
		return ""
	}()
	msg := h.fake.Message(post)
	mustShow(t, "start post", msg.Content, "🎙️ **Ronda** — registro 1/", "**Ahora:** <@"+order[0]+">", "**Siguiente:** <@"+order[1]+">")
	if got := buttonLabels(msg.Components); strings.Join(got, ",") != "Siguiente,Saltar,Ronda para compartir" {
		t.Errorf("start post buttons = %v", got)
	}
	ids := buttonIDs(msg.Components)

	t.Run("EditsInSpanish", func(t *testing.T) {
		h.pressIn("en-US", h.fac, msg, ids[0]) // an English psychologist presses Next
		got := h.fake.Message(post)
		mustShow(t, "edited post", got.Content, "**Ya han hablado:** <@"+order[0]+">", "**Ahora:** <@"+order[1]+">")
		cur := h.fake.Message(post)
		h.pressIn("es-ES", h.obs, cur, buttonIDs(cur.Components)[1]) // Skip
		got = h.fake.Message(post)
		mustShow(t, "edited post", got.Content, "**Turno saltado:** <@"+order[1]+">")
		if strings.Contains(got.Content, "Round") || strings.Contains(got.Content, "Now:") {
			t.Errorf("English in a Spanish group's round:\n%s", got.Content)
		}
		if labels := buttonLabels(got.Components); strings.Join(labels, ",") != "Siguiente,Saltar,Ronda para compartir" {
			t.Errorf("edited post buttons = %v", labels)
		}
	})
	t.Run("ErrBadButtonInThePressersLanguage", func(t *testing.T) {
		cur := h.fake.Message(post)
		step := strings.Split(buttonIDs(cur.Components)[0], ":")
		forged := "round:bogus:" + step[2] + ":" + step[3]
		mustEphemeral(t, h.pressIn("es-419", h.fac, cur, forged), "Este botón ya no es válido.")
		mustEphemeral(t, h.pressIn("en-US", h.fac, cur, forged), "This button is not valid any more.")
	})
	t.Run("ClosedInSpanish", func(t *testing.T) {
		h.advanceTo(meetingEnd)
		got := h.fake.Message(post)
		mustShow(t, "closed post", got.Content, "La reunión ha terminado.", "**Ya han hablado:** <@"+order[0]+">")
		if ids := buttonIDs(got.Components); len(ids) != 0 {
			t.Errorf("the ended meeting's post still has buttons %v", ids)
		}
	})
}

// TestLanguage_BriefAndSummaryPerRecipient: in an English group, the
// psychologist whose stored language is Spanish gets the pre-meeting brief
// and the summary in Spanish, the English one in English.
func TestLanguage_BriefAndSummaryPerRecipient(t *testing.T) {
	t.Run("Brief", func(t *testing.T) {
		h := start(t)
		h.scheduleGroup()
		mustEphemeral(t, h.slashAs(h.asIn(h.fac, "es-ES"), "privacy show"), "Lo que hearth guarda sobre ti")
		mustEphemeral(t, h.slashAs(h.asIn(h.obs, "en-US"), "privacy show"), "What hearth keeps about you")
		h.advanceTo(firstMeeting.Add(-time.Hour))
		es, en := text(h.waitDMs(h.fac, 1)[0]), text(h.waitDMs(h.obs, 1)[0])
		mustShow(t, "Spanish brief", es, "Resumen previo de la reunión de **Anxiety Circle**", "Antes de la reunión",
			"Alertas desde la última reunión: enviadas: 0; todavía abiertas: 0", "Últimas reuniones: no hay reuniones anteriores")
		mustShow(t, "English brief", en, "Brief for the **Anxiety Circle** meeting", "Before the meeting",
			"0 raised, 0 still open", "Last meetings: no earlier meetings")
		if strings.Contains(es, "Brief for") || strings.Contains(en, "Resumen") {
			t.Errorf("a brief in the other language:\n%s\n---\n%s", es, en)
		}
	})
	t.Run("Summary", func(t *testing.T) {
		h := start(t)
		g := h.setupGroup()
		mustEphemeral(t, h.slashAs(h.asIn(h.fac, "en-GB"), "privacy show"), "What hearth keeps about you")
		mustEphemeral(t, h.slashAs(h.asIn(h.obs, "es-419"), "privacy show"), "Lo que hearth guarda sobre ti")
		m := endedMeeting(h, g)
		sendSummary(h, g, m)
		en, es := h.waitDMs(h.fac, 1)[0], h.waitDMs(h.obs, 1)[0]
		mustShow(t, "English summary", text(en), "Summary of the **Anxiety Circle** meeting", "Attended: 3 of 4 members",
			"Average mood: 3.0 / 5 (from 2 of 3 check-ins)")
		mustShow(t, "Spanish summary", text(es), "Resumen de la reunión de **Anxiety Circle**", "Asistencia: 3 de 4 miembros",
			"Ánimo medio: 3.0 / 5 (según 2 de 3 registros)", "Compartieron: "+mentionsOf(h.members[0], h.members[2]),
			"Pasaron turno: "+mentionsOf(h.members[1]), "Alertas desde la última reunión: 1 (desde")
		if got := buttonLabels(es.Components); strings.Join(got, ",") != "Detalles" {
			t.Errorf("Spanish summary buttons = %v", got)
		}
		if got := buttonLabels(en.Components); strings.Join(got, ",") != "Details" {
			t.Errorf("English summary buttons = %v", got)
		}
		noCanary(t, h)
	})
}

// TestLanguage_SpanishStaffNotice: a staff notice about a Spanish group is
// in Spanish, and names no content.
func TestLanguage_SpanishStaffNotice(t *testing.T) {
	h := start(t)
	h.setSettings(func(s *hearth.GuildSettings) { s.StaffChannelID = h.staff })
	g := h.scheduleGroup()
	h.setGroupLanguage(g, "es")
	h.fake.CloseDMs(h.obs)
	h.advanceTo(firstMeeting.Add(-time.Hour))
	h.waitDMs(h.fac, 1)
	post := h.waitMessages(h.staff, 1)[0]
	mustShow(t, "staff notice", post.Content, "hearth no ha podido enviar por MD a <@"+h.obs+">",
		"el resumen previo de la reunión de **Anxiety Circle**", "tiene los MD cerrados")
}

// TestLanguage_AlertRefusalsInTheReadersLanguage: the refusals of the alert
// buttons are in the presser's language.
func TestLanguage_AlertRefusalsInTheReadersLanguage(t *testing.T) {
	h := start(t)
	h.setupGroup()
	member := h.members[0]
	h.slash(member, "struggling", discordtest.Str("urgency", "today"))
	facDM, obsDM := h.waitDMs(h.fac, 1)[0], h.waitDMs(h.obs, 1)[0]
	ack := buttonIDs(facDM.Components)[1]

	t.Run("ErrWrongPerson", func(t *testing.T) {
		mustEphemeral(t, h.pressIn("es-ES", h.members[1], facDM, ack), "no es de un grupo que coordines")
		mustEphemeral(t, h.pressIn("en-US", h.members[1], facDM, ack), "not an alert of a group you coordinate")
	})
	t.Run("ErrPressedTwice", func(t *testing.T) {
		h.pressIn("en-US", h.fac, facDM, ack)
		mustEphemeral(t, h.pressIn("es-ES", h.obs, obsDM, ack), "<@"+h.fac+"> ya confirmó la alerta n.º")
		mustEphemeral(t, h.pressIn("en-US", h.obs, obsDM, ack), "already acknowledged by <@"+h.fac+">")
	})
}

// TestLanguage_AuditLog: /settings audit says what each action means in
// the reader's language, with ids only.
func TestLanguage_AuditLog(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	h.setGroupLanguage(g, "es") // audits group.edit, without a target
	r := h.slashAs(h.asIn(h.admin, "es-ES"), "settings audit")
	mustEphemeral(t, r, "`group.edit` — ha editado un grupo", "`group.create` · `group:1` — ha creado un grupo")
	r = h.slashAs(h.asIn(h.admin, "en-US"), "settings audit")
	mustEphemeral(t, r, "`group.edit` — edited a group", "`group.create` · `group:1` — created a group")
}
