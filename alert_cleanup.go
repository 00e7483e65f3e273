package hearth

import (
	"strconv"
	"strings"
	"time"
)

// JobAlertDMDelete deletes from Discord one alert DM whose alert hearth
// erased (retention, /privacy delete, /group delete): Discord's copies
// follow hearth's. The alert and delivery rows are gone by then, so the job
// keeps what it needs in Arg ("<channel id>:<message id>"); AlertID and
// GroupID stay 0 so that erasing the alert or the group does not take the
// job with it. UserID is the DM's recipient.
const JobAlertDMDelete JobKind = "alert.dm.delete"

// PriorityCleanup is the lowest priority: tidying Discord's copies waits
// for every alert, meeting and reminder.
const PriorityCleanup = 20

// AlertDMDeleteJob returns the job that deletes the DM of delivery d of
// the erased alert alertID of guildID, due at now, or nil when no DM was
// sent.
func AlertDMDeleteJob(guildID string, alertID int64, d *AlertDelivery, now time.Time) *Job {
	if d.ChannelID == "" || d.MessageID == "" {
		return nil
	}
	return &Job{
		Kind:     JobAlertDMDelete,
		Key:      "alertdm:" + strconv.FormatInt(alertID, 10) + ":delete:" + d.MessageID,
		Priority: PriorityCleanup,
		DueAt:    now.UTC(),
		GuildID:  guildID,
		UserID:   d.RecipientID,
		Arg:      d.ChannelID + ":" + d.MessageID,
	}
}

// DMDeleteTarget returns the channel and message of a JobAlertDMDelete.
func DMDeleteTarget(j *Job) (channelID, messageID string, ok bool) {
	channelID, messageID, ok = strings.Cut(j.Arg, ":")
	return channelID, messageID, ok && channelID != "" && messageID != ""
}

// RecipientJobKinds are the kinds of work whose Job.UserID is only the
// person the work is addressed to (a psychologist's or lead's alert DM,
// their summary, a deletion of their copy of an erased alert), not the
// person it is about. /privacy delete by that person leaves them: it
// erases what is about the caller, not their work for others. Work about
// the caller's own alerts goes with those alerts whatever its kind.
var RecipientJobKinds = []JobKind{
	JobAlertDM, JobAlertRemind, JobAlertEdit, JobAlertEscalate, JobAlertStaff,
	JobMeetingSummary, JobMeetingStaff, JobAlertDMDelete,
}
