package commands

import (
	"context"
	"fmt"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// registerLeave defines /leave: a confirm button, then the member leaves the
// group, its rota and its role.
func (s *Service) registerLeave(rt *Router) {
	rt.Define(Command{
		Name:        "leave",
		Description: "Leave a support group",
		Options:     []OptionDef{GroupOpt(false)},
	})
	rt.Handle("leave", s.leave)
	rt.Component("leave:confirm", s.leaveConfirm)
	rt.Component("leave:cancel", s.leaveCancel)
}

func (s *Service) leave(ctx context.Context, r *Request) (*Response, error) {
	g, err := s.group(ctx, r)
	if err != nil {
		return nil, err
	}
	ids := fmt.Sprintf("%d:%s", g.ID, r.User.ID)
	return Reply(hearth.Message{
		Content: r.T(locale.CmdLeaveConfirm, locale.A("Group", g.Name)),
		Buttons: [][]hearth.Button{{
			{Label: r.T(locale.CmdLeaveLeaveButton), CustomID: "leave:confirm:" + ids, Style: hearth.ButtonDanger},
			{Label: r.T(locale.CmdLeaveCancelButton), CustomID: "leave:cancel:" + ids, Style: hearth.ButtonSecondary},
		}},
		Ephemeral: true,
	}), nil
}

func (s *Service) leaveConfirm(ctx context.Context, r *Request) (*Response, error) {
	g, err := s.pressedGroup(ctx, r, "leave:confirm")
	if err != nil {
		return nil, err
	}
	if err := s.Store.Leave(ctx, g.ID, r.User.ID); hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return nil, r.Err(hearth.ECONFLICT, locale.CmdLeaveNotMember, locale.A("Group", g.Name))
	} else if err != nil {
		return nil, err
	}
	s.Log.Info("member left", "group", g.ID, "user", r.User.ID)
	msg := r.T(locale.CmdLeaveLeft, locale.A("Group", g.Name))
	if g.RoleID != "" {
		if err := s.Discord.RemoveRole(ctx, g.GuildID, r.User.ID, g.RoleID); err != nil {
			if line := s.roleTrouble(ctx, r, g, err, false); line != "" {
				msg += "\n" + line
			}
		}
	}
	return Update(hearth.Message{Content: msg}), nil
}

func (s *Service) leaveCancel(ctx context.Context, r *Request) (*Response, error) {
	g, err := s.pressedGroup(ctx, r, "leave:cancel")
	if err != nil {
		return nil, err
	}
	return Update(hearth.Message{Content: r.T(locale.CmdLeaveStayed, locale.A("Group", g.Name))}), nil
}
