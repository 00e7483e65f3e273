package commands

import (
	"context"

	"github.com/hearthbot/hearth"
)

// registerReminders defines /reminders: a member also gets meeting
// reminders by DM, in every group of this server they belong to.
func (s *Service) registerReminders(rt *Router) {
	rt.Define(Command{
		Name:        "reminders",
		Description: "Also get meeting reminders by DM",
		Options:     []OptionDef{Bool("dm", "Send me reminders by DM too", true)},
	})
	rt.Handle("reminders", s.reminders)
}

func (s *Service) reminders(ctx context.Context, r *Request) (*Response, error) {
	if err := guildOnly(r); err != nil {
		return nil, err
	}
	on, ok := r.Bool("dm")
	if !ok {
		return nil, hearth.Errorf(hearth.EINVALID, "Say `dm:true` to get reminders by DM too, or `dm:false` to stop them.")
	}
	n, err := s.Store.SetDMReminders(ctx, r.GuildID, r.User.ID, on)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, hearth.Errorf(hearth.ENOTFOUND, "You are not in any group of this server, so there are no reminders to change. Use `/join` to join one.")
	}
	groups := "your group"
	if n > 1 {
		groups = "all your groups in this server"
	}
	if on {
		return Ephemeralf("Done: you will also get the reminders of %s by DM. (If your DMs are closed, you will still see them in the group's channel.)", groups), nil
	}
	return Ephemeralf("Done: no more reminders by DM for %s; they are still posted in the group's channel.", groups), nil
}
