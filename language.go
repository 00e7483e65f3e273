package hearth

import (
	"context"
	"time"
)

// Languages hearth speaks, as stored (SPEC §10).
const (
	LangEnglish = "en"
	LangSpanish = "es"
)

// LanguageStore keeps the language of each user's latest interaction, per
// server: DMs to them (alerts, acknowledgements, reminders) use it. It is
// personal data, shown, exported and erased by /privacy.
type LanguageStore interface {
	// UserLanguage returns the user's stored language in the guild, or ""
	// when none is stored.
	UserLanguage(ctx context.Context, guildID, userID string) (string, error)
	// SetUserLanguage stores the user's language in the guild.
	SetUserLanguage(ctx context.Context, guildID, userID, lang string, at time.Time) error
}

// RecipientLanguage is the language of a DM (SPEC §10): the recipient's
// stored language, else the group's, else English.
func RecipientLanguage(stored string, g *Group) string {
	switch {
	case stored != "":
		return stored
	case g != nil && g.Language != "":
		return g.Language
	}
	return LangEnglish
}
