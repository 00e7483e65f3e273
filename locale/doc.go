// Package locale owns hearth's words: one catalog per language
// (catalog/en.toml, catalog/es.toml, embedded), CLDR plural rules, and the
// typed keys handlers ask for (keys.go, generated from en.toml by
// `go generate`).
//
// The language is chosen once, at the edge, and passed down like the clock:
// a reply uses the interaction's locale (FromDiscord), a DM the recipient's
// stored language, a channel post the group's language. Handlers never
// concatenate user-facing English: they call T (or Lang.T) with a Key and
// typed arguments. Lang also implements hearth.Printer, so the domain can
// name its messages by key while importing only the standard library.
//
// Catalogs are parsed by github.com/nicksnyder/go-i18n/v2, which brings CLDR
// plural rules (Spanish has one/many/other, English one/other) and reads
// TOML through BurntSushi/toml, already a dependency. A message is a Go
// text/template: placeholders are {{.Name}}, and Count(n) picks the plural
// form and fills {{.Count}}.
//
// Converting a file: replace each literal that reaches a reply, a DM or a
// post by a key added to both catalogs (en.toml first, then es.toml), run
// `go generate ./locale`, and remove the file from pendingFiles in
// literal_test.go. In a handler: r.T(locale.Key, locale.A("Name", v)), and
// errors as &hearth.Error{Code: …, Message: r.T(…)}. In the domain, which
// does not know the reader: a function that builds a message takes a
// hearth.Printer (AlertDM, ReminderPost…), and an error keeps its English
// Message and adds the same message as a catalog key with hearth.Errorm
// (or Error.Msg); the bot renders it in the caller's language
// (hearth.ErrorMessageIn). The catalog tests check that the English entry
// renders exactly the domain's English message where a test lists it.
package locale
