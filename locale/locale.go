package locale

//go:generate go run ../internal/keygen -in catalog/en.toml -out keys.go

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Lang is a language hearth speaks.
type Lang string

// The languages hearth speaks.
const (
	English Lang = "en"
	Spanish Lang = "es"
)

// Langs lists every language, English first.
var Langs = []Lang{English, Spanish}

// FromDiscord returns the language for a Discord locale such as an
// interaction's `locale` or a guild's `preferred_locale`: es-ES and es-419
// (and any other es-*) are Spanish, anything else English.
func FromDiscord(discordLocale string) Lang {
	l := strings.ToLower(strings.TrimSpace(discordLocale))
	if l == "es" || strings.HasPrefix(l, "es-") {
		return Spanish
	}
	return English
}

// Parse reads a stored or typed language code ("en", "es"; case and spaces
// ignored) and reports whether it is one hearth speaks.
func Parse(s string) (Lang, bool) {
	switch Lang(strings.ToLower(strings.TrimSpace(s))) {
	case English:
		return English, true
	case Spanish:
		return Spanish, true
	}
	return "", false
}

// OrDefault returns l when it is a language hearth speaks, else English.
func (l Lang) OrDefault() Lang {
	if p, ok := Parse(string(l)); ok {
		return p
	}
	return English
}

// DiscordLocales returns the Discord locales that show l's localizations
// of command descriptions and choices (none for English, the default).
func (l Lang) DiscordLocales() []string {
	if l == Spanish {
		return []string{"es-ES", "es-419"}
	}
	return nil
}

// Key names a message of the catalogs; keys.go has one constant per
// message, generated from catalog/en.toml.
type Key string

// Arg is a typed argument of a message: a named value for a placeholder, or
// the count that picks the plural form.
type Arg struct {
	name  string
	value any
	count bool
}

// A names a value for the placeholder {{.name}}.
func A(name string, value any) Arg { return Arg{name: name, value: value} }

// Count picks the plural form for n and fills {{.Count}}.
func Count(n int) Arg { return Arg{name: "Count", value: n, count: true} }

//go:embed catalog/*.toml
var catalogFS embed.FS

// localizers holds one localizer per language, built once from the
// embedded catalogs; a broken catalog is a build defect, caught by tests.
var localizers = func() map[Lang]*i18n.Localizer {
	b := newBundle()
	out := map[Lang]*i18n.Localizer{}
	for _, l := range Langs {
		if _, err := b.LoadMessageFileFS(catalogFS, "catalog/"+string(l)+".toml"); err != nil {
			panic("locale: " + err.Error())
		}
		out[l] = i18n.NewLocalizer(b, string(l))
	}
	return out
}()

func newBundle() *i18n.Bundle {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	return b
}

// T returns message k in language l with args filled in. A key missing from
// l falls back to English, and one missing from both returns the key itself
// (the catalog tests make both impossible in a release).
func T(l Lang, k Key, args ...Arg) string {
	lc := &i18n.LocalizeConfig{MessageID: string(k)}
	if len(args) > 0 {
		data := make(map[string]any, len(args))
		for _, a := range args {
			data[a.name] = a.value
			if a.count {
				lc.PluralCount = a.value
			}
		}
		lc.TemplateData = data
	}
	loc := localizers[l.OrDefault()]
	s, err := loc.Localize(lc)
	if s == "" && err != nil {
		return string(k)
	}
	return s
}

// T returns message k in l; see the function T.
func (l Lang) T(k Key, args ...Arg) string { return T(l, k, args...) }

// Has reports whether the catalog of l holds key k.
func (l Lang) Has(k Key) bool {
	_, err := localizers[l.OrDefault()].Localize(&i18n.LocalizeConfig{MessageID: string(k), TemplateData: map[string]any{}})
	var nf *i18n.MessageNotFoundErr
	return !errors.As(err, &nf)
}

// Text implements hearth.Printer: args are name, value pairs, and an int
// named "Count" also picks the plural form.
func (l Lang) Text(key string, args ...any) string {
	return T(l, Key(key), pairs(args)...)
}

func pairs(args []any) []Arg {
	out := make([]Arg, 0, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		name := fmt.Sprint(args[i])
		if n, ok := args[i+1].(int); ok && name == "Count" {
			out = append(out, Count(n))
			continue
		}
		out = append(out, A(name, args[i+1]))
	}
	return out
}

// FuncMap returns the functions a html/template uses to print in l:
// {{t "key" "Name" value}} prints a message (name, value pairs as for
// Text; the result is escaped by the template like any string), and
// {{lang}} returns the language code for the html lang attribute.
func (l Lang) FuncMap() template.FuncMap {
	return template.FuncMap{
		"t":    func(key string, args ...any) string { return l.Text(key, args...) },
		"lang": func() string { return string(l.OrDefault()) },
	}
}

// Registration returns the catalog text of a command description or choice
// for Discord's localizations: path is the command path ("group create"),
// option the option name ("" for the command itself) and choice the choice
// value ("" for the option's description). english is the text the
// definition registers: a shared option entry ([opt]) is used only when its
// English matches, so a command that words an option its own way is never
// given another's translation. ok is false when the catalog has no entry.
func (l Lang) Registration(path, option, choice, english string) (string, bool) {
	id := "cmd." + strings.ReplaceAll(path, " ", ".")
	if option != "" {
		id += ":" + option
	}
	if choice != "" {
		id += "=" + choice
	}
	if English.Has(Key(id)) {
		return T(l, Key(id)), true
	}
	if option != "" && choice == "" {
		shared := Key("opt." + option)
		if English.Has(shared) && T(English, shared) == english {
			return T(l, shared), true
		}
	}
	return "", false
}
