package discordtest

import (
	"time"

	"github.com/bwmarrin/discordgo"
)

// Permission bits the fake checks before acting for the bot.
const (
	permAdministrator = discordgo.PermissionAdministrator
	permSendMessages  = discordgo.PermissionSendMessages
	permManageRoles   = discordgo.PermissionManageRoles
	permManageEvents  = discordgo.PermissionManageEvents
)

type guild struct {
	id, name   string
	joinedAt   time.Time
	channelIDs []string
	roleIDs    []string
	roles      map[string]*discordgo.Role
	memberIDs  []string
	members    map[string]*discordgo.Member
	locale     string // preferred_locale; "" is en-US
}

// SetGuildLocale sets a guild's preferred_locale (such as "es-ES"), which
// its interactions carry as guild_locale.
func (s *Server) SetGuildLocale(guildID, locale string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustGuild(guildID).locale = locale
}

// preferredLocale is the guild's preferred_locale.
func (g *guild) preferredLocale() string {
	if g.locale == "" {
		return "en-US"
	}
	return g.locale
}

// world is what a test sets up before the bot connects: it is the state
// Discord would hold regardless of the bot.
type world struct {
	guilds   map[string]*guild
	guildIDs []string
	channels map[string]*discordgo.Channel
	users    map[string]*discordgo.User
	dmByUser map[string]string // user id -> DM channel id
	botPerms int64
	voice    voiceWorld // see voice.go
}

func (w *world) init() {
	w.guilds = map[string]*guild{}
	w.channels = map[string]*discordgo.Channel{}
	w.users = map[string]*discordgo.User{}
	w.dmByUser = map[string]string{}
	w.botPerms = discordgo.PermissionAll
}

func (s *Server) idOr(id string) string {
	if id == "" {
		return s.newIDLocked()
	}
	return id
}

// AddGuild adds a guild the bot is in, with its @everyone role and the bot as
// a member, and returns its id (a new one when id is empty). A connected bot
// receives GUILD_CREATE.
func (s *Server) AddGuild(id, name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id = s.idOr(id)
	g := &guild{id: id, name: name, joinedAt: s.now(), roles: map[string]*discordgo.Role{}, members: map[string]*discordgo.Member{}}
	g.roles[id] = &discordgo.Role{ID: id, Name: "@everyone", Permissions: discordgo.PermissionViewChannel | permSendMessages}
	g.roleIDs = []string{id}
	s.guilds[id] = g
	s.guildIDs = append(s.guildIDs, id)
	s.addMemberLocked(g, s.AppID)
	s.dispatchGuildCreateLocked(g)
	s.notifyLocked()
	return id
}

// AddChannel adds a text channel to a guild and returns its id.
func (s *Server) AddChannel(guildID, channelID, name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	channelID = s.idOr(channelID)
	ch := &discordgo.Channel{ID: channelID, GuildID: guildID, Name: name, Type: discordgo.ChannelTypeGuildText, Position: len(g.channelIDs)}
	s.channels[channelID] = ch
	g.channelIDs = append(g.channelIDs, channelID)
	s.dispatchLocked("CHANNEL_CREATE", guildID, discordgo.IntentsGuilds, ch)
	s.notifyLocked()
	return channelID
}

// DeleteChannel removes a channel, as an admin deleting it would; the bot's
// later requests to it get 404 Unknown Channel.
func (s *Server) DeleteChannel(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.channels[id]
	if !ok {
		return
	}
	delete(s.channels, id)
	if g := s.guilds[ch.GuildID]; g != nil {
		g.channelIDs = remove(g.channelIDs, id)
	}
	s.dispatchLocked("CHANNEL_DELETE", ch.GuildID, discordgo.IntentsGuilds, ch)
	s.notifyLocked()
}

// AddRole adds a role to a guild and returns its id.
func (s *Server) AddRole(guildID, roleID, name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	roleID = s.idOr(roleID)
	r := &discordgo.Role{ID: roleID, Name: name, Position: len(g.roleIDs)}
	g.roles[roleID] = r
	g.roleIDs = append(g.roleIDs, roleID)
	s.dispatchLocked("GUILD_ROLE_CREATE", guildID, discordgo.IntentsGuilds, &discordgo.GuildRole{GuildID: guildID, Role: r})
	s.notifyLocked()
	return roleID
}

