package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth/discordtest"
	"github.com/hearthbot/hearth/locale"
)

// play is the week: an admin sets up a group, members join, the reminder
// comes with the rota, one member passes and one is away, the psychologists
// get their brief, members check in (one only by being in the voice
// channel), one reports struggling and a psychologist acknowledges, the
// facilitator runs the round from the start post, the meeting ends, the
// psychologists get the summary and one writes a session note.
func (d *demo) play(ctx context.Context) (err error) {
	defer func() {
		if p := recover(); p != nil {
			f, ok := p.(demoFatal)
			if !ok {
				panic(p)
			}
			err = fmt.Errorf("demo stopped: %s", f.msg)
		}
	}()
	const group = "Anxiety Circle"
	admin, fac, obs := "Ana (admin)", "Dr. Rivera", "Dr. Chen"
	members := []string{"Marta", "Leo", "Sofia", "Omar", "Ines"}
	g := discordtest.Str("group", group)

	d.out.title(d.lang.T(locale.DemoTitle))
	if err := d.at(ctx, 2, 10, 0); err != nil {
		return err
	}
	d.out.narrate(d.lang.T(locale.DemoSetup))
	steps := []func() error{
		func() error {
			return d.slash(ctx, admin, "group create", discordtest.Str("name", group), discordtest.Channel("channel", d.channel),
				discordtest.User("facilitator", d.users[fac]), discordtest.User("observer", d.users[obs]), discordtest.Str("timezone", "Europe/Madrid"),
				discordtest.Channel("voice", d.voice))
		},
		func() error {
			return d.slash(ctx, admin, "schedule set", g, discordtest.Str("when", d.lang.T(locale.DemoWhen)))
		},
		func() error { return d.slash(ctx, admin, "schedule reminders", g, discordtest.Str("before", "24h,1h")) },
		func() error {
			return d.slash(ctx, admin, "settings staff-channel", discordtest.Channel("channel", d.staff))
		},
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return err
		}
	}

	d.out.narrate(d.lang.T(locale.DemoJoin))
	for _, m := range members {
		r, err := d.slashReply(ctx, m, "join", g)
		if err != nil {
			return err
		}
		if err := d.pressOn(ctx, m, r.Message, r.Components, d.lang.T(locale.JoinAgree)); err != nil {
			return err
		}
	}

	d.out.narrate(d.lang.T(locale.DemoDayBefore))
	if err := d.at(ctx, 2, 19, 0); err != nil {
		return err
	}
	d.out.narrate(d.lang.T(locale.DemoPassAway))
	if err := d.slash(ctx, "Leo", "rota pass", g); err != nil {
		return err
	}
	if err := d.slash(ctx, "Ines", "rota away", g, discordtest.Int("meetings", 1)); err != nil {
		return err
	}
	if err := d.slash(ctx, "Marta", "next"); err != nil {
		return err
	}

	d.out.narrate(d.lang.T(locale.DemoHourBefore))
	if err := d.at(ctx, 3, 18, 0); err != nil {
		return err
	}
	if err := d.at(ctx, 3, 18, 45); err != nil {
		return err
	}
	d.out.narrate("Members come into the voice channel and check in. Leo does not type /checkin: his time in the voice channel will count.")
	moods := map[string]int64{"Marta": 4, "Sofia": 2, "Omar": 4}
	for _, m := range []string{"Marta", "Leo", "Sofia", "Omar"} {
		if err := d.joinVoice(ctx, m); err != nil {
			return err
		}
		if m == "Leo" {
			continue
		}
		if err := d.slash(ctx, m, "checkin", discordtest.Int("mood", moods[m])); err != nil {
			return err
		}
	}

	d.out.narrate(d.lang.T(locale.DemoStruggling))
	if err := d.slash(ctx, "Omar", "struggling", discordtest.Str("urgency", "today"), discordtest.Bool("relapse", true),
		discordtest.Str("note", d.lang.T(locale.DemoStrugglingNote))); err != nil {
		return err
	}
	d.out.narrate(d.lang.T(locale.DemoReadAck))
	if err := d.pressDM(ctx, obs, d.lang.T(locale.AlertViewNote)); err != nil {
		return err
	}
	if err := d.pressDM(ctx, fac, d.lang.T(locale.AlertAcknowledge)); err != nil {
		return err
	}
	if err := d.at(ctx, 3, 18, 50); err != nil {
		return err
	}

	d.out.narrate(d.lang.T(locale.DemoMeeting))
	if err := d.at(ctx, 3, 19, 0); err != nil {
		return err
	}
	for _, p := range []struct{ who, label string }{
		// The round is a channel post: its buttons are in the group's language.
		{"Marta", d.lang.T(locale.DomRoundBtnNext)}, {fac, d.lang.T(locale.DomRoundBtnNext)}, {fac, d.lang.T(locale.DomRoundBtnNext)},
		{fac, d.lang.T(locale.DomRoundBtnSkip)}, {obs, d.lang.T(locale.DomRoundBtnShare)}, {fac, d.lang.T(locale.DomRoundBtnNext)},
	} {
		if err := d.pressRound(ctx, p.who, p.label); err != nil {
			return err
		}
	}
	d.out.narrate("It ends at 20:30: Leo was in the voice channel all along, so he counts as attended. The psychologists get the summary.")
	if err := d.at(ctx, 3, 20, 30); err != nil {
		return err
	}
	if err := d.pressDM(ctx, fac, d.lang.T(locale.DomSummaryDetails)); err != nil {
		return err
	}
	d.out.narrate(d.lang.T(locale.DemoSessionNote))
	if err := d.sessionNote(ctx, obs, group, "Theme tonight: relapse and shame. Follow up on sleep next week."); err != nil {
		return err
	}
	if err := d.slash(ctx, fac, "notes show", g); err != nil {
		return err
	}
	d.out.narrate(d.lang.T(locale.DemoEnd))
	return nil
}

