// Package scheduler runs hearth's durable work. The Engine claims due jobs
// from the database (so that exactly one worker in any process runs each),
// runs them through the handler registered for their kind, and retries
// transient Discord failures with backoff. The alert handlers deliver,
// acknowledge and escalate alerts; the planner turns group schedules into
// meetings and their reminder, start and end jobs.
//
// Time is injected: every component takes a Now func, and tests drive the
// engine with RunDue instead of waiting for timers.
package scheduler
