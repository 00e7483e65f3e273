package bot

import (
	"context"
	"errors"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
)

// ManageGuild reports whether a user has Manage Server (or Administrator,
// or owns the guild) in a guild, read from Discord: the member's roles and
// the guild's roles. A user who is not a member does not. The dashboard
// calls it at most once a minute per person and server, with a low
// priority in ctx (hearth.WithPriority) so it never delays an alert.
func (b *Bot) ManageGuild(ctx context.Context, guildID, userID string) (bool, error) {
	m, err := b.s.GuildMember(guildID, userID, discordgo.WithContext(ctx))
	if err != nil {
		var re *discordgo.RESTError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusNotFound {
			return false, nil
		}
		return false, classify(err)
	}
	if g, err := b.s.State.Guild(guildID); err == nil && g.OwnerID == userID {
		return true, nil
	}
	roles, err := b.s.GuildRoles(guildID, discordgo.WithContext(ctx))
	if err != nil {
		return false, classify(err)
	}
	var perms int64
	for _, r := range roles {
		if r.ID == guildID { // @everyone
			perms |= r.Permissions
		}
		for _, id := range m.Roles {
			if r.ID == id {
				perms |= r.Permissions
			}
		}
	}
	return perms&(discordgo.PermissionAdministrator|discordgo.PermissionManageServer) != 0, nil
}

// Guilds returns the servers the bot is in, from the gateway's cache.
func (b *Bot) Guilds() []hearth.GuildInfo {
	b.s.State.RLock()
	defer b.s.State.RUnlock()
	out := make([]hearth.GuildInfo, 0, len(b.s.State.Guilds))
	for _, g := range b.s.State.Guilds {
		out = append(out, hearth.GuildInfo{ID: g.ID, Name: g.Name})
	}
	return out
}

// TextChannels returns a server's text channels, from the gateway's cache,
// for the dashboard's group form.
func (b *Bot) TextChannels(guildID string) []hearth.ChannelInfo {
	g, err := b.s.State.Guild(guildID)
	if err != nil {
		return nil
	}
	b.s.State.RLock()
	defer b.s.State.RUnlock()
	var out []hearth.ChannelInfo
	for _, c := range g.Channels {
		if c.Type == discordgo.ChannelTypeGuildText {
			out = append(out, hearth.ChannelInfo{ID: c.ID, Name: c.Name})
		}
	}
	return out
}

// DisplayName returns a user's display name (global name, else username)
// read from Discord, for the dashboard's pages.
func (b *Bot) DisplayName(ctx context.Context, userID string) (string, error) {
	u, err := b.s.User(userID, discordgo.WithContext(ctx))
	if err != nil {
		return "", classify(err)
	}
	if u.GlobalName != "" {
		return u.GlobalName, nil
	}
	return u.Username, nil
}

// IsBot reports whether a user is a bot, for the dashboard's clinical lead
// field (a slash command's user option carries it; a typed id does not).
func (b *Bot) IsBot(ctx context.Context, userID string) (bool, error) {
	u, err := b.s.User(userID, discordgo.WithContext(ctx))
	if err != nil {
		return false, classify(err)
	}
	return u.Bot, nil
}
