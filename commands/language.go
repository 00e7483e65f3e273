package commands

import (
	"context"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// rememberLanguage stores the language of the caller's latest interaction
// in the server (SPEC §10: their DMs use it). It writes only when the
// language differs from the one this process last stored for them, so an
// ordinary interaction costs no write; a failure is logged and the
// interaction goes on, since the reply does not depend on it.
func (s *Service) rememberLanguage(next Handler) Handler {
	return func(ctx context.Context, r *Request) (*Response, error) {
		if r.GuildID != "" && r.User.ID != "" && r.Kind != KindAutocomplete && r.Lang != "" && !r.Dashboard {
			key := r.GuildID + ":" + r.User.ID
			if prev, ok := s.langs.Load(key); !ok || prev != r.Lang {
				if err := s.Store.SetUserLanguage(ctx, r.GuildID, r.User.ID, string(r.Lang), now(r)); err != nil {
					s.Log.Warn("unable to store a user's language", "guild", r.GuildID, "user", r.User.ID, "error", err)
				} else {
					s.langs.Store(key, r.Lang)
				}
			}
		}
		return next(ctx, r)
	}
}

// forgetLanguage drops what rememberLanguage knows of a user who erased
// their data, so their next interaction stores their language again.
func (s *Service) forgetLanguage(guildID, userID string) { s.langs.Delete(guildID + ":" + userID) }

// groupLang is the language of g's channel posts.
func groupLang(g *hearth.Group) locale.Lang { return locale.Lang(g.Language).OrDefault() }

// langName names a stored language code in the reader's language.
func langName(reader locale.Lang, code string) string {
	if code == hearth.LangSpanish {
		return reader.T(locale.LangEs)
	}
	return reader.T(locale.LangEn)
}

// languageChange reads the `language` option of /group create|edit.
func languageChange(r *Request) (func(*hearth.Group), error) {
	if !r.Has("language") {
		return nil, nil
	}
	l, ok := locale.Parse(r.String("language"))
	if !ok {
		return nil, &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.ErrorLanguage)}
	}
	return func(g *hearth.Group) { g.Language = string(l) }, nil
}

// languageOpt is the `language` option of /group create|edit and /settings
// crisis: English or Spanish, names localized at registration.
func languageOpt(description string) OptionDef {
	return OptionDef{Type: OptString, Name: "language", Description: description,
		Choices: []Choice{{Name: "English", Value: hearth.LangEnglish}, {Name: "Spanish", Value: hearth.LangSpanish}}}
}
