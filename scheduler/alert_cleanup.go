package scheduler

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/hearthbot/hearth"
)

// AlertCleanup deletes from Discord the alert DMs of alerts hearth erased
// (hearth.JobAlertDMDelete), at the lowest priority and retried like any
// delivery, so Discord's copies follow hearth's.
type AlertCleanup struct {
	Engine  *Engine
	Discord hearth.Discord
	Log     *slog.Logger
}

// Register registers the handler on the engine.
func (c *AlertCleanup) Register() { c.Engine.Register(hearth.JobAlertDMDelete, c.deleteDM) }

func (c *AlertCleanup) deleteDM(ctx context.Context, j *hearth.Job) (string, error) {
	channelID, messageID, ok := hearth.DMDeleteTarget(j)
	if !ok {
		return "", fmt.Errorf("alert DM deletion: malformed argument")
	}
	err := c.Discord.Delete(ctx, channelID, messageID)
	if err != nil && hearth.Failure(err) == hearth.FailGone {
		return "gone", nil // deleted already, by hand or by an earlier attempt
	}
	if err != nil {
		return "", fmt.Errorf("delete alert DM %s in %s: %w", messageID, channelID, err)
	}
	return "deleted", nil
}
