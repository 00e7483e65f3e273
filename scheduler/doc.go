// Package scheduler runs hearth's durable work. The Engine claims due jobs
// from the database (so that exactly one worker in any process runs each),
// runs them through the handler registered for their kind, and retries
// transient Discord failures with backoff until it gives up
// (scheduler.max_attempts, 24 hours, or a reminder's meeting start +
// catch_up). A job that fails for good is kept as failed and reported by
// Failures (giveup.go): a group's post to the staff channel or the
// psychologists, alert work to the staff channel, the clinical lead and the
// member. The alert handlers deliver, acknowledge and escalate alerts; the
// planner turns group schedules into meetings and their reminder, start and
// end jobs; Events keeps each server's Discord scheduled events in step.
//
// The life of a meeting:
//
//	Planner.PlanAll / Replan   stores the meeting (scheduled) with its jobs, in one
//	                           transaction: meeting.reminder per offset, meeting.start,
//	                           meeting.end, and a guild.events sync of its server
//	meeting.reminder           the first one fixes Meeting.Rota (ComputeRota with
//	                           round = DoneMeetings), posts it, queues meeting.dm jobs
//	meeting.start              status running; posts the check-in order and sharers
//	meeting.end                counts the shares of the rota (AdvanceRota on the
//	                           memberships), then status done: the next meeting rotates
//	Planner.Skip, Replan       status cancelled (hearth.CancelMeeting), its pending posts
//	                           cancelled by key prefix, a guild.events sync deletes
//	                           the event; /schedule skip only calls Planner.Skip
//	guild.events               one sync per server at a time publishes, edits and
//	                           deletes the events of the soonest scheduler.max_events
//	                           meetings, and queues itself for when the first ends
//
// Handlers read everything but ids from storage when they run, so a job
// planned weeks ago acts on the current group, members and rota. Work that
// follows a meeting's end (a summary for the psychologists) belongs after
// the status change in Meetings.end, or in a job it queues.
//
// Time is injected: every component takes a Now func, and tests drive the
// engine with RunDue or WaitIdle instead of waiting for timers. Only the
// planner's housekeeping tick (robfig/cron, every minute) follows the wall
// clock; what it does is decided by Now.
package scheduler
