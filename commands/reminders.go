package commands

import (
	"context"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
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
		return nil, &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.RemindersSayDm)}
	}
	n, err := s.Store.SetDMReminders(ctx, r.GuildID, r.User.ID, on)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, &hearth.Error{Code: hearth.ENOTFOUND, Message: r.T(locale.RemindersNoGroup)}
	}
	groups := r.T(locale.RemindersOneGroup)
	if n > 1 {
		groups = r.T(locale.RemindersAllGroups)
	}
	if on {
		return Ephemeral(r.T(locale.RemindersOn, locale.A("Groups", groups))), nil
	}
	return Ephemeral(r.T(locale.RemindersOff, locale.A("Groups", groups))), nil
}