// slash runs a command as the named person and prints the reply.
func (d *demo) slash(ctx context.Context, who, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) error {
	_, err := d.slashReply(ctx, who, name, opts...)
	return err
}

func (d *demo) slashReply(ctx context.Context, who, name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) (*discordtest.Reply, error) {
	d.out.action(who, "/"+name+d.describe(opts))
	perms := int64(discordgo.PermissionViewChannel | discordgo.PermissionSendMessages)
	if strings.Contains(who, "admin") {
		perms |= discordgo.PermissionManageServer
	}
	ix := d.fake.SlashCommand(discordtest.InteractionSpec{GuildID: d.guild, ChannelID: d.channel, User: d.users[who], Permissions: perms, Locale: d.discordLocale}, name, opts...)
	r, err := d.finalReply(ctx, ix)
	if err != nil {
		return nil, fmt.Errorf("/%s by %s: %w", name, who, err)
	}
	d.reply(who, r)
	// Let the work the command queued (alert DMs, posts) happen before the
	// next step, so the transcript reads in order.
	if err := d.app.Engine.WaitIdle(ctx); err != nil {
		return nil, err
	}
	return r, d.deliveries()
}

// joinVoice puts a member in the group's voice channel and waits until the
// bot has seen it.
func (d *demo) joinVoice(ctx context.Context, who string) error {
	d.out.action(who, "joins the voice channel #circle-voice")
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := d.app.Bot.WaitVoiceEvents(ctx, 1); err != nil { // the connection's snapshot
		return err
	}
	n := d.app.Bot.VoiceEvents()
	d.fake.SetVoiceState(d.guild, d.users[who], d.voice)
	return d.app.Bot.WaitVoiceEvents(ctx, n+1)
}

// customIDs lists the custom ids of the buttons in rows.
func customIDs(rows []discordgo.MessageComponent) []string {
	var out []string
	for _, c := range rows {
		if row, ok := c.(*discordgo.ActionsRow); ok {
			for _, b := range row.Components {
				if btn, ok := b.(*discordgo.Button); ok {
					out = append(out, btn.CustomID)
				}
			}
		}
	}
	return out
}

// pressRound presses a button of the round on the meeting's start post.
func (d *demo) pressRound(ctx context.Context, who, label string) error {
	var post *discordgo.Message
	// The start post is the one with the round's buttons, in any language.
	for _, m := range d.fake.Messages(d.channel) {
		for _, id := range customIDs(m.Components) {
			if strings.HasPrefix(id, "round:") {
				post = m // the last part of the start post carries the round
			}
		}
	}
	if post == nil {
		return fmt.Errorf("no start post for %s to press %q on", who, label)
	}
	return d.pressOn(ctx, who, post, post.Components, label)
}

