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

	d.out.title("hearth demo — one week of a peer-support group, as each person sees it")
	if err := d.at(ctx, 2, 10, 0); err != nil {
		return err
	}
	d.out.narrate("An admin creates the group with its two psychologists and its schedule.")
	steps := []func() error{
		func() error {
			return d.slash(ctx, admin, "group create", discordtest.Str("name", group), discordtest.Channel("channel", d.channel),
				discordtest.User("facilitator", d.users[fac]), discordtest.User("observer", d.users[obs]), discordtest.Str("timezone", "Europe/Madrid"),
				discordtest.Channel("voice", d.voice))
		},
		func() error {
			return d.slash(ctx, admin, "schedule set", g, discordtest.Str("when", "every tuesday at 19:00"))
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

	d.out.narrate("Five members join and agree to the guidelines.")
	for _, m := range members {
		r, err := d.slashReply(ctx, m, "join", g)
		if err != nil {
			return err
		}
		if err := d.pressOn(ctx, m, r.Message, r.Components, "I agree"); err != nil {
			return err
		}
	}

	d.out.narrate("Monday evening: the day-before reminder fixes the rota.")
	if err := d.at(ctx, 2, 19, 0); err != nil {
		return err
	}
	d.out.narrate("Leo passes his turn to share; Ines will be away.")
	if err := d.slash(ctx, "Leo", "rota pass", g); err != nil {
		return err
	}
	if err := d.slash(ctx, "Ines", "rota away", g, discordtest.Int("meetings", 1)); err != nil {
		return err
	}
	if err := d.slash(ctx, "Marta", "next"); err != nil {
		return err
	}

	d.out.narrate("Tuesday: the hour-before reminder, and both psychologists get their brief: who is away, who is new, the alerts since the last meeting and how the last meetings went.")
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

	d.out.narrate("Omar tells the psychologists privately that he is struggling.")
	if err := d.slash(ctx, "Omar", "struggling", discordtest.Str("urgency", "today"), discordtest.Bool("relapse", true),
		discordtest.Str("note", "I had a drink on Saturday and I feel ashamed.")); err != nil {
		return err
	}
	d.out.narrate("Dr. Chen reads the note (only she sees it) and Dr. Rivera acknowledges.")
	if err := d.pressDM(ctx, obs, "View note"); err != nil {
		return err
	}
	if err := d.pressDM(ctx, fac, "Acknowledge"); err != nil {
		return err
	}
	if err := d.at(ctx, 3, 18, 50); err != nil {
		return err
	}

	d.out.narrate("The meeting starts at 19:00. Dr. Rivera runs the round from the start post; only the psychologists may press its buttons.")
	if err := d.at(ctx, 3, 19, 0); err != nil {
		return err
	}
	for _, p := range []struct{ who, label string }{
		{"Marta", "Next"}, {fac, "Next"}, {fac, "Next"}, {fac, "Skip"}, {obs, "Sharing round"}, {fac, "Next"},
	} {
		if err := d.pressRound(ctx, p.who, p.label); err != nil {
			return err
		}
	}
	d.out.narrate("It ends at 20:30: Leo was in the voice channel all along, so he counts as attended. The psychologists get the summary.")
	if err := d.at(ctx, 3, 20, 30); err != nil {
		return err
	}
	if err := d.pressDM(ctx, fac, "Details"); err != nil {
		return err
	}
	d.out.narrate("Dr. Chen writes a session note, about the session and without names; only the two psychologists can read it.")
	if err := d.sessionNote(ctx, obs, group, "Theme tonight: relapse and shame. Follow up on sleep next week."); err != nil {
		return err
	}
	if err := d.slash(ctx, fac, "notes show", g); err != nil {
		return err
	}
	d.out.narrate("That was the week. Everything above was sent by the real bot to a simulated Discord.")
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
	ix := d.fake.SlashCommand(discordtest.InteractionSpec{GuildID: d.guild, ChannelID: d.channel, User: d.users[who], Permissions: perms}, name, opts...)
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

// pressRound presses a button of the round on the meeting's start post.
func (d *demo) pressRound(ctx context.Context, who, label string) error {
	var post *discordgo.Message
	for _, m := range d.fake.Messages(d.channel) {
		if strings.Contains(m.Content, "is starting now") {
			post = m
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
	d.out.action(who, "presses ["+label+"]")
	spec := discordtest.InteractionSpec{User: d.users[who], ChannelID: msg.ChannelID}
	if msg.GuildID != "" || msg.ChannelID == d.channel {
		spec = discordtest.InteractionSpec{GuildID: d.guild, ChannelID: msg.ChannelID, User: d.users[who], Permissions: discordgo.PermissionViewChannel}
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
			text += fmt.Sprintf("\n(attachment %s, %d bytes)", f.Name, len(f.Data))
		}
	}
	switch {
	case r.Type == discordgo.InteractionResponseModal:
		d.out.message("ephemeral", "only "+who+" sees", "a form opens: "+r.Title)
	case r.Type == discordgo.InteractionResponseUpdateMessage:
		d.out.message("update", "the message "+who+" pressed", text)
	case r.Ephemeral:
		d.out.message("ephemeral", "only "+who+" sees", text)
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

type textTranscript struct{ w *errWriter }

func (t *textTranscript) err() error { return t.w.first }

func (t *textTranscript) title(s string) {
	fmt.Fprintf(t.w, "%s\n%s\n", s, strings.Repeat("=", len(s)))
}
func (t *textTranscript) clock(at time.Time) {
	fmt.Fprintf(t.w, "\n── %s ──\n", at.Format("Monday 2 January 2006, 15:04 MST"))
}
func (t *textTranscript) narrate(s string)        { fmt.Fprintf(t.w, "\n%s\n", s) }
func (t *textTranscript) action(who, what string) { fmt.Fprintf(t.w, "\n▶ %s: %s\n", who, what) }
func (t *textTranscript) message(kind, where, text string) {
	head := map[string]string{
		"ephemeral":   "↳ reply, ephemeral (" + where + ")",
		"update":      "↳ " + where + " now shows",
		"post":        "# " + where + " (everyone in the channel sees)",
		"post-edited": "# " + where + " (edited)",
		"dm":          "✉ " + where,
		"dm-edited":   "✉ " + where + " (edited)",
	}[kind]
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
