package commands

import (
	"fmt"
	"strings"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// Kind is the kind of interaction a Request comes from.
type Kind int

// Interaction kinds.
const (
	KindCommand Kind = iota + 1
	KindAutocomplete
	KindComponent // a button press
	KindModal
)

// User is a Discord user as an interaction shows it.
type User struct {
	ID   string
	Name string
	Bot  bool
}

// Channel is a channel picked in an option.
type Channel struct {
	ID   string
	Name string
	Text bool // a guild text channel
	// Voice: a voice or stage channel.
	Voice bool
}

// Discord permission bits hearth checks.
const (
	PermAdministrator int64 = 1 << 3
	PermManageGuild   int64 = 1 << 5
)

// Request is one interaction, as a handler sees it.
type Request struct {
	Kind          Kind
	InteractionID string
	GuildID       string // empty in DMs
	ChannelID     string
	User          User
	Permissions   int64    // the caller's permissions where the interaction happened
	MemberRoles   []string // the caller's role ids in the server (not @everyone)
	Path          string   // command path such as "group create"
	Options       map[string]Option
	Focused       string            // autocomplete: the option being typed
	CustomID      string            // component or modal custom id
	MessageID     string            // component: the message the button is on
	Fields        map[string]string // modal fields by custom id
	Now           time.Time
	// Lang is the language of the reply: the interaction's locale (SPEC
	// §10). GuildLang is the server's preferred locale, the default of a new
	// group's language.
	Lang      locale.Lang
	GuildLang locale.Lang
	// Dashboard: the request comes from the web dashboard, whose language
	// is the viewer's choice or their browser's, not a Discord locale, so
	// it is not remembered as the language of their DMs.
	Dashboard bool

	scope scope // of the command, from its definition (set by the router)
}

// T returns catalog message k in the caller's language.
func (r *Request) T(k locale.Key, args ...locale.Arg) string { return locale.T(r.Lang, k, args...) }

// Option is one command option value; only the field of its type is set.
type Option struct {
	String  string
	Int     int64
	Bool    bool
	User    *User
	Channel *Channel
	RoleID  string
	Role    *Role // the role as the interaction resolved it, when it did
}

// Has reports whether the option was given.
func (r *Request) Has(name string) bool { _, ok := r.Options[name]; return ok }

// String returns a string option, trimmed, or "".
func (r *Request) String(name string) string { return strings.TrimSpace(r.Options[name].String) }

// Int returns an integer option and whether it was given.
func (r *Request) Int(name string) (int64, bool) { o, ok := r.Options[name]; return o.Int, ok }

// Bool returns a boolean option and whether it was given.
func (r *Request) Bool(name string) (bool, bool) { o, ok := r.Options[name]; return o.Bool, ok }

// UserOption returns a user option, or nil.
func (r *Request) UserOption(name string) *User { return r.Options[name].User }

// ChannelOption returns a channel option, or nil.
func (r *Request) ChannelOption(name string) *Channel { return r.Options[name].Channel }

// IsAdmin reports whether the caller may manage the server.
func (r *Request) IsAdmin() bool {
	return r.Permissions&(PermManageGuild|PermAdministrator) != 0
}

// Arg returns the n-th colon-separated argument of the custom id after the
// route, e.g. Arg(0) of "alert:ack:42" routed as "alert:ack" is "42".
func (r *Request) Arg(route string, n int) string {
	rest := strings.TrimPrefix(r.CustomID, route+":")
	if rest == r.CustomID {
		return ""
	}
	parts := strings.Split(rest, ":")
	if n < len(parts) {
		return parts[n]
	}
	return ""
}

// ResponseType says how the bot answers.
type ResponseType int

// Response types.
const (
	ReplyMessage  ResponseType = iota // a new message (ephemeral if Message.Ephemeral)
	UpdateMessage                     // edit the message the button is on
	ReplyChoices                      // autocomplete choices
	ReplyModal                        // open a modal
)

// Choice is an autocomplete choice or an option's fixed choice.
type Choice struct {
	Name  string
	Value string
}

// Modal is a form with text inputs.
type Modal struct {
	CustomID string
	Title    string
	Inputs   []TextInput
}

// TextInput is one field of a modal.
type TextInput struct {
	CustomID  string
	Label     string
	Paragraph bool
	Required  bool
	MaxLength int
	// Placeholder is the hint shown in an empty field (at most 100 characters).
	Placeholder string
}

// Response is what a handler returns; the bot sends it.
type Response struct {
	Type    ResponseType
	Message hearth.Message
	Choices []Choice
	Modal   *Modal
	// Followups are more messages sent after Message, in order, for a
	// reply too long for one (a large group's rota). Replies only.
	Followups []hearth.Message
}

// Ephemeral returns an ephemeral text reply.
func Ephemeral(content string) *Response {
	return &Response{Message: hearth.Message{Content: content, Ephemeral: true}}
}

// Ephemeralf returns an ephemeral text reply formatted with fmt.Sprintf.
func Ephemeralf(format string, args ...any) *Response {
	return Ephemeral(fmt.Sprintf(format, args...))
}

// Reply returns a reply with the given message.
func Reply(m hearth.Message) *Response { return &Response{Message: m} }

// Update returns an edit of the message a button is on.
func Update(m hearth.Message) *Response { return &Response{Type: UpdateMessage, Message: m} }

// Choices returns autocomplete choices (at most 25 are sent).
func Choices(c []Choice) *Response {
	if len(c) > 25 {
		c = c[:25]
	}
	return &Response{Type: ReplyChoices, Choices: c}
}