// sessionNote runs /notes add as who and fills in the form it opens.
func (d *demo) sessionNote(ctx context.Context, who, group, note string) error {
	r, err := d.slashReply(ctx, who, "notes add", discordtest.Str("group", group))
	if err != nil {
		return err
	}
	if r.CustomID == "" {
		return fmt.Errorf("/notes add opened no form for %s", who)
	}
	d.out.action(who, "fills in the form: "+note)
	spec := discordtest.InteractionSpec{GuildID: d.guild, ChannelID: d.channel, User: d.users[who], Permissions: discordgo.PermissionViewChannel}
	sub, err := d.finalReply(ctx, d.fake.ModalSubmit(spec, r.CustomID, map[string]string{"note": note}))
	if err != nil {
		return fmt.Errorf("%s submitting a session note: %w", who, err)
	}
	d.reply(who, sub)
	return d.deliveries()
}

// pressOn presses the button labelled label on a message, as who.
func (d *demo) pressOn(ctx context.Context, who string, msg *discordgo.Message, comps []discordgo.MessageComponent, label string) error {
	if msg == nil {
		return fmt.Errorf("%s has no message with a %q button", who, label)
	}
	custom := ""
	for _, c := range comps {
		if row, ok := c.(*discordgo.ActionsRow); ok {
			for _, x := range row.Components {
				if b, ok := x.(*discordgo.Button); ok && b.Label == label {
					custom = b.CustomID
				}
			}
		}
	}
	if custom == "" {
		return fmt.Errorf("%s sees no %q button", who, label)
	}
	d.out.action(who, d.lang.T(locale.DemoPresses, locale.A("Label", label)))
	spec := discordtest.InteractionSpec{User: d.users[who], ChannelID: msg.ChannelID, Locale: d.discordLocale}
	if msg.GuildID != "" || msg.ChannelID == d.channel {
		spec = discordtest.InteractionSpec{GuildID: d.guild, ChannelID: msg.ChannelID, User: d.users[who], Permissions: discordgo.PermissionViewChannel, Locale: d.discordLocale}
	}
	r, err := d.finalReply(ctx, d.fake.Button(spec, msg, custom))
	if err != nil {
		return fmt.Errorf("%s pressing %q: %w", who, label, err)
	}
	d.reply(who, r)
	if err := d.app.Engine.WaitIdle(ctx); err != nil {
		return err
	}
	return d.deliveries()
}

func (d *demo) finalReply(ctx context.Context, ix *discordtest.Interaction) (*discordtest.Reply, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return ix.WaitFinal(ctx)
}

// reply prints an interaction's answer with who saw it.
func (d *demo) reply(who string, r *discordtest.Reply) {
	text := d.render(r.Content, r.Embeds, r.Components)
	if len(r.Files) > 0 {
		for _, f := range r.Files {
			text += "\n" + d.lang.T(locale.DemoAttachment, locale.A("Name", f.Name), locale.A("Size", len(f.Data)))
		}
	}
	switch {
	case r.Type == discordgo.InteractionResponseModal:
		d.out.message("ephemeral", "only "+who+" sees", "a form opens: "+r.Title)
	case r.Type == discordgo.InteractionResponseUpdateMessage:
		d.out.message("update", d.lang.T(locale.DemoPressed, locale.A("Who", who)), text)
	case r.Ephemeral:
		d.out.message("ephemeral", d.lang.T(locale.DemoOnlySees, locale.A("Who", who)), text)
	default:
		d.out.message("post", "#anxiety-circle", text)
	}
	if r.Message != nil {
		d.seen[r.Message.ID] = text
	}
}

// pressDM presses a button on the newest DM the named person received.
func (d *demo) pressDM(ctx context.Context, who, label string) error {
	dm := d.lastDM(who)
	if dm == nil {
		return fmt.Errorf("%s has received no DM with a %q button", who, label)
	}
	return d.pressOn(ctx, who, dm, dm.Components, label)
}

