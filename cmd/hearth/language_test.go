package main

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
	"github.com/hearthbot/hearth/locale"
)

// asIn is h.as with the user's Discord client in locale (such as "es-ES").
func (h *harness) asIn(user, loc string) discordtest.InteractionSpec {
	spec := h.as(user)
	spec.Locale = loc
	return spec
}

// pressIn presses a button as user whose client is in locale.
func (h *harness) pressIn(loc, user string, msg *discordgo.Message, customID string) *discordtest.Reply {
	h.t.Helper()
	spec := discordtest.InteractionSpec{User: user, ChannelID: msg.ChannelID, Locale: loc}
	if msg.GuildID != "" {
		spec = h.asIn(user, loc)
		spec.ChannelID = msg.ChannelID
	}
	r, err := h.fake.Button(spec, msg, customID).WaitFinal(h.ctx())
	if err != nil {
		h.t.Fatalf("press %s: no reply: %v", customID, err)
	}
	return r
}

// setGroupLanguage sets a group's language directly.
func (h *harness) setGroupLanguage(g *hearth.Group, lang string) {
	h.t.Helper()
	_, err := h.app.DB.UpdateGroup(h.ctx(), g.ID, func(g *hearth.Group) error { g.Language = lang; return nil },
		hearth.AuditEntry{GuildID: h.guild, ActorID: h.admin, Action: "group.edit"})
	if err != nil {
		h.t.Fatal(err)
	}
}

func mustShow(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s does not contain %q:\n%s", what, w, got)
		}
	}
}

// TestLanguage_SpanishMemberEnglishPsychologist: a member whose client is
// in Spanish joins and raises an alert and reads Spanish; the facilitator,
// whose client is English, gets the alert DM in English; the observer, who
// has never used hearth, gets it in the group's language.
func TestLanguage_SpanishMemberEnglishPsychologist(t *testing.T) {
	h := start(t)
	g := h.setupGroup()
	h.setGroupLanguage(g, "es")
	ana := h.user("ana")
	es := h.asIn(ana, "es-ES")

	// The facilitator's client is English: their language is stored.
	mustEphemeral(t, h.slashAs(h.asIn(h.fac, "en-US"), "privacy show"), "What hearth keeps about you")

	t.Run("JoinInSpanish", func(t *testing.T) {
		r := h.slashAs(es, "join", discordtest.Str("group", "Anxiety Circle"))
		mustEphemeral(t, r, "Antes de unirte a Anxiety Circle", "no sustituye al tratamiento individual", "/struggling")
		if got := buttonLabels(r.Components); strings.Join(got, ",") != "Acepto,Cancelar" {
			t.Errorf("buttons %v", got)
		}
		r = h.pressIn("es-419", ana, confirmMessage(t, r), buttonIDs(r.Components)[0])
		mustShow(t, "welcome", r.Content, "Te damos la bienvenida a **Anxiety Circle**")
	})
	t.Run("AlertInSpanish", func(t *testing.T) {
		r := h.slashAs(es, "struggling", discordtest.Str("urgency", "now"), discordtest.Bool("relapse", true))
		mustEphemeral(t, r, "**Si ahora mismo estás en peligro:**", "112", "911", "123",
			"Tu mensaje se ha enviado en privado", "lo antes posible")
		if strings.Contains(r.Content, "psychologist") {
			t.Errorf("English in a Spanish reply: %q", r.Content)
		}
	})
	t.Run("EnglishPsychologistGetsEnglishDM", func(t *testing.T) {
		dm := h.waitDMs(h.fac, 1)[0]
		mustShow(t, "facilitator's DM", text(dm), "A member asked for support", "Relapse: Yes", "Urgency: now")
		if got := buttonLabels(dm.Components); strings.Join(got, ",") != "View note,Acknowledge,Resolve" {
			t.Errorf("buttons %v", got)
		}
	})
	t.Run("NewPsychologistGetsTheGroupsLanguage", func(t *testing.T) {
		dm := h.waitDMs(h.obs, 1)[0]
		mustShow(t, "observer's DM", text(dm), "Una persona del grupo ha pedido apoyo", "Recaída: Sí", "Urgencia: ahora")
	})
	t.Run("AcknowledgementReachesTheMemberInSpanish", func(t *testing.T) {
		dm := h.waitDMs(h.fac, 1)[0]
		r := h.pressIn("en-US", h.fac, dm, buttonIDs(dm.Components)[1])
		mustShow(t, "updated DM", replyText(r), "Acknowledged by")
		got := h.waitDMs(ana, 1)[0]
		mustShow(t, "member's DM", got.Content, "ha visto tu mensaje")
	})
	t.Run("PrivacyShowsAndErasesTheLanguage", func(t *testing.T) {
		mustEphemeral(t, h.slashAs(es, "privacy show"), "Lo que hearth guarda sobre ti", "Idioma de tus MD de hearth", "español")
		if l, _ := h.app.DB.UserLanguage(h.ctx(), h.guild, ana); l != "es" {
			t.Fatalf("stored language %q", l)
		}
		r := h.slashAs(es, "privacy delete")
		mustEphemeral(t, r, "¿Borrar tus datos de este servidor?", "el idioma en el que hearth te escribe")
		r = h.pressIn("es-ES", ana, confirmMessage(t, r), buttonIDs(r.Components)[0])
		mustShow(t, "erased", r.Content, "Tus datos de este servidor se han borrado")
		if l, _ := h.app.DB.UserLanguage(h.ctx(), h.guild, ana); l != "" {
			t.Errorf("language %q survived /privacy delete", l)
		}
	})
}

