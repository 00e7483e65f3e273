package discordtest

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Discord's limits that its OpenAPI document does not carry (or carries
// loosely), from its developer documentation; ../shared/discord/LIMITS.md
// lists them with their sources.
const (
	maxEmbeds           = 10
	maxEmbedTotal       = 6000
	maxEmbedTitle       = 256
	maxEmbedDescription = 4096
	maxEmbedFields      = 25
	maxFieldName        = 256
	maxFieldValue       = 1024
	maxFooterText       = 2048
	maxAuthorName       = 256
	maxMentionIDs       = 100
	maxActionRows       = 5
	maxRowButtons       = 5
	maxCustomID         = 100
	maxButtonLabel      = 80
	maxSelectOptions    = 25
	maxModalTitle       = 45
	maxModalRows        = 5
	maxInputLabel       = 45
	maxInputValue       = 4000
	maxInputPlaceholder = 100
	maxChoices          = 25
	maxChoiceName       = 100
	maxChoiceString     = 100
	maxEventName        = 100
	maxEventDescription = 1000
	maxEventLocation    = 100
	maxOpenEvents       = 100
)

// formError is one entry of Discord's 50035 "errors" tree: where in the body
// (dotted, array indexes as numbers) and why.
type formError struct {
	path string // e.g. "embeds.0.fields.3.value"; "" for the body itself
	code string // Discord's error code, e.g. BASE_TYPE_MAX_LENGTH
	msg  string
}

func (e *formError) String() string {
	if e.path == "" {
		return e.msg
	}
	return e.path + ": " + e.msg
}

func tooLong(path string, max int) *formError {
	return &formError{path: path, code: "BASE_TYPE_MAX_LENGTH", msg: fmt.Sprintf("Must be %d or fewer in length.", max)}
}

func tooMany(path string, max int) *formError {
	return &formError{path: path, code: "BASE_TYPE_MAX_LENGTH", msg: fmt.Sprintf("Must be %d or fewer in length.", max)}
}

func lengthBetween(path string, lo, hi int) *formError {
	return &formError{path: path, code: "BASE_TYPE_BAD_LENGTH", msg: fmt.Sprintf("Must be between %d and %d in length.", lo, hi)}
}

