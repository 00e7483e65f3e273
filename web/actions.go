package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/commands"
)

// The dashboard does nothing of its own: every action runs the handler of
// the slash command or DM button that does the same, through the router,
// as the visitor (their user id, the group's server, Manage Server when
// Discord says they have it). So Acknowledge here edits both alert DMs and
// tells the member exactly as the DM button does, and every check the
// handler makes (who may act, what state allows it) applies. The calls are
// gathered in this file so they can move to exported domain operations.

func (s *Server) dispatch(ctx context.Context, v *viewer, req *commands.Request) (*commands.Response, error) {
	req.User = commands.User{ID: v.sess.UserID, Name: v.sess.UserName}
	req.Now = s.o.Now()
	// Replies and refusals in the viewer's language; not remembered as the
	// language of their DMs (that is their Discord client's).
	req.Lang, req.Dashboard = v.lang, true
	if s.o.Router == nil {
		return nil, hearth.Errorf(hearth.EINTERNAL, "no router")
	}
	return s.o.Router.Dispatch(ctx, req)
}

// button presses a DM button of an alert (alert:ack, alert:resolve) as v.
func (s *Server) button(ctx context.Context, v *viewer, a *hearth.Alert, route string) error {
	_, err := s.dispatch(ctx, v, &commands.Request{Kind: commands.KindComponent, GuildID: a.GuildID,
		CustomID: route + ":" + strconv.FormatInt(a.ID, 10)})
	return err
}

// adminRequest is a command of an admin in guildID.
func adminRequest(guildID, path string, opts map[string]commands.Option) *commands.Request {
	return &commands.Request{Kind: commands.KindCommand, GuildID: guildID, Path: path, Options: opts,
		Permissions: commands.PermManageGuild}
}

// command runs a slash command as an admin of guildID and returns its reply text.
func (s *Server) adminCommand(ctx context.Context, v *viewer, guildID, path string, opts map[string]commands.Option) (string, error) {
	resp, err := s.dispatch(ctx, v, adminRequest(guildID, path, opts))
	if err != nil {
		return "", err
	}
	return resp.Message.Content, nil
}

// deleteGroup presses the Delete button of /group delete's confirmation.
func (s *Server) deleteGroup(ctx context.Context, v *viewer, g *hearth.Group) error {
	req := adminRequest(g.GuildID, "", nil)
	req.Kind = commands.KindComponent
	req.CustomID = "group:delete:" + strconv.FormatInt(g.ID, 10) + ":" + v.sess.UserID
	_, err := s.dispatch(ctx, v, req)
	return err
}

// exportData runs /privacy export in guildID and returns its file.
func (s *Server) exportData(ctx context.Context, v *viewer, guildID string) (*hearth.File, error) {
	resp, err := s.dispatch(ctx, v, &commands.Request{Kind: commands.KindCommand, GuildID: guildID, Path: "privacy export"})
	if err != nil {
		return nil, err
	}
	if len(resp.Message.Files) == 0 {
		return nil, hearth.Errorf(hearth.EINTERNAL, "privacy export returned no file")
	}
	return &resp.Message.Files[0], nil
}

// eraseData presses Delete my data of /privacy delete in guildID.
func (s *Server) eraseData(ctx context.Context, v *viewer, guildID string) (string, error) {
	resp, err := s.dispatch(ctx, v, &commands.Request{Kind: commands.KindComponent, GuildID: guildID,
		CustomID: "privacy:delete:" + v.sess.UserID})
	if err != nil {
		return "", err
	}
	return resp.Message.Content, nil
}

// redirectDone sends the visitor back with a notice after an action.
func redirectDone(w http.ResponseWriter, r *http.Request, to, done string) {
	http.Redirect(w, r, to+"?done="+done, http.StatusSeeOther)
}
