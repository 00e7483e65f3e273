package discordtest

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// InteractionSpec says who acts, and where.
type InteractionSpec struct {
	// GuildID is empty for an interaction in a DM with the bot; then the
	// payload carries user and no member, as on Discord.
	GuildID string
	// ChannelID defaults, in a DM, to the user's DM channel.
	ChannelID string
	// User is the acting user's id; in a guild the user must be a member.
	User string
	// Permissions are the member's permissions in the channel, sent as the
	// decimal string member.permissions.
	Permissions int64
	// Locale is the user's client locale; default en-US.
	Locale string
}

// Interaction is one interaction the fake delivered, and what its user saw.
type Interaction struct {
	// ID and Token identify the interaction; both are unique per delivery
	// except through Redeliver.
	ID, Token string
	// Type is the interaction type (2 command, 3 component, 4 autocomplete,
	// 5 modal submit).
	Type discordgo.InteractionType
	// ChannelID is where the interaction happened (the DM channel in a DM).
	ChannelID string

	srv      *Server
	payload  json.RawMessage // the d of INTERACTION_CREATE
	created  time.Time
	sourceID string // the message a component is on

	// Guarded by srv.mu.
	reply       *Reply
	originalID  string
	edited      bool
	followupIDs []string
}

// Reply is the initial callback to an interaction, as its user saw it.
type Reply struct {
	// Type is the callback type: 4 message, 5 deferred message, 6 deferred
	// update, 7 update message, 8 autocomplete result, 9 modal.
	Type            discordgo.InteractionResponseType
	Content         string
	Ephemeral       bool // flag 64: only the user saw it
	Flags           discordgo.MessageFlags
	Embeds          []*discordgo.MessageEmbed
	Components      []discordgo.MessageComponent
	Choices         []*discordgo.ApplicationCommandOptionChoice // type 8
	Files           []File
	AllowedMentions *discordgo.MessageAllowedMentions
	CustomID, Title string // type 9
	// Message is the message showing the reply, if the callback made or
	// changed one.
	Message *discordgo.Message
}

// wireInteraction is INTERACTION_CREATE's payload as Discord sends it.
type wireInteraction struct {
	ID             string                    `json:"id"`
	ApplicationID  string                    `json:"application_id"`
	Type           discordgo.InteractionType `json:"type"`
	Data           any                       `json:"data"`
	GuildID        string                    `json:"guild_id,omitempty"`
	ChannelID      string                    `json:"channel_id"`
	Channel        *discordgo.Channel        `json:"channel,omitempty"`
	Member         *discordgo.Member         `json:"member,omitempty"`
	User           *discordgo.User           `json:"user,omitempty"`
	Token          string                    `json:"token"`
	Version        int                       `json:"version"`
	Message        any                       `json:"message,omitempty"`
	AppPermissions string                    `json:"app_permissions"`
	Locale         string                    `json:"locale"`
	GuildLocale    string                    `json:"guild_locale,omitempty"`
	Entitlements   []any                     `json:"entitlements"`
	Owners         map[string]string         `json:"authorizing_integration_owners"`
	Context        int                       `json:"context"`
}

type wireCommandData struct {
	ID       string                                               `json:"id"`
	Name     string                                               `json:"name"`
	Type     discordgo.ApplicationCommandType                     `json:"type"`
	GuildID  string                                               `json:"guild_id,omitempty"`
	Options  []*discordgo.ApplicationCommandInteractionDataOption `json:"options,omitempty"`
	Resolved *discordgo.ApplicationCommandInteractionDataResolved `json:"resolved,omitempty"`
}

// SlashCommand delivers an APPLICATION_COMMAND interaction. name may name a
// subcommand ("group create") or a subcommand of a group ("a b c"); the
// options go to the innermost one.
func (s *Server) SlashCommand(spec InteractionSpec, name string, options ...*discordgo.ApplicationCommandInteractionDataOption) *Interaction {
	return s.command(discordgo.InteractionApplicationCommand, spec, name, "", options)
}

// Autocomplete delivers an APPLICATION_COMMAND_AUTOCOMPLETE interaction with
// the option named focused marked as focused (added as an empty string if it
// is not among options).
func (s *Server) Autocomplete(spec InteractionSpec, name, focused string, options ...*discordgo.ApplicationCommandInteractionDataOption) *Interaction {
	return s.command(discordgo.InteractionApplicationCommandAutocomplete, spec, name, focused, options)
}