// DeleteRole removes a role from a guild and from its members.
func (s *Server) DeleteRole(guildID, roleID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	if _, ok := g.roles[roleID]; !ok {
		return
	}
	delete(g.roles, roleID)
	g.roleIDs = remove(g.roleIDs, roleID)
	for _, m := range g.members {
		m.Roles = remove(m.Roles, roleID)
	}
	s.dispatchLocked("GUILD_ROLE_DELETE", guildID, discordgo.IntentsGuilds, map[string]string{"guild_id": guildID, "role_id": roleID})
	s.notifyLocked()
}

// AddUser adds a Discord user and returns its id.
func (s *Server) AddUser(id, name string, bot bool) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id = s.idOr(id)
	s.users[id] = &discordgo.User{ID: id, Username: name, GlobalName: name, Discriminator: "0", Bot: bot}
	s.notifyLocked()
	return id
}

// AddMember makes an existing user a member of a guild.
func (s *Server) AddMember(guildID, userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	s.mustUser(userID)
	m := s.addMemberLocked(g, userID)
	s.dispatchLocked("GUILD_MEMBER_ADD", guildID, discordgo.IntentsGuildMembers, m)
	s.notifyLocked()
}

func (s *Server) addMemberLocked(g *guild, userID string) *discordgo.Member {
	if m, ok := g.members[userID]; ok {
		return m
	}
	m := &discordgo.Member{GuildID: g.id, User: s.users[userID], JoinedAt: s.now(), Roles: []string{}}
	g.members[userID] = m
	g.memberIDs = append(g.memberIDs, userID)
	return m
}

// SetBotPermissions sets the bot's permission bits in every guild and
// channel. Without Manage Roles role grants answer 403 code 50013, without
// Send Messages channel messages do, without Manage Events scheduled events
// do. The default is every permission.
func (s *Server) SetBotPermissions(perms int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.botPerms = perms
	s.notifyLocked()
}

// MemberRoles returns the role ids a member has now.
func (s *Server) MemberRoles(guildID, userID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.guilds[guildID]; g != nil {
		if m := g.members[userID]; m != nil {
			return append([]string(nil), m.Roles...)
		}
	}
	return nil
}

func (s *Server) botCan(perm int64) bool {
	return s.botPerms&permAdministrator != 0 || s.botPerms&perm == perm
}

// mustGuild and mustUser stop the test on a setup mistake; they run on the
// test's goroutine, called from the world-building methods.
func (s *Server) mustGuild(id string) *guild {
	g, ok := s.guilds[id]
	if !ok {
		s.t.Fatalf("discordtest: unknown guild %q; call AddGuild first", id)
	}
	return g
}

func (s *Server) mustUser(id string) *discordgo.User {
	u, ok := s.users[id]
	if !ok {
		s.t.Fatalf("discordtest: unknown user %q; call AddUser first", id)
	}
	return u
}

// guildPayload builds the guild object of GUILD_CREATE and GET /guilds/{id}.
func (s *Server) guildPayload(g *guild, members bool) *discordgo.Guild {
	out := &discordgo.Guild{ID: g.id, Name: g.name, OwnerID: "1", JoinedAt: g.joinedAt, MemberCount: len(g.memberIDs), PreferredLocale: g.preferredLocale()}
	for _, id := range g.roleIDs {
		out.Roles = append(out.Roles, g.roles[id])
	}
	for _, id := range g.channelIDs {
		out.Channels = append(out.Channels, s.channels[id])
	}
	for _, id := range g.memberIDs {
		if members || id == s.AppID {
			out.Members = append(out.Members, g.members[id])
		}
	}
	return out
}

func (s *Server) dmChannelLocked(userID string) *discordgo.Channel {
	if id, ok := s.dmByUser[userID]; ok {
		return s.channels[id]
	}
	ch := &discordgo.Channel{ID: s.newIDLocked(), Type: discordgo.ChannelTypeDM, Recipients: []*discordgo.User{s.users[userID]}}
	s.channels[ch.ID] = ch
	s.dmByUser[userID] = ch.ID
	return ch
}

func remove(list []string, v string) []string {
	out := list[:0:0]
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}
