package commands

// OptionType is a Discord application command option type.
type OptionType int

// Option types (Discord's numbers).
const (
	OptSubcommand      OptionType = 1
	OptSubcommandGroup OptionType = 2
	OptString          OptionType = 3
	OptInteger         OptionType = 4
	OptBoolean         OptionType = 5
	OptUser            OptionType = 6
	OptChannel         OptionType = 7
	OptRole            OptionType = 8
)

// Command is the definition of a top-level slash command, synced to Discord
// in one bulk overwrite.
type Command struct {
	Name        string
	Description string
	// AdminOnly registers the command with default_member_permissions =
	// Manage Server. Handlers still check the caller's permissions, because a
	// server can grant the command to anyone.
	AdminOnly bool
	Options   []OptionDef
	// scope says which groups its `group` option offers and accepts
	// (scopeMember unless set): the router hands it to the handler with
	// the request.
	scope scope
}

// OptionDef defines an option or a subcommand.
type OptionDef struct {
	Type         OptionType
	Name         string
	Description  string
	Required     bool
	Autocomplete bool
	Choices      []Choice
	MinValue     *float64
	MaxValue     *float64
	MinLength    *int
	MaxLength    *int
	TextChannels bool // channel options: text channels only
	// VoiceChannels: channel options of voice and stage channels only.
	VoiceChannels bool
	Options       []OptionDef
}

// Sub defines a subcommand.
func Sub(name, description string, opts ...OptionDef) OptionDef {
	return OptionDef{Type: OptSubcommand, Name: name, Description: description, Options: opts}
}

// Str defines a string option.
func Str(name, description string, required bool, maxLength int) OptionDef {
	o := OptionDef{Type: OptString, Name: name, Description: description, Required: required}
	if maxLength > 0 {
		o.MaxLength = &maxLength
	}
	return o
}

// Int defines an integer option within [min, max].
func Int(name, description string, required bool, min, max float64) OptionDef {
	return OptionDef{Type: OptInteger, Name: name, Description: description, Required: required, MinValue: &min, MaxValue: &max}
}

// Bool defines a boolean option.
func Bool(name, description string, required bool) OptionDef {
	return OptionDef{Type: OptBoolean, Name: name, Description: description, Required: required}
}

// UserOpt defines a user option.
func UserOpt(name, description string, required bool) OptionDef {
	return OptionDef{Type: OptUser, Name: name, Description: description, Required: required}
}

// TextChannelOpt defines a text-channel option.
func TextChannelOpt(name, description string, required bool) OptionDef {
	return OptionDef{Type: OptChannel, Name: name, Description: description, Required: required, TextChannels: true}
}

// VoiceChannelOpt defines a voice-or-stage-channel option.
func VoiceChannelOpt(name, description string, required bool) OptionDef {
	return OptionDef{Type: OptChannel, Name: name, Description: description, Required: required, VoiceChannels: true}
}

// RoleOpt defines a role option.
func RoleOpt(name, description string, required bool) OptionDef {
	return OptionDef{Type: OptRole, Name: name, Description: description, Required: required}
}

// GroupOpt is the autocompleted `group` option most commands take.
func GroupOpt(required bool) OptionDef {
	one := 1
	fifty := 50
	return OptionDef{Type: OptString, Name: "group", Description: "The group", Required: required, Autocomplete: true, MinLength: &one, MaxLength: &fifty}
}
