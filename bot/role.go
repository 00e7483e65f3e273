package bot

import (
	"context"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth/commands"
)

// GuildRoles implements commands.RoleReader: the server's roles (REST, so
// positions and permissions are current) and its owner (from the gateway's
// state, "" if not known).
func (b *Bot) GuildRoles(ctx context.Context, guildID string) ([]commands.Role, string, error) {
	rs, err := b.s.GuildRoles(guildID, discordgo.WithContext(ctx))
	if err != nil {
		return nil, "", classify(err)
	}
	out := make([]commands.Role, len(rs))
	for i, r := range rs {
		out[i] = toRole(r)
	}
	owner := ""
	if g, err := b.s.State.Guild(guildID); err == nil {
		owner = g.OwnerID
	}
	return out, owner, nil
}

func toRole(r *discordgo.Role) commands.Role {
	return commands.Role{ID: r.ID, Name: r.Name, Position: r.Position, Permissions: r.Permissions, Managed: r.Managed}
}