func required(path string) *formError {
	return &formError{path: path, code: "BASE_TYPE_REQUIRED", msg: "This field is required"}
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// formErrorResponse is Discord's answer to a body that breaks a rule:
// 400 {"code":50035,"message":"Invalid Form Body","errors":{...}}, the tree
// keyed by the body's path with "_errors" at the leaf.
func formErrorResponse(fe *formError) *response {
	leaf := map[string]any{"_errors": []map[string]string{{"code": fe.code, "message": fe.msg}}}
	tree := leaf
	if fe.path != "" {
		parts := strings.Split(fe.path, ".")
		for i := len(parts) - 1; i >= 0; i-- {
			tree = map[string]any{parts[i]: tree}
		}
	}
	return jsonResponse(http.StatusBadRequest, map[string]any{"code": 50035, "message": "Invalid Form Body", "errors": tree})
}

// refuseLocked reports a body that breaks a rule (the bot has a bug) and
// answers as Discord does.
func (s *Server) refuseLocked(r *request, fe *formError) *response {
	if !s.closed {
		s.t.Errorf("discordtest: %s %s is not a request Discord accepts: %s", r.method, r.path, fe)
	}
	return formErrorResponse(fe)
}

// wireLimits is the part of a message body the limits are about, decoded
// from the raw JSON so nothing a typed decode drops escapes the check.
type wireLimits struct {
	Content string `json:"content"`
	Embeds  []struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		Fields      []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"fields"`
		Footer *struct {
			Text string `json:"text"`
		} `json:"footer"`
		Author *struct {
			Name string `json:"name"`
		} `json:"author"`
	} `json:"embeds"`
	AllowedMentions *struct {
		Parse []string `json:"parse"`
		Users []string `json:"users"`
		Roles []string `json:"roles"`
	} `json:"allowed_mentions"`
	Components []wireComponent `json:"components"`
}

type wireComponent struct {
	Type        discordgo.ComponentType `json:"type"`
	CustomID    *string                 `json:"custom_id"`
	Label       string                  `json:"label"`
	URL         string                  `json:"url"`
	Style       int                     `json:"style"`
	Placeholder string                  `json:"placeholder"`
	Value       string                  `json:"value"`
	Options     []json.RawMessage       `json:"options"`
	Components  []wireComponent         `json:"components"`
}

// messageLimits checks a create or edit body of a message (channel message,
// interaction reply, follow-up, webhook edit).
func messageLimits(raw []byte) *formError {
	var w wireLimits
	if len(raw) == 0 || json.Unmarshal(raw, &w) != nil {
		return nil // malformed bodies are refused elsewhere
	}
	if n := runes(w.Content); n > maxContent {
		return tooLong("content", maxContent)
	}
	if fe := embedLimits(&w); fe != nil {
		return fe
	}
	if am := w.AllowedMentions; am != nil {
		if len(am.Users) > maxMentionIDs {
			return tooMany("allowed_mentions.users", maxMentionIDs)
		}
		if len(am.Roles) > maxMentionIDs {
			return tooMany("allowed_mentions.roles", maxMentionIDs)
		}
		for _, p := range am.Parse {
			if (p == "users" && len(am.Users) > 0) || (p == "roles" && len(am.Roles) > 0) {
				return &formError{path: "allowed_mentions", code: "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
					msg: fmt.Sprintf("parse:[%q] is mutually exclusive with %s.", p, p)}
			}
		}
	}
	return componentLimits(w.Components)
}

func embedLimits(w *wireLimits) *formError {
	if len(w.Embeds) > maxEmbeds {
		return tooMany("embeds", maxEmbeds)
	}
	total := 0
	for i, e := range w.Embeds {
		at := "embeds." + strconv.Itoa(i)
		if runes(e.Title) > maxEmbedTitle {
			return tooLong(at+".title", maxEmbedTitle)
		}
		if runes(e.Description) > maxEmbedDescription {
			return tooLong(at+".description", maxEmbedDescription)
		}
		if len(e.Fields) > maxEmbedFields {
			return tooMany(at+".fields", maxEmbedFields)
		}
		total += runes(e.Title) + runes(e.Description)
		for j, f := range e.Fields {
			if runes(f.Name) > maxFieldName {
				return tooLong(at+".fields."+strconv.Itoa(j)+".name", maxFieldName)
			}
			if runes(f.Value) > maxFieldValue {
				return tooLong(at+".fields."+strconv.Itoa(j)+".value", maxFieldValue)
			}
			total += runes(f.Name) + runes(f.Value)
		}
		if e.Footer != nil {
			if runes(e.Footer.Text) > maxFooterText {
				return tooLong(at+".footer.text", maxFooterText)
			}
			total += runes(e.Footer.Text)
		}
		if e.Author != nil {
			if runes(e.Author.Name) > maxAuthorName {
				return tooLong(at+".author.name", maxAuthorName)
			}
			total += runes(e.Author.Name)
		}
	}
	if total > maxEmbedTotal {
		return &formError{path: "embeds", code: "MAX_EMBED_SIZE_EXCEEDED", msg: fmt.Sprintf("Embed size exceeds maximum size of %d", maxEmbedTotal)}
	}
	return nil
}

// componentLimits checks a message's action rows: 5 rows, 5 buttons or one
// select per row, custom_id 1–100 (link buttons have none), label 80.
func componentLimits(rows []wireComponent) *formError {
	if len(rows) > maxActionRows {
		return tooMany("components", maxActionRows)
	}
	for i, row := range rows {
		at := "components." + strconv.Itoa(i)
		if row.Type != discordgo.ActionsRowComponent {
			return &formError{path: at + ".type", code: "COMPONENT_LAYOUT_INVALID", msg: "A top-level component must be an action row."}
		}
		if len(row.Components) == 0 {
			return &formError{path: at + ".components", code: "BASE_TYPE_MIN_LENGTH", msg: "Must be 1 or more in length."}
		}
		buttons, selects := 0, 0
		for j, c := range row.Components {
			cat := at + ".components." + strconv.Itoa(j)
			switch c.Type {
			case discordgo.ButtonComponent:
				buttons++
				if runes(c.Label) > maxButtonLabel {
					return tooLong(cat+".label", maxButtonLabel)
				}
				if c.Style == int(discordgo.LinkButton) {
					if c.URL == "" {
						return required(cat + ".url")
					}
					continue
				}
				if fe := customIDLimit(cat, c.CustomID); fe != nil {
					return fe
				}
			case discordgo.SelectMenuComponent, discordgo.UserSelectMenuComponent, discordgo.RoleSelectMenuComponent,
				discordgo.MentionableSelectMenuComponent, discordgo.ChannelSelectMenuComponent:
				selects++
				if fe := customIDLimit(cat, c.CustomID); fe != nil {
					return fe
				}
				if len(c.Options) > maxSelectOptions {
					return tooMany(cat+".options", maxSelectOptions)
				}
			default:
				return &formError{path: cat + ".type", code: "COMPONENT_LAYOUT_INVALID", msg: "This component cannot go in a message's action row."}
			}
		}
		if buttons > maxRowButtons || (selects > 0 && len(row.Components) > 1) {
			return &formError{path: at + ".components", code: "COMPONENT_LAYOUT_WIDTH_EXCEEDED", msg: "The specified component exceeds the maximum width"}
		}
	}
	return nil
}

func customIDLimit(at string, id *string) *formError {
	if id == nil || *id == "" {
		return required(at + ".custom_id")
	}
	if runes(*id) > maxCustomID {
		return lengthBetween(at+".custom_id", 1, maxCustomID)
	}
	return nil
}

// modalLimits checks a modal callback's data: title 1–45, custom_id 1–100,
// 1–5 rows of one text input each (label 45, value 4000, placeholder 100).
func modalLimits(raw []byte) *formError {
	var m struct {
		Title      string          `json:"title"`
		CustomID   *string         `json:"custom_id"`
		Components []wireComponent `json:"components"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return &formError{code: "MODEL_TYPE_CONVERT", msg: "data must be a modal"}
	}
	if n := runes(m.Title); n < 1 || n > maxModalTitle {
		return lengthBetween("data.title", 1, maxModalTitle)
	}
	if fe := customIDLimit("data", m.CustomID); fe != nil {
		return fe
	}
	if len(m.Components) < 1 || len(m.Components) > maxModalRows {
		return lengthBetween("data.components", 1, maxModalRows)
	}
	for i, row := range m.Components {
		at := "data.components." + strconv.Itoa(i)
		if row.Type != discordgo.ActionsRowComponent || len(row.Components) != 1 || row.Components[0].Type != discordgo.TextInputComponent {
			return &formError{path: at, code: "COMPONENT_LAYOUT_INVALID", msg: "Each row of a modal holds one text input."}
		}
		in := row.Components[0]
		at += ".components.0"
		if fe := customIDLimit(at, in.CustomID); fe != nil {
			return fe
		}
		if n := runes(in.Label); n < 1 || n > maxInputLabel {
			return lengthBetween(at+".label", 1, maxInputLabel)
		}
		if runes(in.Value) > maxInputValue {
			return tooLong(at+".value", maxInputValue)
		}
		if runes(in.Placeholder) > maxInputPlaceholder {
			return tooLong(at+".placeholder", maxInputPlaceholder)
		}
	}
	return nil
}

