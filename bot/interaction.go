package bot

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/commands"
	"github.com/hearthbot/hearth/locale"
)

// handlerTimeout bounds a handler: an interaction token lives 15 minutes.
const handlerTimeout = 14 * time.Minute

type result struct {
	resp     *commands.Response
	err      error
	panicked bool
	took     time.Duration // how long the handler ran, for monitoring
}

// onInteraction answers one interaction: it runs the handler, answers within
// Discord's 3 seconds (deferring when the handler is slow), and turns errors
// and panics into ephemeral replies.
func (b *Bot) onInteraction(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
	i := ic.Interaction
	if i.Type == discordgo.InteractionPing || b.closing.Load() {
		return
	}
	if !b.seen.add(i.ID) {
		b.log.Info("duplicate interaction ignored", "interaction", i.ID)
		return
	}
	b.inflight.Add(1)
	defer b.inflight.Done()

	req := toRequest(i, b.now())
	ctx, cancel := context.WithTimeout(context.Background(), handlerTimeout)
	defer cancel()

	switch {
	case req.Kind == commands.KindAutocomplete:
		b.finish(ctx, i, req, b.run(ctx, req), false)
		return
	case b.router.IsSlow(req):
		if b.deferOrLog(ctx, i, req) {
			b.finish(ctx, i, req, b.run(ctx, req), true)
		}
		return
	}
	// The handler runs on this goroutine (discordgo gives each event its
	// own), so a quick answer costs no hand-over; if it still runs after
	// deferAfter, a timer defers the answer meanwhile. state says which came
	// first, and an answer waits for a deferral under way.
	const (
		running = iota
		answered
		deferring
	)
	var state atomic.Int32
	accepted := make(chan bool, 1)
	timer := time.AfterFunc(b.deferAfter, func() {
		if state.CompareAndSwap(running, deferring) {
			accepted <- b.deferOrLog(ctx, i, req)
		}
	})
	res := b.run(ctx, req)
	if state.CompareAndSwap(running, answered) {
		timer.Stop()
		b.finish(ctx, i, req, res, false)
		return
	}
	if <-accepted {
		b.finish(ctx, i, req, res, true)
	}
}

// deferOrLog defers the answer to an interaction; when Discord refuses, it
// logs and counts the interaction as unanswered and reports false.
func (b *Bot) deferOrLog(ctx context.Context, i *discordgo.Interaction, req *commands.Request) bool {
	if err := b.deferResponse(ctx, i, req); err != nil {
		// classify: a *url.Error would name the URL, which holds the interaction token.
		b.log.Error("unable to defer interaction", "interaction", i.ID, "command", route(req), "error", classify(err))
		b.obs.Interaction(b.router.Route(req), OutcomeUnanswered, 0)
		return false
	}
	return true
}

// run calls the handler, turning a panic into an internal error.
func (b *Bot) run(ctx context.Context, req *commands.Request) (res result) {
	// Elapsed work, not domain time: measured on the real clock.
	start := time.Now()
	defer func() { res.took = time.Since(start) }()
	defer func() {
		if p := recover(); p != nil {
			// The panic value is not logged: it could hold what a member typed.
			kind := fmt.Sprintf("%T", p)
			if re, ok := p.(runtime.Error); ok {
				kind = re.Error()
			}
			b.log.Error("handler panicked", "interaction", req.InteractionID, "command", route(req),
				"user", req.User.ID, "guild", req.GuildID, "panic", kind, "stack", string(debug.Stack()))
			res = result{err: fmt.Errorf("handler panicked"), panicked: true}
		}
	}()
	resp, err := b.router.Dispatch(ctx, req)
	if err == nil && resp == nil {
		err = fmt.Errorf("handler returned no response")
	}
	return result{resp: resp, err: err}
}

