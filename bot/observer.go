package bot

import "time"

// Outcomes of an interaction, as told to an Observer.
const (
	OutcomeOK         = "ok"         // the handler's answer was sent
	OutcomeRefused    = "refused"    // the user was told what was wrong (a hearth.Error)
	OutcomeError      = "error"      // an internal error: the user got an apology
	OutcomePanic      = "panic"      // the handler panicked: the user got an apology
	OutcomeUnanswered = "unanswered" // the answer could not be sent to Discord
)

// Observer is told what the bot does, for monitoring, so that the bot does
// not depend on a metrics library. Its methods are called from many
// goroutines and must return quickly.
type Observer interface {
	// Interaction reports one interaction handled: the route it took (a
	// command path such as "group create", a component route such as
	// "alert:ack", never a custom id with ids in it), its outcome (one of
	// the Outcome constants) and how long the handler ran.
	Interaction(route, outcome string, took time.Duration)
	// RESTResponse reports the HTTP status of one response from Discord's
	// REST API, interaction callbacks included.
	RESTResponse(status int)
}

// nopObserver observes nothing.
type nopObserver struct{}

func (nopObserver) Interaction(string, string, time.Duration) {}
func (nopObserver) RESTResponse(int)                          {}