// choiceLimits checks an autocomplete answer: at most 25 choices, names
// 1–100, each value typed like the focused option (a JSON string of at most
// 100 for STRING, a JSON integer for INTEGER, a JSON number for NUMBER).
func choiceLimits(raw []byte, typ discordgo.ApplicationCommandOptionType) *formError {
	var d struct {
		Choices []struct {
			Name  string          `json:"name"`
			Value json.RawMessage `json:"value"`
		} `json:"choices"`
	}
	if json.Unmarshal(raw, &d) != nil {
		return &formError{code: "MODEL_TYPE_CONVERT", msg: "data must hold choices"}
	}
	if len(d.Choices) > maxChoices {
		return tooMany("data.choices", maxChoices)
	}
	for i, c := range d.Choices {
		at := "data.choices." + strconv.Itoa(i)
		if n := runes(c.Name); n < 1 || n > maxChoiceName {
			return lengthBetween(at+".name", 1, maxChoiceName)
		}
		v := strings.TrimSpace(string(c.Value))
		isString := strings.HasPrefix(v, `"`)
		var num float64
		isNumber := !isString && json.Unmarshal([]byte(v), &num) == nil && v != "null"
		switch typ {
		case discordgo.ApplicationCommandOptionString:
			var str string
			if !isString || json.Unmarshal(c.Value, &str) != nil {
				return &formError{path: at + ".value", code: "BASE_TYPE_STRING", msg: "Must be a string."}
			}
			if runes(str) > maxChoiceString {
				return tooLong(at+".value", maxChoiceString)
			}
		case discordgo.ApplicationCommandOptionInteger:
			if !isNumber || num != math.Trunc(num) || strings.ContainsAny(v, ".eE") {
				return &formError{path: at + ".value", code: "NUMBER_TYPE_COERCE", msg: fmt.Sprintf("Value %s is not int.", v)}
			}
		case discordgo.ApplicationCommandOptionNumber:
			if !isNumber {
				return &formError{path: at + ".value", code: "NUMBER_TYPE_COERCE", msg: fmt.Sprintf("Value %s is not a valid number.", v)}
			}
		}
	}
	return nil
}

