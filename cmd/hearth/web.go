package main

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/discordtest"
	"github.com/hearthbot/hearth/web"
)

// newWeb builds the dashboard when [web] listen is set. Its OAuth2 client
// id is [discord] client_id, else the application's id from READY.
func (a *App) newWeb() error {
	if a.Config.Web.Listen == "" {
		return nil
	}
	w, err := web.New(web.Options{
		Store:   a.DB,
		Router:  a.Router,
		Alerts:  a.Alerts,
		Discord: a.Bot,
		Config:  a.Config,
		ClientID: func() string {
			if a.Config.Discord.ClientID != "" {
				return a.Config.Discord.ClientID
			}
			return a.Bot.AppID()
		},
		Now: a.now,
		Log: a.Log,
	})
	if err != nil {
		return err
	}
	a.Web = w
	return nil
}

// startWeb serves the dashboard until the returned stop is called.
func (a *App) startWeb() (stop func(), err error) {
	if a.Web == nil {
		return func() {}, nil
	}
	if err := a.Web.Listen(a.Config.Web.Listen); err != nil {
		return nil, err
	}
	go func() {
		if err := a.Web.Serve(); err != nil {
			a.Log.Error("dashboard stopped", "error", err)
		}
	}()
	a.Log.Info("serving the dashboard", "addr", a.Web.Addr(), "url", a.Config.Web.BaseURL())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := a.Web.Shutdown(ctx); err != nil {
			a.Log.Warn("unable to stop the dashboard", "error", err)
		}
	}, nil
}

// WebAddr is the dashboard's address once Run serves it; empty otherwise.
func (a *App) WebAddr() string {
	if a.Web == nil {
		return ""
	}
	return a.Web.Addr()
}

// demoWeb turns the dashboard on for `hearth demo -web`, with the
// simulator's OAuth2 server, whose login page lets a person pick who to be.
func (d *demo) demoWeb(cfg *hearth.Config, addr string) {
	oauth := discordtest.NewOAuth(d.tb, "100000000000000001", "demo-secret")
	ids := slices.SortedFunc(maps.Keys(d.names), func(a, b string) int { return strings.Compare(d.names[a], d.names[b]) })
	var people []string
	for _, id := range ids {
		people = append(people, id, d.names[id])
	}
	oauth.OfferUsers(people...)
	d.fake.GrantPermissions(d.guild, d.users["Ana (admin)"], discordgo.PermissionManageServer)
	cfg.Web.Listen, cfg.Web.PublicURL = addr, "http://"+addr
	cfg.Discord.ClientID, cfg.Discord.ClientSecret = oauth.ClientID, oauth.ClientSecret
	cfg.Discord.OAuthAuthorizeURL, cfg.Discord.OAuthAPIURL = oauth.AuthorizeURL, oauth.URL
}