// TestLanguage_SpanishGroupPosts: a group whose language is Spanish gets
// Spanish reminders and start posts; its English member still gets English
// replies and English DM reminders.
func TestLanguage_SpanishGroupPosts(t *testing.T) {
	h := start(t)
	g := h.scheduleGroup()
	h.setGroupLanguage(g, "es")
	english, spanish := h.members[0], h.members[1]

	r := h.slashAs(h.asIn(english, "en-GB"), "reminders", discordtest.Bool("dm", true))
	mustEphemeral(t, r, "Done: you will also get the reminders")
	r = h.slashAs(h.asIn(spanish, "es-419"), "reminders", discordtest.Bool("dm", true))
	mustEphemeral(t, r, "Hecho: recibirás también por MD")

	h.advanceTo(dayReminder)
	post := h.waitMessages(h.channel, 1)[0]
	mustShow(t, "reminder post", post.Content, "**Anxiety Circle** se reúne", "**Comparten:**", "**Orden de registro:**", "Cuando empiece la reunión")
	mustShow(t, "English member's DM", h.waitDMs(english, 1)[0].Content, "**Anxiety Circle** meets", "**Sharers:**")
	mustShow(t, "Spanish member's DM", h.waitDMs(spanish, 1)[0].Content, "**Anxiety Circle** se reúne", "Recibes esto porque")

	h.advanceTo(hourReminder)
	h.advanceTo(firstMeeting)
	posts := h.waitMessages(h.channel, 3)
	mustShow(t, "hour reminder", posts[1].Content, "se reúne")
	mustShow(t, "start post", posts[2].Content, "empieza ahora", "Registra tu asistencia con `/checkin`")

	t.Run("ScheduleShowInTheReadersLanguage", func(t *testing.T) {
		r := h.slashAs(h.asIn(h.admin, "es-ES"), "schedule show", discordtest.Str("group", "Anxiety Circle"))
		mustEphemeral(t, r, "se reúne cada martes a las 19:00", "Próximas reuniones")
		r = h.slashAs(h.asIn(h.admin, "en-US"), "schedule show", discordtest.Str("group", "Anxiety Circle"))
		mustEphemeral(t, r, "meets every Tuesday at 19:00")
	})
}

func TestLanguage_SpanishSchedule(t *testing.T) {
	h := start(t)
	h.setupGroup()
	r := h.slashAs(h.asIn(h.admin, "es-ES"), "schedule set", discordtest.Str("group", "Anxiety Circle"),
		discordtest.Str("when", "cada Martes a las 19:00"))
	mustEphemeral(t, r, "se reúne ahora cada martes a las 19:00", hearth.Timestamp(firstMeeting, "F"))
	if g := h.group("Anxiety Circle"); g.Schedule != "every tuesday at 19:00" {
		t.Errorf("stored schedule %q, want the canonical form", g.Schedule)
	}
	t.Run("ErrInTheReadersLanguage", func(t *testing.T) {
		r := h.slashAs(h.asIn(h.admin, "es-419"), "schedule set", discordtest.Str("group", "Anxiety Circle"),
			discordtest.Str("when", "cada martis a las 19:00"))
		mustEphemeral(t, r, "No entiendo `cada martis a las 19:00` como horario: `martis` no es un día", "cada dos miércoles")
		r = h.slash(h.admin, "schedule set", discordtest.Str("group", "Anxiety Circle"), discordtest.Str("when", "every tusday at 19:00"))
		mustEphemeral(t, r, "I can't read `every tusday at 19:00` as a schedule: `tusday` is not a day")
	})
}

