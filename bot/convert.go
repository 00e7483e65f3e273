package bot

import (
	"bytes"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/commands"
	"github.com/hearthbot/hearth/locale"
)

// toInteractionResponse converts a handler's response into Discord's shape.
func toInteractionResponse(r *commands.Response) *discordgo.InteractionResponse {
	switch r.Type {
	case commands.ReplyChoices:
		choices := make([]*discordgo.ApplicationCommandOptionChoice, 0, len(r.Choices))
		for _, c := range r.Choices {
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: c.Name, Value: c.Value})
		}
		return &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: choices},
		}
	case commands.ReplyModal:
		var rows []discordgo.MessageComponent
		for _, in := range r.Modal.Inputs {
			style := discordgo.TextInputShort
			if in.Paragraph {
				style = discordgo.TextInputParagraph
			}
			rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.TextInput{CustomID: in.CustomID, Label: in.Label, Style: style, Required: in.Required, MaxLength: in.MaxLength, Placeholder: in.Placeholder},
			}})
		}
		return &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseModal,
			Data: &discordgo.InteractionResponseData{CustomID: r.Modal.CustomID, Title: r.Modal.Title, Components: rows},
		}
	}
	typ := discordgo.InteractionResponseChannelMessageWithSource
	if r.Type == commands.UpdateMessage {
		typ = discordgo.InteractionResponseUpdateMessage
	}
	m := &r.Message
	data := &discordgo.InteractionResponseData{
		Content:         m.Content,
		Embeds:          toEmbeds(m.Embeds),
		Components:      toComponents(m.Buttons),
		Files:           toFiles(m.Files),
		AllowedMentions: allowedMentions(m),
		Flags:           flags(m),
	}
	if r.Type == commands.UpdateMessage {
		// An update keeps the message's flags; clearing the lists is explicit.
		data.Flags = 0
		if data.Embeds == nil {
			data.Embeds = []*discordgo.MessageEmbed{}
		}
		if data.Components == nil {
			data.Components = []discordgo.MessageComponent{}
		}
	}
	return &discordgo.InteractionResponse{Type: typ, Data: data}
}

// typeChoices gives autocomplete choices the type of their option: Discord
// refuses a string value for an integer or number option. Handlers return
// values as text; a value that is not a number of the option's type is a
// handler bug and is left as text, so Discord's refusal shows it.
func typeChoices(cs []*discordgo.ApplicationCommandOptionChoice, t discordgo.ApplicationCommandOptionType) {
	for _, c := range cs {
		s, ok := c.Value.(string)
		if !ok {
			continue
		}
		switch t {
		case discordgo.ApplicationCommandOptionInteger:
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				c.Value = n
			}
		case discordgo.ApplicationCommandOptionNumber:
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				c.Value = f
			}
		}
	}
}

func flags(m *hearth.Message) discordgo.MessageFlags {
	if m.Ephemeral {
		return discordgo.MessageFlagsEphemeral
	}
	return 0
}

// allowedMentions pings only the users the message names, never roles or
// @everyone, whatever the text contains.
func allowedMentions(m *hearth.Message) *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, Users: m.MentionUsers}
}

func toEmbeds(es []hearth.Embed) []*discordgo.MessageEmbed {
	if len(es) == 0 {
		return nil
	}
	out := make([]*discordgo.MessageEmbed, 0, len(es))
	for _, e := range es {
		me := &discordgo.MessageEmbed{Title: e.Title, Description: e.Description, Color: e.Color}
		if !e.Timestamp.IsZero() {
			me.Timestamp = e.Timestamp.UTC().Format(time.RFC3339)
		}
		for _, f := range e.Fields {
			me.Fields = append(me.Fields, &discordgo.MessageEmbedField{Name: f.Name, Value: f.Value, Inline: f.Inline})
		}
		out = append(out, me)
	}
	return out
}