// finish sends the handler's answer, or the error, as the first response or
// as the completion of a deferred one.
func (b *Bot) finish(ctx context.Context, i *discordgo.Interaction, req *commands.Request, res result, deferred bool) {
	resp := res.resp
	if res.err != nil {
		if hearth.ErrorCode(res.err) == hearth.EINTERNAL {
			b.log.Error("interaction failed", "interaction", i.ID, "command", route(req),
				"user", req.User.ID, "guild", req.GuildID, "error", res.err)
		}
		if req.Kind == commands.KindAutocomplete {
			resp = commands.Choices(nil)
		} else {
			resp = commands.Ephemeral(errorMessage(req.Lang, res.err))
		}
	}
	var err error
	if deferred {
		err = b.completeDeferred(ctx, i, resp)
	} else {
		ir := toInteractionResponse(resp)
		if resp.Type == commands.ReplyChoices {
			// The option's type as defined: the one Discord checks choices against.
			typeChoices(ir.Data.Choices, discordgo.ApplicationCommandOptionType(b.router.OptionType(req.Path, req.Focused)))
		}
		err = b.s.InteractionRespond(i, ir, discordgo.WithContext(ctx))
	}
	if err == nil && resp.Type == commands.ReplyMessage {
		err = b.followups(ctx, i, resp.Followups)
	}
	outcome := outcomeOf(res)
	if err != nil {
		b.log.Error("unable to answer interaction", "interaction", i.ID, "command", route(req), "error", classify(err))
		outcome = OutcomeUnanswered
	}
	b.obs.Interaction(b.router.Route(req), outcome, res.took)
}

// outcomeOf classifies a handler's result for monitoring.
func outcomeOf(res result) string {
	switch {
	case res.err == nil:
		return OutcomeOK
	case res.panicked:
		return OutcomePanic
	case hearth.ErrorCode(res.err) == hearth.EINTERNAL:
		return OutcomeError
	}
	return OutcomeRefused
}

func (b *Bot) deferResponse(ctx context.Context, i *discordgo.Interaction, req *commands.Request) error {
	r := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
	if req.Kind == commands.KindCommand || req.Kind == commands.KindModal {
		// A deferred reply is always ephemeral: hearth's answers carry personal
		// information or errors, and the flag cannot change afterwards.
		r = &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
		}
	}
	return b.s.InteractionRespond(i, r, discordgo.WithContext(ctx))
}

// followups sends the rest of a reply too long for one message, in order.
func (b *Bot) followups(ctx context.Context, i *discordgo.Interaction, ms []hearth.Message) error {
	for _, m := range ms {
		_, err := b.s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{
			Content:         m.Content,
			Embeds:          toEmbeds(m.Embeds),
			Components:      toComponents(m.Buttons),
			AllowedMentions: allowedMentions(&m),
			Flags:           flags(&m),
		}, discordgo.WithContext(ctx))
		if err != nil {
			return err
		}
	}
	return nil
}

func (b *Bot) completeDeferred(ctx context.Context, i *discordgo.Interaction, resp *commands.Response) error {
	m := &resp.Message
	if i.Type == discordgo.InteractionMessageComponent && resp.Type == commands.ReplyMessage {
		// The button's message was acknowledged with a deferred update; a new
		// reply is a follow-up message.
		_, err := b.s.FollowupMessageCreate(i, true, &discordgo.WebhookParams{
			Content:         m.Content,
			Embeds:          toEmbeds(m.Embeds),
			Components:      toComponents(m.Buttons),
			Files:           toFiles(m.Files),
			AllowedMentions: allowedMentions(m),
			Flags:           flags(m),
		}, discordgo.WithContext(ctx))
		return err
	}
	if resp.Type == commands.ReplyChoices || resp.Type == commands.ReplyModal {
		return fmt.Errorf("response type %d cannot follow a deferral", resp.Type)
	}
	content := m.Content
	embeds := toEmbeds(m.Embeds)
	components := toComponents(m.Buttons)
	_, err := b.s.InteractionResponseEdit(i, &discordgo.WebhookEdit{
		Content:         &content,
		Embeds:          &embeds,
		Components:      &components,
		Files:           toFiles(m.Files),
		AllowedMentions: allowedMentions(m),
	}, discordgo.WithContext(ctx))
	return err
}

// errorMessage is what the caller reads about err, in their language: a
// domain error's catalog message, a handler's message (already in the
// caller's language), or the apology for an internal error.
func errorMessage(l locale.Lang, err error) string { return hearth.ErrorMessageIn(err, l) }