func (s *Server) command(typ discordgo.InteractionType, spec InteractionSpec, name, focused string, options []*discordgo.ApplicationCommandInteractionDataOption) *Interaction {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	parts := strings.Fields(name)
	if len(parts) == 0 || len(parts) > 3 {
		s.t.Fatalf("discordtest: bad command name %q", name)
	}
	opts := make([]*discordgo.ApplicationCommandInteractionDataOption, 0, len(options)+1)
	for _, o := range options {
		cp := *o
		cp.Focused = focused != "" && o.Name == focused
		opts = append(opts, &cp)
	}
	if focused != "" && !hasOption(opts, focused) {
		opts = append(opts, &discordgo.ApplicationCommandInteractionDataOption{Name: focused, Type: discordgo.ApplicationCommandOptionString, Value: "", Focused: true})
	}
	data := &wireCommandData{Name: parts[0], Type: discordgo.ChatApplicationCommand, GuildID: spec.GuildID}
	data.Resolved = s.resolveLocked(spec.GuildID, opts)
	switch len(parts) {
	case 1:
		data.Options = opts
	case 2:
		data.Options = subcommand(parts[1], discordgo.ApplicationCommandOptionSubCommand, opts)
	case 3:
		data.Options = subcommand(parts[1], discordgo.ApplicationCommandOptionSubCommandGroup,
			subcommand(parts[2], discordgo.ApplicationCommandOptionSubCommand, opts))
	}
	if c := s.findCommand(spec.GuildID, parts[0], discordgo.ChatApplicationCommand); c != nil {
		data.ID = c.ID
	} else {
		data.ID = s.newIDLocked()
	}
	return s.deliverLocked(typ, spec, data, nil)
}

func subcommand(name string, typ discordgo.ApplicationCommandOptionType, opts []*discordgo.ApplicationCommandInteractionDataOption) []*discordgo.ApplicationCommandInteractionDataOption {
	return []*discordgo.ApplicationCommandInteractionDataOption{{Name: name, Type: typ, Options: opts}}
}

func hasOption(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) bool {
	for _, o := range opts {
		if o.Name == name {
			return true
		}
	}
	return false
}