// focusedOptionType returns the type the registered command declares for the
// option an autocomplete interaction focuses, or 0 when it is not known.
func (s *Server) focusedOptionType(ix *Interaction) discordgo.ApplicationCommandOptionType {
	var w struct {
		GuildID string `json:"guild_id"`
		Data    struct {
			Name    string                                               `json:"name"`
			Options []*discordgo.ApplicationCommandInteractionDataOption `json:"options"`
		} `json:"data"`
	}
	if json.Unmarshal(ix.payload, &w) != nil {
		return 0
	}
	cmd := s.findCommand(w.GuildID, w.Data.Name, discordgo.ChatApplicationCommand)
	var declared []*discordgo.ApplicationCommandOption
	if cmd != nil {
		declared = cmd.Options
	}
	opts := w.Data.Options
	for len(opts) > 0 {
		var next []*discordgo.ApplicationCommandInteractionDataOption
		for _, o := range opts {
			d := findDeclared(declared, o.Name)
			if o.Type == discordgo.ApplicationCommandOptionSubCommand || o.Type == discordgo.ApplicationCommandOptionSubCommandGroup {
				next = o.Options
				declared = nil
				if d != nil {
					declared = d.Options
				}
				break
			}
			if o.Focused {
				if d != nil {
					return d.Type
				}
				return o.Type
			}
		}
		opts = next
	}
	return 0
}

func findDeclared(opts []*discordgo.ApplicationCommandOption, name string) *discordgo.ApplicationCommandOption {
	for _, o := range opts {
		if o.Name == name {
			return o
		}
	}
	return nil
}

// eventLimits checks a scheduled event as it would be after the request:
// name 1–100, description up to 1000, and an EXTERNAL event's location 1–100
// and end time.
func eventLimits(ev *discordgo.GuildScheduledEvent) *formError {
	if n := runes(ev.Name); n < 1 || n > maxEventName {
		return lengthBetween("name", 1, maxEventName)
	}
	if runes(ev.Description) > maxEventDescription {
		return lengthBetween("description", 1, maxEventDescription)
	}
	if ev.EntityType == discordgo.GuildScheduledEventEntityTypeExternal {
		if n := runes(ev.EntityMetadata.Location); n < 1 || n > maxEventLocation {
			return lengthBetween("entity_metadata.location", 1, maxEventLocation)
		}
		if ev.ScheduledEndTime == nil || ev.ScheduledEndTime.IsZero() {
			return required("scheduled_end_time")
		}
		if !ev.ScheduledEndTime.After(ev.ScheduledStartTime) {
			return &formError{path: "scheduled_end_time", code: "GUILD_SCHEDULED_EVENT_END_BEFORE_START", msg: "The end time must be after the start time."}
		}
	}
	return nil
}
