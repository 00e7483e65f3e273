package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/hearthbot/hearth/discordtest"
)

// hearthPermissions are the bits the invite asks for: View Channels (1<<10),
// Send Messages (1<<11), Embed Links (1<<14), Manage Roles (1<<28) and
// Manage Events (1<<33). Written out so that a change to bot.Permissions
// must change this test too.
const hearthPermissions = "8858389504"

func TestInvite(t *testing.T) {
	fake := discordtest.NewServer(t)
	check := func(t *testing.T, out, clientID string) {
		t.Helper()
		u, err := url.Parse(strings.TrimSpace(out))
		if err != nil || u.Scheme != "https" || u.Host != "discord.com" || u.Path != "/oauth2/authorize" {
			t.Fatalf("invite = %q", out)
		}
		q := u.Query()
		if q.Get("client_id") != clientID || q.Get("scope") != "bot applications.commands" || q.Get("permissions") != hearthPermissions {
			t.Errorf("invite query = %v, want client_id %s, scopes bot and applications.commands, permissions %s", q, clientID, hearthPermissions)
		}
	}
	t.Run("OK", func(t *testing.T) {
		code, out, errOut := runMain(t, map[string]string{
			"HEARTH_DISCORD_TOKEN": fake.Token, "HEARTH_DISCORD_API_BASE_URL": fake.URL,
		}, "invite")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		check(t, out, fake.AppID)
		if n := len(fake.CallsTo("GET", "/applications/@me")); n != 1 {
			t.Errorf("asked Discord for the application %d times, want 1", n)
		}
	})
	t.Run("ClientID", func(t *testing.T) {
		before := len(fake.Calls())
		code, out, errOut := runMain(t, nil, "invite", "-client-id", "123456789012345678")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		check(t, out, "123456789012345678")
		if len(fake.Calls()) != before {
			t.Error("asked Discord although -client-id was given")
		}
	})
	t.Run("ErrNoToken", func(t *testing.T) {
		code, out, errOut := runMain(t, nil, "invite")
		if code != 1 || out != "" || !strings.Contains(errOut, "give -client-id, or set discord.token") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
	})
	t.Run("ErrBadToken", func(t *testing.T) {
		code, out, errOut := runMain(t, map[string]string{
			"HEARTH_DISCORD_TOKEN": "wrong", "HEARTH_DISCORD_API_BASE_URL": fake.URL,
		}, "invite")
		if code != 1 || out != "" || !strings.Contains(errOut, "ask Discord for the application") || !strings.Contains(errOut, "401") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
	})
}
