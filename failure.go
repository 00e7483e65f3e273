package hearth

import (
	"strconv"
	"time"
)

// Job kinds that report work hearth gave up on. They carry ids and a reason,
// never content.
const (
	// JobFailureReport tells the staff channel (or, failing that, each
	// psychologist of the group by DM: UserID) that a group's post or DM
	// could not be sent, and what to fix (Arg: a Failure reason).
	JobFailureReport JobKind = "failure.report"
	// JobAlertUndelivered tells the staff channel (Arg "staff") or the
	// clinical lead by DM (Arg "lead", UserID) that an alert could not be
	// delivered: no content, no member name.
	JobAlertUndelivered JobKind = "alert.undelivered"
)

// Reasons of a failure report: what went wrong, and so what to fix.
const (
	FailureChannelGone      = "channel-gone"      // the group channel was deleted (10003)
	FailureChannelForbidden = "channel-forbidden" // missing access or permission (50001, 50013)
	FailureRejected         = "rejected"          // Discord refused the payload (400, 50035): a bug
	FailureGaveUp           = "gave-up"           // transient failures until max_attempts or the deadline
	FailureSummary          = "summary"           // a psychologist's meeting summary could not be sent
)

// FailureReason names why a job failed for good: from the Discord error of
// a refusal, or FailureGaveUp when transient failures ran out of tries.
func FailureReason(err error, exhausted bool) string {
	if exhausted {
		return FailureGaveUp
	}
	switch Failure(err) {
	case FailGone:
		return FailureChannelGone
	case FailForbidden:
		return FailureChannelForbidden
	case FailRetry:
		return FailureGaveUp
	}
	return FailureRejected
}

// FailureReportJob reports that a job of group g failed for reason. One
// report per meeting and reason: a channel deleted before a meeting is one
// notice, not one per reminder, start post and notice.
func FailureReportJob(g *Group, meetingID int64, reason string, now time.Time) *Job {
	return &Job{
		Kind: JobFailureReport, Key: FailureReportKey(g.ID, meetingID, reason), Priority: PriorityMeeting, DueAt: now.UTC(),
		GuildID: g.GuildID, GroupID: g.ID, MeetingID: meetingID, Arg: reason,
	}
}

// FailureReportKey is the key of the report of reason about a meeting of
// group groupID.
func FailureReportKey(groupID, meetingID int64, reason string) string {
	return "failure:group:" + strconv.FormatInt(groupID, 10) + ":meeting:" + strconv.FormatInt(meetingID, 10) + ":" + reason
}

// FailureReportDM is the report r sent by DM to userID instead of the
// staff channel.
func FailureReportDM(r *Job, userID string, now time.Time) *Job {
	dm := *r
	dm.ID, dm.Status, dm.Attempts, dm.Result, dm.LastError = 0, "", 0, "", ""
	dm.Key, dm.UserID, dm.DueAt = r.Key+":dm:"+userID, userID, now.UTC()
	return &dm
}

// AlertUndeliveredJobs returns the reports of alert work that failed for
// good: a notice in the staff channel and a DM to the clinical lead (each
// if set), and a DM telling the member it may take longer (unless the
// member's own DM is what failed). Keys make each happen once per alert.
func AlertUndeliveredJobs(a *Alert, staffChannel, leadID string, tellMember bool, now time.Time) []*Job {
	var jobs []*Job
	if staffChannel != "" {
		jobs = append(jobs, AlertJob(JobAlertUndelivered, a, "", "staff", now, "undelivered", "staff"))
	}
	if leadID != "" {
		jobs = append(jobs, AlertJob(JobAlertUndelivered, a, leadID, "lead", now, "undelivered", "lead"))
	}
	if tellMember {
		jobs = append(jobs, AlertJob(JobAlertMember, a, a.UserID, "delay", now, "member", "delay"))
	}
	return jobs
}
