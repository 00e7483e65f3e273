package main

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth/commands"
	"github.com/hearthbot/hearth/discordtest"
)

// guildRecorder is the handler of a /probe command that notes the guild
// of every interaction one App answers.
type guildRecorder struct {
	mu     sync.Mutex
	guilds []string
}

func (g *guildRecorder) handle(_ context.Context, r *commands.Request) (*commands.Response, error) {
	g.mu.Lock()
	g.guilds = append(g.guilds, r.GuildID)
	g.mu.Unlock()
	return commands.Ephemeral("probed"), nil
}

// probe adds the /probe command, answered by rec, to an App's router.
func (g *guildRecorder) probe(a *App) {
	a.Router.Define(commands.Command{Name: "probe", Description: "Which shard answers"})
	a.Router.Handle("probe", g.handle)
}

func (g *guildRecorder) seen() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.guilds...)
}

// TestRun_Shards runs two processes, shards 0 and 1 of 2, on one database
// against one fake Discord with a server in each shard: each answers the
// interactions of its own server only.
func TestRun_Shards(t *testing.T) {
	fake := discordtest.NewServer(t)
	// Discord's formula: shard = (guild_id >> 22) % shard_count.
	guilds := []string{strconv.FormatInt(1000<<22, 10), strconv.FormatInt(1001<<22, 10)}
	var channels, users []string
	for i, g := range guilds {
		fake.AddGuild(g, "Server "+strconv.Itoa(i))
		channels = append(channels, fake.AddChannel(g, "", "general"))
		u := fake.AddUser("", "member"+strconv.Itoa(i), false)
		fake.AddMember(g, u)
		users = append(users, u)
	}
	cfg := bareConfig(t, fake)
	var recorders []*guildRecorder
	for shard := range 2 {
		c := cfg
		c.Discord.ShardID, c.Discord.ShardCount = shard, 2
		rec := &guildRecorder{}
		recorders = append(recorders, rec)
		r := launch(t, c, AppOptions{}, rec.probe)
		r.ready(t)
	}
	for i, g := range guilds {
		spec := discordtest.InteractionSpec{GuildID: g, ChannelID: channels[i], User: users[i],
			Permissions: int64(discordgo.PermissionViewChannel | discordgo.PermissionSendMessages)}
		ix := fake.SlashCommand(spec, "probe")
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		reply, err := ix.WaitFinal(ctx)
		cancel()
		if err != nil {
			t.Fatalf("server %d: no answer: %v", i, err)
		}
		mustEphemeral(t, reply, "probed")
	}
	for shard, rec := range recorders {
		if got := rec.seen(); len(got) != 1 || got[0] != guilds[shard] {
			t.Errorf("shard %d handled interactions of %v, want only server %s", shard, got, guilds[shard])
		}
	}
}