// resolveLocked fills data.resolved for USER, CHANNEL and ROLE options.
func (s *Server) resolveLocked(guildID string, opts []*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataResolved {
	var res discordgo.ApplicationCommandInteractionDataResolved
	found := false
	for _, o := range opts {
		id, _ := o.Value.(string)
		switch o.Type {
		case discordgo.ApplicationCommandOptionUser:
			u := s.mustUser(id)
			if res.Users == nil {
				res.Users, res.Members = map[string]*discordgo.User{}, map[string]*discordgo.Member{}
			}
			res.Users[id] = u
			if g := s.guilds[guildID]; g != nil && g.members[id] != nil {
				res.Members[id] = g.members[id]
			}
		case discordgo.ApplicationCommandOptionChannel:
			ch, ok := s.channels[id]
			if !ok {
				s.t.Fatalf("discordtest: option %q: unknown channel %q", o.Name, id)
			}
			if res.Channels == nil {
				res.Channels = map[string]*discordgo.Channel{}
			}
			res.Channels[id] = ch
		case discordgo.ApplicationCommandOptionRole:
			g := s.guilds[guildID]
			if g == nil || g.roles[id] == nil {
				s.t.Fatalf("discordtest: option %q: unknown role %q in guild %q", o.Name, id, guildID)
			}
			if res.Roles == nil {
				res.Roles = map[string]*discordgo.Role{}
			}
			res.Roles[id] = g.roles[id]
		default:
			continue
		}
		found = true
	}
	if !found {
		return nil
	}
	return &res
}

// Button delivers a MESSAGE_COMPONENT interaction for a button with customID
// on message msg (as stored now, so pass any version of it).
func (s *Server) Button(spec InteractionSpec, msg *discordgo.Message, customID string) *Interaction {
	return s.component(spec, msg, customID, discordgo.ButtonComponent, nil)
}

// Select delivers a MESSAGE_COMPONENT interaction for a string select menu.
func (s *Server) Select(spec InteractionSpec, msg *discordgo.Message, customID string, values ...string) *Interaction {
	return s.component(spec, msg, customID, discordgo.SelectMenuComponent, orEmpty(values))
}

func (s *Server) component(spec InteractionSpec, msg *discordgo.Message, customID string, ct discordgo.ComponentType, values []string) *Interaction {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	sm := s.msgs[msg.ID]
	if sm == nil || sm.deleted {
		s.t.Fatalf("discordtest: component on unknown or deleted message %q", msg.ID)
	}
	cur := sm.current()
	if spec.ChannelID == "" {
		spec.ChannelID = cur.ChannelID
	}
	if spec.GuildID == "" {
		spec.GuildID = cur.GuildID
	}
	data := map[string]any{"custom_id": customID, "component_type": ct}
	if values != nil {
		data["values"] = values
	}
	return s.deliverLocked(discordgo.InteractionMessageComponent, spec, data, cur)
}

// ModalSubmit delivers a MODAL_SUBMIT interaction with one text input per
// field, in key order.
func (s *Server) ModalSubmit(spec InteractionSpec, customID string, fields map[string]string) *Interaction {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	rows := []any{}
	for _, k := range keys {
		rows = append(rows, map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": k, "value": fields[k]}}})
	}
	return s.deliverLocked(discordgo.InteractionModalSubmit, spec, map[string]any{"custom_id": customID, "components": rows}, nil)
}

func (s *Server) deliverLocked(typ discordgo.InteractionType, spec InteractionSpec, data any, msg *discordgo.Message) *Interaction {
	user := s.mustUser(spec.User)
	w := wireInteraction{
		ID: s.newIDLocked(), ApplicationID: s.AppID, Type: typ, Data: data, Token: "tok" + s.newIDLocked(),
		Version: 1, AppPermissions: strconv.FormatInt(s.botPerms, 10), Locale: spec.Locale,
		Entitlements: []any{}, Owners: map[string]string{},
	}
	if w.Locale == "" {
		w.Locale = "en-US"
	}
	if msg != nil {
		w.Message = messageJSON(msg)
	}
	if spec.GuildID == "" {
		ch := s.channels[spec.ChannelID]
		if spec.ChannelID == "" {
			ch = s.dmChannelLocked(spec.User)
		}
		if ch == nil || ch.Type != discordgo.ChannelTypeDM {
			s.t.Fatalf("discordtest: interaction without guild needs a DM channel, got %q", spec.ChannelID)
		}
		w.ChannelID, w.Channel, w.User, w.Context = ch.ID, ch, user, 1
		w.Owners["1"] = spec.User
	} else {
		g := s.mustGuild(spec.GuildID)
		m := g.members[spec.User]
		if m == nil {
			s.t.Fatalf("discordtest: user %q is not a member of guild %q; call AddMember first", spec.User, spec.GuildID)
		}
		ch := s.channels[spec.ChannelID]
		if ch == nil || ch.GuildID != spec.GuildID {
			s.t.Fatalf("discordtest: unknown channel %q in guild %q", spec.ChannelID, spec.GuildID)
		}
		member := *m
		member.User, member.Permissions = user, spec.Permissions
		w.GuildID, w.ChannelID, w.Channel, w.Member, w.GuildLocale = g.id, ch.ID, ch, &member, g.preferredLocale()
		w.Owners["0"] = g.id
	}
	ix := &Interaction{ID: w.ID, Token: w.Token, Type: typ, ChannelID: w.ChannelID, srv: s, payload: mustJSON(w), created: s.now()}
	if msg != nil {
		ix.sourceID = msg.ID
	}
	s.ixByID[ix.ID] = ix
	s.ixByToken[ix.Token] = ix
	s.dispatchLocked("INTERACTION_CREATE", w.GuildID, 0, ix.payload)
	s.notifyLocked()
	return ix
}

// Redeliver sends the same INTERACTION_CREATE again, same id and token, as
// Discord may after a gateway hiccup; a second callback gets 40060.
func (s *Server) Redeliver(ix *Interaction) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var w struct {
		GuildID string `json:"guild_id"`
	}
	_ = json.Unmarshal(ix.payload, &w)
	s.dispatchLocked("INTERACTION_CREATE", w.GuildID, 0, ix.payload)
	s.notifyLocked()
}

// Payload returns the interaction as the bot received it.
func (ix *Interaction) Payload() *discordgo.Interaction {
	var out discordgo.Interaction
	_ = json.Unmarshal(ix.payload, &out)
	return &out
}

// Wait blocks until the bot has sent the initial callback and returns it.
func (ix *Interaction) Wait(ctx context.Context) (*Reply, error) {
	var r *Reply
	err := ix.srv.WaitFor(ctx, func() bool {
		ix.srv.mu.Lock()
		defer ix.srv.mu.Unlock()
		r = ix.reply
		return r != nil
	})
	if err != nil {
		return nil, err
	}
	cp := *r
	return &cp, nil
}

// WaitFinal is Wait, except that after a deferred callback (5 or 6) it also
// waits until the original response was edited and returns what the user
// finally saw. Type stays the callback's type.
func (ix *Interaction) WaitFinal(ctx context.Context) (*Reply, error) {
	r, err := ix.Wait(ctx)
	if err != nil || (r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource && r.Type != discordgo.InteractionResponseDeferredMessageUpdate) {
		return r, err
	}
	s := ix.srv
	var final *Reply
	err = s.WaitFor(ctx, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		if !ix.edited {
			return false
		}
		sm := s.msgs[ix.originalID]
		m := sm.current()
		final = &Reply{Type: r.Type, Content: m.Content, Flags: m.Flags, Ephemeral: m.Flags&discordgo.MessageFlagsEphemeral != 0,
			Embeds: m.Embeds, Components: m.Components, Files: append([]File(nil), sm.files...), Message: m}
		return true
	})
	return final, err
}

// Followups returns the current versions of the followup messages sent for
// this interaction.
func (ix *Interaction) Followups() []*discordgo.Message {
	s := ix.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.Message
	for _, id := range ix.followupIDs {
		if sm := s.msgs[id]; !sm.deleted {
			out = append(out, sm.current())
		}
	}
	return out
}

// Original returns the current original response message, or nil.
func (ix *Interaction) Original() *discordgo.Message {
	s := ix.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	if sm := s.msgs[ix.originalID]; sm != nil && !sm.deleted {
		return sm.current()
	}
	return nil
}