// route names what an interaction asked for, for logs: ids and names only.
func route(r *commands.Request) string {
	switch r.Kind {
	case commands.KindCommand:
		return r.Path
	case commands.KindAutocomplete:
		return r.Path + " autocomplete " + r.Focused
	default:
		// Custom ids are built from ids by hearth, never from text.
		return r.CustomID
	}
}

// toRequest converts a discordgo interaction into a commands.Request.
func toRequest(i *discordgo.Interaction, now time.Time) *commands.Request {
	r := &commands.Request{
		InteractionID: i.ID,
		GuildID:       i.GuildID,
		ChannelID:     i.ChannelID,
		Now:           now,
		Options:       map[string]commands.Option{},
		Lang:          locale.FromDiscord(string(i.Locale)),
	}
	if i.GuildLocale != nil {
		r.GuildLang = locale.FromDiscord(string(*i.GuildLocale))
	}
	if i.Member != nil {
		r.Permissions = i.Member.Permissions
		r.MemberRoles = i.Member.Roles
		if i.Member.User != nil {
			r.User = toUser(i.Member.User)
		}
	} else if i.User != nil {
		r.User = toUser(i.User)
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		r.Kind = commands.KindCommand
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			r.Kind = commands.KindAutocomplete
		}
		data := i.ApplicationCommandData()
		r.Path = data.Name
		opts := data.Options
		// Descend through subcommand groups and subcommands.
		for len(opts) == 1 && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand ||
			opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
			r.Path += " " + opts[0].Name
			opts = opts[0].Options
		}
		for _, o := range opts {
			if o.Focused {
				r.Focused = o.Name
			}
			r.Options[o.Name] = toOption(o, data.Resolved)
		}
	case discordgo.InteractionMessageComponent:
		r.Kind = commands.KindComponent
		r.CustomID = i.MessageComponentData().CustomID
		if i.Message != nil {
			r.MessageID = i.Message.ID
		}
	case discordgo.InteractionModalSubmit:
		r.Kind = commands.KindModal
		data := i.ModalSubmitData()
		r.CustomID = data.CustomID
		r.Fields = map[string]string{}
		for _, row := range data.Components {
			if ar, ok := row.(*discordgo.ActionsRow); ok {
				for _, c := range ar.Components {
					if ti, ok := c.(*discordgo.TextInput); ok {
						r.Fields[ti.CustomID] = ti.Value
					}
				}
			}
		}
	}
	return r
}

func toUser(u *discordgo.User) commands.User {
	name := u.GlobalName
	if name == "" {
		name = u.Username
	}
	return commands.User{ID: u.ID, Name: name, Bot: u.Bot}
}

func toOption(o *discordgo.ApplicationCommandInteractionDataOption, res *discordgo.ApplicationCommandInteractionDataResolved) commands.Option {
	var out commands.Option
	switch v := o.Value.(type) {
	case string:
		out.String = v
	case float64:
		out.Int = int64(v)
	case bool:
		out.Bool = v
	}
	id, _ := o.Value.(string)
	switch o.Type {
	case discordgo.ApplicationCommandOptionInteger:
		if out.String != "" { // partial input during autocomplete
			out.Int, _ = strconv.ParseInt(out.String, 10, 64)
		}
	case discordgo.ApplicationCommandOptionUser:
		u := commands.User{ID: id}
		if res != nil && res.Users[id] != nil {
			u = toUser(res.Users[id])
		}
		out.User = &u
	case discordgo.ApplicationCommandOptionChannel:
		c := commands.Channel{ID: id}
		if res != nil && res.Channels[id] != nil {
			ch := res.Channels[id]
			c.Name = ch.Name
			c.Text = ch.Type == discordgo.ChannelTypeGuildText
			c.Voice = ch.Type == discordgo.ChannelTypeGuildVoice || ch.Type == discordgo.ChannelTypeGuildStageVoice
		}
		out.Channel = &c
	case discordgo.ApplicationCommandOptionRole:
		out.RoleID = id
		if res != nil && res.Roles[id] != nil {
			role := toRole(res.Roles[id])
			out.Role = &role
		}
	}
	return out
}