func TestLanguage_GroupLanguage(t *testing.T) {
	h := start(t)
	h.fake.SetGuildLocale(h.guild, "es-ES")
	create := func(name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordtest.Reply {
		return h.slash(h.admin, "group create", append([]*discordgo.ApplicationCommandInteractionDataOption{
			discordtest.Str("name", name), discordtest.Channel("channel", h.channel),
			discordtest.User("facilitator", h.fac), discordtest.User("observer", h.obs)}, opts...)...)
	}
	t.Run("DefaultsToTheServersLocale", func(t *testing.T) {
		mustEphemeral(t, create("Duelo"), "Created **Duelo**")
		if g := h.group("Duelo"); g.Language != "es" {
			t.Errorf("language %q, want es", g.Language)
		}
	})
	t.Run("Option", func(t *testing.T) {
		mustEphemeral(t, create("Grief", discordtest.Str("language", "en")), "Created **Grief**")
		if g := h.group("Grief"); g.Language != "en" {
			t.Errorf("language %q, want en", g.Language)
		}
		h.slash(h.admin, "group edit", discordtest.Str("group", "Grief"), discordtest.Str("language", "es"))
		if g := h.group("Grief"); g.Language != "es" {
			t.Errorf("language %q after edit, want es", g.Language)
		}
	})
	t.Run("ErrUnknownLanguage", func(t *testing.T) {
		r := h.slashAs(h.asIn(h.admin, "es-ES"), "group edit", discordtest.Str("group", "Grief"), discordtest.Str("language", "fr"))
		mustEphemeral(t, r, "Elige un idioma de la lista")
	})
}

func TestLanguage_CrisisTextPerLanguage(t *testing.T) {
	h := start(t)
	h.setupGroup()
	r := h.slashAs(h.asIn(h.admin, "es-ES"), "settings crisis", discordtest.Str("text", "Llama al 024 (línea de atención a la conducta suicida)."))
	mustEphemeral(t, r, "Guardado para quienes usan Discord en español")

	t.Run("SpanishMemberSeesTheSpanishText", func(t *testing.T) {
		r := h.slashAs(h.asIn(h.members[0], "es-ES"), "struggling", discordtest.Str("urgency", "now"), discordtest.Bool("relapse", false))
		mustEphemeral(t, r, "Llama al 024")
	})
	t.Run("EnglishMemberSeesTheOtherWhenTheirsIsUnset", func(t *testing.T) {
		r := struggle(h, h.members[1], "now", false, "")
		mustEphemeral(t, r, "Llama al 024", "If you are in danger right now")
	})
	t.Run("EnglishTextForEnglishMembers", func(t *testing.T) {
		r := h.slash(h.admin, "settings crisis", discordtest.Str("text", "Call 988."), discordtest.Str("language", "en"))
		mustEphemeral(t, r, "Saved for members who use Discord in English")
		r = struggle(h, h.members[2], "now", false, "")
		mustEphemeral(t, r, "Call 988.")
		r = h.slash(h.admin, "settings show")
		mustEphemeral(t, r, "Call 988.", "Crisis resources in Spanish", "Llama al 024")
	})
}

// TestLanguage_Registration checks the commands as Discord stores them (the
// fake validated the bulk overwrite against Discord's OpenAPI schema):
// names stay English, every description and choice has its Spanish text
// for es-ES and es-419 within Discord's lengths, and the English catalog
// says what the definitions say.
func TestLanguage_Registration(t *testing.T) {
	h := start(t)
	cmds := h.fake.Commands(h.guild)
	if len(cmds) == 0 {
		t.Fatal("no commands registered")
	}
	check := func(where, english string, l map[discordgo.Locale]string) {
		t.Helper()
		if n := utf8.RuneCountInString(english); n == 0 || n > 100 {
			t.Errorf("%s: English text has %d characters", where, n)
		}
		for _, loc := range []discordgo.Locale{"es-ES", "es-419"} {
			es := l[loc]
			if es == "" {
				t.Errorf("%s: no %s localization of %q", where, loc, english)
			} else if n := utf8.RuneCountInString(es); n > 100 {
				t.Errorf("%s: %s text has %d characters (max 100): %q", where, loc, n, es)
			}
		}
	}
	var walk func(path string, opts []*discordgo.ApplicationCommandOption)
	walk = func(path string, opts []*discordgo.ApplicationCommandOption) {
		for _, o := range opts {
			if o.NameLocalizations != nil {
				t.Errorf("%s %s: option names stay English", path, o.Name)
			}
			sub := o.Type == discordgo.ApplicationCommandOptionSubCommand || o.Type == discordgo.ApplicationCommandOptionSubCommandGroup
			optPath, optName := path, o.Name
			if sub {
				optPath, optName = path+" "+o.Name, ""
			}
			check(path+" "+o.Name, o.Description, o.DescriptionLocalizations)
			if got, ok := locale.English.Registration(optPath, optName, "", o.Description); !ok || got != o.Description {
				t.Errorf("%s %s: the English catalog says %q, the definition %q", path, o.Name, got, o.Description)
			}
			for _, c := range o.Choices {
				check(path+" "+o.Name+"="+c.Name, c.Name, c.NameLocalizations)
				value, _ := c.Value.(string)
				if got, ok := locale.English.Registration(optPath, optName, value, c.Name); !ok || got != c.Name {
					t.Errorf("%s %s=%v: the English catalog says %q, the definition %q", path, o.Name, c.Value, got, c.Name)
				}
			}
			walk(optPath, o.Options)
		}
	}
	for _, c := range cmds {
		if c.NameLocalizations != nil && len(*c.NameLocalizations) > 0 {
			t.Errorf("/%s: command names stay English", c.Name)
		}
		var l map[discordgo.Locale]string
		if c.DescriptionLocalizations != nil {
			l = *c.DescriptionLocalizations
		}
		check("/"+c.Name, c.Description, l)
		if got, ok := locale.English.Registration(c.Name, "", "", c.Description); !ok || got != c.Description {
			t.Errorf("/%s: the English catalog says %q, the definition %q", c.Name, got, c.Description)
		}
		walk(c.Name, c.Options)
	}
}
