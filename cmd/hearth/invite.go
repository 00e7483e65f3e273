package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/hearthbot/hearth/bot"
)

func (m *Main) runInvite(ctx context.Context, args []string) error {
	fs, path := m.flags("invite")
	clientID := fs.String("client-id", "", "application id (default: asked of Discord with the token)")
	cfg, err := m.parse(fs, path, args)
	if err != nil {
		return err
	}
	id := *clientID
	if id == "" {
		if cfg.Discord.Token == "" {
			return fmt.Errorf("give -client-id, or set discord.token so hearth can ask Discord for the application id")
		}
		if id, err = bot.ApplicationID(ctx, cfg.Discord, nil); err != nil {
			return err
		}
	}
	q := url.Values{}
	q.Set("client_id", id)
	q.Set("scope", "bot applications.commands")
	q.Set("permissions", strconv.FormatInt(bot.Permissions, 10))
	fmt.Fprintln(m.Stdout, "https://discord.com/oauth2/authorize?"+q.Encode())
	return nil
}
