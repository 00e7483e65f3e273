package bot

import (
	"context"
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
)

// Permissions are exactly the permission bits hearth needs in a server:
// View Channels and Send Messages (reminders and staff notices), Embed Links
// (rota and summaries), Manage Roles (the group role of members) and Manage
// Events (the meetings in the Events tab).
const Permissions = discordgo.PermissionViewChannel |
	discordgo.PermissionSendMessages |
	discordgo.PermissionEmbedLinks |
	discordgo.PermissionManageRoles |
	discordgo.PermissionManageEvents

// ApplicationID asks Discord for the id of the application the token
// belongs to, for the invite URL.
func ApplicationID(ctx context.Context, cfg hearth.DiscordConfig, transport http.RoundTripper) (string, error) {
	b, err := New(Options{Discord: cfg, Router: nil, Transport: transport})
	if err != nil {
		return "", err
	}
	raw, err := b.s.RequestWithBucketID(http.MethodGet, discordgo.EndpointApplication("@me"), nil, discordgo.EndpointApplications, discordgo.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("ask Discord for the application: %w", classify(err))
	}
	var app discordgo.Application
	if err := discordgo.Unmarshal(raw, &app); err != nil {
		return "", fmt.Errorf("decode application: %w", err)
	}
	return app.ID, nil
}