func toComponents(rows [][]hearth.Button) []discordgo.MessageComponent {
	if len(rows) == 0 {
		return nil
	}
	out := make([]discordgo.MessageComponent, 0, len(rows))
	for _, row := range rows {
		ar := discordgo.ActionsRow{}
		for _, b := range row {
			style := discordgo.ButtonStyle(b.Style)
			if style == 0 {
				style = discordgo.SecondaryButton
			}
			ar.Components = append(ar.Components, discordgo.Button{Label: b.Label, CustomID: b.CustomID, Style: style, Disabled: b.Disabled})
		}
		out = append(out, ar)
	}
	return out
}

func toFiles(fs []hearth.File) []*discordgo.File {
	if len(fs) == 0 {
		return nil
	}
	out := make([]*discordgo.File, 0, len(fs))
	for _, f := range fs {
		out = append(out, &discordgo.File{Name: f.Name, ContentType: f.ContentType, Reader: bytes.NewReader(f.Data)})
	}
	return out
}

// toApplicationCommand converts a definition into Discord's shape.
func toApplicationCommand(c commands.Command) *discordgo.ApplicationCommand {
	ac := &discordgo.ApplicationCommand{
		Name:        c.Name,
		Description: c.Description,
		Options:     toOptions(c.Name, c.Options),
	}
	ac.DescriptionLocalizations = localizations(c.Name, "", "", c.Description)
	// Every hearth command is guild-only; discordgo v0.28.1 says so with
	// dm_permission (it predates contexts).
	noDM := false
	ac.DMPermission = &noDM
	if c.AdminOnly {
		perm := commands.PermManageGuild
		ac.DefaultMemberPermissions = &perm
	}
	return ac
}

// localizations returns the Spanish texts of a description or choice name
// for the Spanish Discord locales (SPEC §10), or nil when the catalog has
// none (Discord then shows the English).
func localizations(path, option, choice, english string) *map[discordgo.Locale]string {
	text, ok := locale.Spanish.Registration(path, option, choice, english)
	if !ok {
		return nil
	}
	m := map[discordgo.Locale]string{}
	for _, l := range locale.Spanish.DiscordLocales() {
		m[discordgo.Locale(l)] = text
	}
	return &m
}

// toOptions converts the options of the command path (names stay English).
func toOptions(path string, defs []commands.OptionDef) []*discordgo.ApplicationCommandOption {
	out := make([]*discordgo.ApplicationCommandOption, 0, len(defs))
	for _, d := range defs {
		sub := d.Type == commands.OptSubcommand || d.Type == commands.OptSubcommandGroup
		optPath, optName := path, d.Name
		if sub {
			optPath, optName = path+" "+d.Name, ""
		}
		o := &discordgo.ApplicationCommandOption{
			Type:         discordgo.ApplicationCommandOptionType(d.Type),
			Name:         d.Name,
			Description:  d.Description,
			Required:     d.Required,
			Autocomplete: d.Autocomplete,
			MinValue:     d.MinValue,
			Options:      toOptions(optPath, d.Options),
		}
		if l := localizations(optPath, optName, "", d.Description); l != nil {
			o.DescriptionLocalizations = *l
		}
		if d.MaxValue != nil {
			o.MaxValue = *d.MaxValue
		}
		if d.MinLength != nil {
			o.MinLength = d.MinLength
		}
		if d.MaxLength != nil {
			o.MaxLength = *d.MaxLength
		}
		if d.TextChannels {
			o.ChannelTypes = []discordgo.ChannelType{discordgo.ChannelTypeGuildText}
		}
		if d.VoiceChannels {
			o.ChannelTypes = []discordgo.ChannelType{discordgo.ChannelTypeGuildVoice, discordgo.ChannelTypeGuildStageVoice}
		}
		for _, c := range d.Choices {
			ch := &discordgo.ApplicationCommandOptionChoice{Name: c.Name, Value: c.Value}
			if l := localizations(optPath, optName, c.Value, c.Name); l != nil {
				ch.NameLocalizations = *l
			}
			o.Choices = append(o.Choices, ch)
		}
		out = append(out, o)
	}
	return out
}
