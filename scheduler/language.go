package scheduler

import (
	"context"
	"fmt"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// groupLang is the language of g's channel posts (SPEC §10).
func groupLang(g *hearth.Group) locale.Lang { return locale.Lang(g.Language).OrDefault() }

// dmLang is the language of a DM to userID about g: their latest
// interaction's language in the guild, else the group's (SPEC §10).
func dmLang(ctx context.Context, store hearth.LanguageStore, g *hearth.Group, userID string) (locale.Lang, error) {
	stored, err := store.UserLanguage(ctx, g.GuildID, userID)
	if err != nil {
		return "", fmt.Errorf("load language: %w", err)
	}
	return locale.Lang(hearth.RecipientLanguage(stored, g)).OrDefault(), nil
}
