package scheduler

import (
	"context"
	"fmt"

	"github.com/hearthbot/hearth"
)

// GroupRoleStore is what the group role notice reads.
type GroupRoleStore interface {
	hearth.GroupStore
	hearth.GuildStore
}

// GroupRoles posts the staff notice about a group role that breaks the
// rule (hearth.JobGroupRoleNotice).
type GroupRoles struct {
	Engine  *Engine
	Store   GroupRoleStore
	Discord hearth.Discord
}

// Register registers the handler on the engine.
func (s *GroupRoles) Register() { s.Engine.Register(hearth.JobGroupRoleNotice, s.notice) }

func (s *GroupRoles) notice(ctx context.Context, j *hearth.Job) (string, error) {
	g, err := s.Store.Group(ctx, j.GroupID)
	if hearth.ErrorCode(err) == hearth.ENOTFOUND {
		return "", ErrCancelled
	} else if err != nil {
		return "", fmt.Errorf("load group: %w", err)
	}
	if g.RoleID != j.Arg {
		return "", ErrCancelled // the role was changed meanwhile
	}
	settings, err := s.Store.GuildSettings(ctx, g.GuildID)
	if err != nil {
		return "", fmt.Errorf("load guild settings: %w", err)
	}
	if settings.StaffChannelID == "" {
		return "", ErrCancelled
	}
	msg := hearth.GroupRoleNotice(g, groupLang(g))
	return s.Discord.Send(ctx, settings.StaffChannelID, &msg, nonce(j))
}
