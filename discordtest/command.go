package discordtest

import (
	"fmt"
	"net/http"

	"github.com/bwmarrin/discordgo"
)

func (s *Server) checkApp(r *request) *response {
	if r.params["application_id"] != s.AppID {
		return apiError(http.StatusForbidden, 50001, "Missing Access")
	}
	if gid := r.params["guild_id"]; gid != "" {
		if _, found := s.guilds[gid]; !found {
			return apiError(http.StatusNotFound, 10004, "Unknown Guild")
		}
	}
	return nil
}

func (s *Server) getCommands(r *request) *response {
	if resp := s.checkApp(r); resp != nil {
		return resp
	}
	return ok(orEmpty(s.commands[r.params["guild_id"]]))
}

// putCommands is the bulk overwrite: the stored set becomes the body, and a
// command keeps its id when its name and type are unchanged, as on Discord.
func (s *Server) putCommands(r *request) *response {
	if resp := s.checkApp(r); resp != nil {
		return resp
	}
	var cmds []*discordgo.ApplicationCommand
	if !r.decode(&cmds) {
		return s.invalidLocked(r, http.StatusBadRequest, 50035, "body must be an array of application commands")
	}
	guildID := r.params["guild_id"]
	old := map[string]*discordgo.ApplicationCommand{}
	for _, c := range s.commands[guildID] {
		old[commandKey(c)] = c
	}
	seen := map[string]bool{}
	out := make([]*discordgo.ApplicationCommand, 0, len(cmds))
	for _, c := range cmds {
		if c.Type == 0 {
			c.Type = discordgo.ChatApplicationCommand
		}
		key := commandKey(c)
		if seen[key] {
			return s.invalidLocked(r, http.StatusBadRequest, 50035, "duplicate command name "+c.Name)
		}
		seen[key] = true
		c.ID = s.newIDLocked()
		if prev := old[key]; prev != nil {
			c.ID = prev.ID
		}
		c.ApplicationID, c.GuildID, c.Version = s.AppID, guildID, s.newIDLocked()
		out = append(out, c)
	}
	s.commands[guildID] = out
	return ok(out)
}

func commandKey(c *discordgo.ApplicationCommand) string {
	return fmt.Sprintf("%d:%s", c.Type, c.Name)
}

// Commands returns the command definitions the bot registered for a guild,
// or the global ones when guildID is empty.
func (s *Server) Commands(guildID string) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*discordgo.ApplicationCommand(nil), s.commands[guildID]...)
}

// findCommand looks a command up in the guild's set, then the global set.
func (s *Server) findCommand(guildID, name string, typ discordgo.ApplicationCommandType) *discordgo.ApplicationCommand {
	for _, set := range [][]*discordgo.ApplicationCommand{s.commands[guildID], s.commands[""]} {
		for _, c := range set {
			if c.Name == name && c.Type == typ {
				return c
			}
		}
	}
	return nil
}
