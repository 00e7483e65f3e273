package commands_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/commands"
	"github.com/hearthbot/hearth/storage"
)

// nullDiscord accepts every outbound call; the fuzz test is about the
// handlers, not Discord.
type nullDiscord struct{}

func (nullDiscord) DMChannel(context.Context, string) (string, error) { return "1", nil }
func (nullDiscord) Send(context.Context, string, *hearth.Message, string) (string, error) {
	return "2", nil
}
func (nullDiscord) Edit(context.Context, string, string, *hearth.Message) error { return nil }
func (nullDiscord) Delete(context.Context, string, string) error                { return nil }
func (nullDiscord) AddRole(context.Context, string, string, string) error       { return nil }
func (nullDiscord) RemoveRole(context.Context, string, string, string) error    { return nil }
func (nullDiscord) CreateEvent(context.Context, *hearth.ScheduledEvent) (string, error) {
	return "3", nil
}
func (nullDiscord) UpdateEvent(context.Context, string, *hearth.ScheduledEvent) error { return nil }
func (nullDiscord) DeleteEvent(context.Context, string, string) error                 { return nil }

// FuzzDispatch sends every command, with options of random values built
// from its definition, to the real handlers on a real database: no panic,
// and every interaction gets a response or an error with a message for the
// user.
func FuzzDispatch(f *testing.F) {
	f.Add(uint16(0), "Anxiety Circle", int64(3), true, uint8(0))
	f.Add(uint16(7), "", int64(-1), false, uint8(255))
	f.Add(uint16(13), strings.Repeat("ñ", 60), int64(1<<40), true, uint8(17))
	f.Add(uint16(21), "every tuesday at 19:00", int64(2), false, uint8(3))

	keys, err := storage.NewKeyring(bytes.Repeat([]byte{1}, storage.KeySize))
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 3, 3, 18, 45, 0, 0, time.UTC)
	db, err := storage.Open(context.Background(), "sqlite", filepath.Join(f.TempDir(), "fuzz.db"), storage.Options{Now: func() time.Time { return now }, Keys: keys})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		f.Fatal(err)
	}
	const guild, admin, fac, obs, member = "100", "200", "300", "400", "500"
	g := &hearth.Group{GuildID: guild, Name: "Anxiety Circle", ChannelID: "600", FacilitatorID: fac, ObserverID: obs,
		Timezone: "Europe/Madrid", LengthMinutes: 90, ReminderOffsets: []time.Duration{time.Hour}, Sharers: 2}
	if err := db.CreateGroup(context.Background(), g, hearth.AuditEntry{GuildID: guild, ActorID: admin, Action: "group.create"}); err != nil {
		f.Fatal(err)
	}
	if err := db.Join(context.Background(), &hearth.Membership{GroupID: g.ID, UserID: member}); err != nil {
		f.Fatal(err)
	}
	svc := &commands.Service{Store: db, Discord: nullDiscord{}, AlertConfig: hearth.DefaultConfig().Alerts, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	rt := commands.NewRouter()
	svc.Register(rt)

	// Every command path with its option definitions.
	type path struct {
		name string
		opts []commands.OptionDef
	}
	var paths []path
	for _, c := range rt.Commands() {
		subs := false
		for _, o := range c.Options {
			if o.Type == commands.OptSubcommand {
				subs = true
				paths = append(paths, path{c.Name + " " + o.Name, o.Options})
			}
		}
		if !subs {
			paths = append(paths, path{c.Name, c.Options})
		}
	}
	users := []string{admin, fac, obs, member, "999"}

	f.Fuzz(func(t *testing.T, which uint16, s string, n int64, b bool, mask uint8) {
		p := paths[int(which)%len(paths)]
		user := users[int(mask)%len(users)]
		r := &commands.Request{Kind: commands.KindCommand, InteractionID: "1", GuildID: guild, ChannelID: "600",
			User: commands.User{ID: user, Name: "u"}, Path: p.name, Options: map[string]commands.Option{}, Now: now}
		if user == admin {
			r.Permissions = commands.PermManageGuild
		}
		for i, o := range p.opts {
			if !o.Required && mask&(1<<(i%8)) == 0 {
				continue
			}
			switch o.Type {
			case commands.OptString:
				r.Options[o.Name] = commands.Option{String: s}
			case commands.OptInteger:
				r.Options[o.Name] = commands.Option{Int: n}
			case commands.OptBoolean:
				r.Options[o.Name] = commands.Option{Bool: b}
			case commands.OptUser:
				r.Options[o.Name] = commands.Option{User: &commands.User{ID: users[(int(mask)+i)%len(users)], Bot: b}}
			case commands.OptChannel:
				r.Options[o.Name] = commands.Option{Channel: &commands.Channel{ID: "600", Text: b}}
			case commands.OptRole:
				r.Options[o.Name] = commands.Option{RoleID: fmt.Sprint(n)}
			}
		}
		resp, err := rt.Dispatch(context.Background(), r)
		switch {
		case err != nil:
			var he *hearth.Error
			if !errors.As(err, &he) || he.Message == "" {
				t.Fatalf("/%s by %s: internal error %v", p.name, user, err)
			}
		case resp == nil:
			t.Fatalf("/%s by %s: no response and no error", p.name, user)
		}
	})
}
