package main

import (
	"context"
	"time"

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