// lastDM returns the newest DM a person received.
func (d *demo) lastDM(who string) *discordgo.Message {
	ms := d.fake.DMs(d.users[who])
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Flags&discordgo.MessageFlagsEphemeral == 0 {
			return ms[i]
		}
	}
	return nil
}

func (d *demo) describe(opts []*discordgo.ApplicationCommandInteractionDataOption) string {
	var b strings.Builder
	for _, o := range opts {
		v := fmt.Sprint(o.Value)
		switch o.Type {
		case discordgo.ApplicationCommandOptionUser:
			v = "@" + d.names[v]
		case discordgo.ApplicationCommandOptionChannel:
			v = d.render("<#"+v+">", nil, nil)
		case discordgo.ApplicationCommandOptionString:
			if strings.Contains(v, " ") {
				v = `"` + v + `"`
			}
		}
		fmt.Fprintf(&b, " %s:%s", o.Name, v)
	}
	return b.String()
}

// transcript prints the demo for people (text) or tools (JSON lines).
type transcript interface {
	title(string)
	clock(time.Time)
	narrate(string)
	action(who, what string)
	message(kind, where, text string)
	// err is the first error writing the transcript.
	err() error
}

// errWriter remembers the first write error, so printing code stays plain.
type errWriter struct {
	w     io.Writer
	first error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.first != nil {
		return 0, e.first
	}
	n, err := e.w.Write(p)
	e.first = err
	return n, err
}

type textTranscript struct {
	w    *errWriter
	lang locale.Lang
}

func (t *textTranscript) err() error { return t.w.first }

func (t *textTranscript) title(s string) {
	fmt.Fprintf(t.w, "%s\n%s\n", s, strings.Repeat("=", len(s)))
}
func (t *textTranscript) clock(at time.Time) {
	l := t.lang
	day := l.T(locale.DemoClock, locale.A("Weekday", l.T(locale.Key(fmt.Sprintf("schedule.weekday_%d", int(at.Weekday()))))),
		locale.A("Day", at.Day()), locale.A("Month", l.T(locale.Key(fmt.Sprintf("date.month_long_%d", int(at.Month()))))),
		locale.A("Year", at.Year()), locale.A("Time", at.Format("15:04")), locale.A("Zone", at.Format("MST")))
	fmt.Fprintf(t.w, "\n── %s ──\n", day)
}
func (t *textTranscript) narrate(s string)        { fmt.Fprintf(t.w, "\n%s\n", s) }
func (t *textTranscript) action(who, what string) { fmt.Fprintf(t.w, "\n▶ %s: %s\n", who, what) }
func (t *textTranscript) message(kind, where, text string) {
	key := map[string]locale.Key{
		"ephemeral":   locale.DemoHeadEphemeral,
		"update":      locale.DemoHeadUpdate,
		"post":        locale.DemoHeadPost,
		"post-edited": locale.DemoHeadPostEdited,
		"dm":          locale.DemoHeadDm,
		"dm-edited":   locale.DemoHeadDmEdited,
	}[kind]
	head := t.lang.T(key, locale.A("Where", where))
	fmt.Fprintf(t.w, "  %s:\n    %s\n", head, strings.ReplaceAll(text, "\n", "\n    "))
}

type jsonTranscript struct {
	enc   *json.Encoder
	now   time.Time
	first error
}

func (t *jsonTranscript) err() error { return t.first }

func (t *jsonTranscript) emit(v map[string]string) {
	if !t.now.IsZero() {
		v["at"] = t.now.Format(time.RFC3339)
	}
	if err := t.enc.Encode(v); err != nil && t.first == nil {
		t.first = err
	}
}
func (t *jsonTranscript) title(s string)     { t.emit(map[string]string{"event": "title", "text": s}) }
func (t *jsonTranscript) clock(at time.Time) { t.now = at; t.emit(map[string]string{"event": "clock"}) }
func (t *jsonTranscript) narrate(s string) {
	t.emit(map[string]string{"event": "narration", "text": s})
}
func (t *jsonTranscript) action(who, what string) {
	t.emit(map[string]string{"event": "action", "who": who, "what": what})
}
func (t *jsonTranscript) message(kind, where, text string) {
	t.emit(map[string]string{"event": "message", "kind": kind, "where": where, "text": text})
}
