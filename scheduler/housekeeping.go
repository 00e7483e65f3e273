package scheduler

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/robfig/cron/v3"
)

// Run plans at once, then runs the planner's housekeeping with robfig/cron
// (every minute by default, with panic recovery) until ctx ends. Each run
// extends every group's plan to the horizon, so a host that was paused or
// asleep catches up on its next tick. Reminders themselves are jobs in the
// database, claimed by the Engine: there is no cron entry per reminder.
func (p *Planner) Run(ctx context.Context) error {
	every := p.Every
	if every == "" {
		every = "@every 1m"
	}
	logger := cronLogger{p.Log}
	c := cron.New(cron.WithChain(cron.Recover(logger)), cron.WithLogger(logger))
	if _, err := c.AddFunc(every, func() { p.housekeep(ctx) }); err != nil {
		return fmt.Errorf("planner housekeeping schedule %q: %w", every, err)
	}
	p.housekeep(ctx)
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

func (p *Planner) housekeep(ctx context.Context) {
	if ctx.Err() != nil {
		return
	}
	if _, err := p.PlanAll(ctx); err != nil && ctx.Err() == nil {
		p.Log.Error("unable to plan meetings", "error", err)
	}
}

// cronLogger writes robfig/cron's log through slog: its routine scheduling
// chatter at debug, its errors (a recovered panic) at error.
type cronLogger struct{ log *slog.Logger }

// Info implements cron.Logger.
func (l cronLogger) Info(msg string, keysAndValues ...any) {
	l.log.Debug("cron: "+msg, keysAndValues...)
}

// Error implements cron.Logger.
func (l cronLogger) Error(err error, msg string, keysAndValues ...any) {
	l.log.Error("cron: "+msg, append(keysAndValues, "error", err)...)
}
