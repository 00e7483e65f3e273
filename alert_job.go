package hearth

import (
	"strconv"
	"time"
)

// Job kinds of the alert path.
const (
	JobAlertDM       JobKind = "alert.dm"       // the alert DM to one recipient (UserID)
	JobAlertRemind   JobKind = "alert.remind"   // escalation: a second DM to a psychologist
	JobAlertEdit     JobKind = "alert.edit"     // bring one recipient's DM up to date
	JobAlertEscalate JobKind = "alert.escalate" // due when the alert must have been acknowledged
	JobAlertStaff    JobKind = "alert.staff"    // a content-free notice in the staff channel (Arg: reason)
	JobAlertMember   JobKind = "alert.member"   // a DM to the member (Arg: "ack" or "delay")
)

// Reasons of a staff notice.
const (
	StaffEscalated   = "escalated"
	StaffUnreachable = "unreachable"
)

// AlertKeyPlaceholder stands for the id of an alert not stored yet in the
// keys of the jobs created with it; the store replaces it.
const AlertKeyPlaceholder = "{alert}"

// AlertKey returns the key of one piece of an alert's work.
func AlertKey(alertID int64, parts ...string) string {
	k := "alert:" + AlertKeyPlaceholder
	if alertID != 0 {
		k = "alert:" + strconv.FormatInt(alertID, 10)
	}
	for _, p := range parts {
		k += ":" + p
	}
	return k
}

// AlertJob returns a job of the alert path, due at due, ahead of all reminders.
func AlertJob(kind JobKind, a *Alert, userID, arg string, due time.Time, keyParts ...string) *Job {
	return &Job{
		Kind:     kind,
		Key:      AlertKey(a.ID, keyParts...),
		Priority: PriorityAlert,
		DueAt:    due,
		GuildID:  a.GuildID,
		GroupID:  a.GroupID,
		AlertID:  a.ID,
		UserID:   userID,
		Arg:      arg,
	}
}

// NewAlertWork returns the deliveries and jobs of a new alert: a DM to each
// psychologist now, and the escalation check when it is due.
func NewAlertWork(a *Alert, g *Group, cfg AlertsConfig) ([]*AlertDelivery, []*Job) {
	deliveries := []*AlertDelivery{
		{RecipientID: g.FacilitatorID, Role: RoleFacilitator, Status: DeliveryPending},
		{RecipientID: g.ObserverID, Role: RoleObserver, Status: DeliveryPending},
	}
	var jobs []*Job
	for _, d := range deliveries {
		jobs = append(jobs, AlertJob(JobAlertDM, a, d.RecipientID, d.Role, a.CreatedAt, "dm", d.RecipientID))
	}
	jobs = append(jobs, AlertJob(JobAlertEscalate, a, "", "", a.CreatedAt.Add(cfg.EscalateAfter(a.Urgency)), "escalate"))
	return deliveries, jobs
}

// AlertChangedJobs returns the work after an alert was acknowledged or
// resolved: every delivered DM is edited to show it, and on acknowledgement
// the member is told.
func AlertChangedJobs(a *Alert, deliveries []*AlertDelivery, now time.Time) []*Job {
	var jobs []*Job
	step := string(a.Status)
	for _, d := range deliveries {
		jobs = append(jobs, AlertJob(JobAlertEdit, a, d.RecipientID, "", now, "edit", step, d.RecipientID))
	}
	if a.Status == AlertAcknowledged {
		jobs = append(jobs, AlertJob(JobAlertMember, a, a.UserID, "ack", now, "member", "ack"))
	}
	return jobs
}

// IsRecipient reports whether userID may act on the alert: one of its
// delivered-to people (the psychologists, and the clinical lead once the
// alert escalated to them).
func IsRecipient(deliveries []*AlertDelivery, userID string) bool {
	for _, d := range deliveries {
		if d.RecipientID == userID {
			return true
		}
	}
	return false
}
