package hearth

import (
	"strconv"
	"strings"
	"time"
)

// Job kinds of the alert path.
const (
	JobAlertDM       JobKind = "alert.dm"       // the alert DM to one recipient (UserID)
	JobAlertRemind   JobKind = "alert.remind"   // escalation: a second DM to a psychologist
	JobAlertEdit     JobKind = "alert.edit"     // bring one recipient's DM up to date
	JobAlertEscalate JobKind = "alert.escalate" // due when the alert must have been acknowledged (Arg: see EscalationArg)
	JobAlertStaff    JobKind = "alert.staff"    // a content-free notice in the staff channel (Arg: reason)
	JobAlertMember   JobKind = "alert.member"   // a DM to the member (Arg: "ack" or "delay")
	// JobAlertReassign hands the open alerts of a group (GroupID), or of
	// every group of a server (GuildID, GroupID 0), to the people who may act
	// on them now: after /group edit replaced a psychologist or /settings
	// lead changed the clinical lead.
	JobAlertReassign JobKind = "alert.reassign"
)

// Reasons of a staff notice. Each says only what is true when it is sent.
const (
	StaffEscalated   = "escalated"   // not acknowledged in time
	StaffUnreachable = "unreachable" // one psychologist unreachable; another one was told
	// StaffNoneLeadTold: no psychologist could be reached; the clinical lead was told.
	StaffNoneLeadTold = "none-lead"
	// StaffNoneNoLead: no psychologist could be reached and no clinical lead is set: nobody was told.
	StaffNoneNoLead = "none-nolead"
	// StaffNoneLeadUnreachable: neither the psychologists nor the clinical lead could be reached.
	StaffNoneLeadUnreachable = "none-lead-unreachable"
	// StaffLeadUnreachable: the clinical lead could not be reached about an escalated alert.
	StaffLeadUnreachable = "lead-unreachable"
)

// EscalationUnreachable is the reason of an escalation made at once because
// no current psychologist of the group could be reached by DM.
const EscalationUnreachable = "unreachable"

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

// rev is the key part of the alert's current revision.
func rev(a *Alert) string { return "r" + strconv.Itoa(a.Revision) }

// EscalationArg is the Arg of an escalation job: the number of the
// escalation it makes and, after a colon, its reason ("" when the alert was
// not acknowledged in time).
func EscalationArg(n int, reason string) string {
	if reason == "" {
		return strconv.Itoa(n)
	}
	return strconv.Itoa(n) + ":" + reason
}

// ParseEscalationArg reads an escalation job's Arg; the empty Arg of jobs
// stored before escalations were numbered is the first escalation.
func ParseEscalationArg(arg string) (n int, reason string) {
	num, reason, _ := strings.Cut(arg, ":")
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 {
		n = 1
	}
	return n, reason
}

// EscalationJob returns the job that makes the alert's next escalation at
// due; keyParts tell it apart from other escalation jobs of that number.
func EscalationJob(a *Alert, due time.Time, reason string, keyParts ...string) *Job {
	n := a.Escalations + 1
	parts := append([]string{"escalate", strconv.Itoa(n)}, keyParts...)
	return AlertJob(JobAlertEscalate, a, "", EscalationArg(n, reason), due, parts...)
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
	jobs = append(jobs, EscalationJob(a, a.CreatedAt.Add(cfg.EscalateAfter(a.Urgency)), ""))
	return deliveries, jobs
}

// AlertChangedJobs returns the work after an alert was acknowledged or
// resolved: the DM of everyone who may still act on it is edited to show
// it, and on acknowledgement the member is told. Keys carry the alert's
// revision, so a second acknowledgement (after a hand-over) is shown too.
func AlertChangedJobs(a *Alert, deliveries []*AlertDelivery, now time.Time) []*Job {
	var jobs []*Job
	for _, d := range deliveries {
		if d.Active() {
			jobs = append(jobs, AlertJob(JobAlertEdit, a, d.RecipientID, "", now, "edit", rev(a), d.RecipientID))
		}
	}
	if a.Status == AlertAcknowledged {
		jobs = append(jobs, AlertJob(JobAlertMember, a, a.UserID, "ack", now, "member", "ack", rev(a)))
	}
	return jobs
}

// Escalated reports whether the alert has escalated to the clinical lead.
func (a *Alert) Escalated() bool { return !a.EscalatedAt.IsZero() || a.Escalations > 0 }

// MayActOnAlert reports whether userID may act on alert a of group g now,
// leadID being the server's clinical lead: the group's current facilitator
// or observer, or the current clinical lead once the alert has escalated.
// Who received the alert before does not count (SPEC §5: an open alert
// belongs to the group's psychologists of now).
func MayActOnAlert(a *Alert, g *Group, leadID, userID string) bool {
	if userID == "" || a.GroupID != g.ID || a.GuildID != g.GuildID {
		return false
	}
	if g.IsPsychologist(userID) {
		return true
	}
	return leadID != "" && userID == leadID && a.Escalated()
}

// alertRecipient is someone who should hold a delivery of an alert.
type alertRecipient struct{ id, role string }

// alertRecipients returns who may act on the alert now, with their role.
func alertRecipients(a *Alert, g *Group, leadID string) []alertRecipient {
	rs := []alertRecipient{{g.FacilitatorID, RoleFacilitator}, {g.ObserverID, RoleObserver}}
	if leadID != "" && !g.IsPsychologist(leadID) && a.Escalated() {
		rs = append(rs, alertRecipient{leadID, RoleLead})
	}
	return rs
}

// SyncAlertDeliveries makes the deliveries of an open alert match who may
// act on it now (SPEC §5). Someone who may no longer act loses their
// delivery (revoked: their DM is edited to say the alert passed on, with no
// content); someone new gets the DM at once. An alert acknowledged by
// someone who may no longer act is open again and escalates at its
// original deadline, or at once if that has passed. It changes a and the
// deliveries in place and returns the deliveries it changed or added (ID
// zero) and the jobs; none when nothing had to change.
func SyncAlertDeliveries(a *Alert, ds []*AlertDelivery, g *Group, leadID string, cfg AlertsConfig, now time.Time) ([]*AlertDelivery, []*Job) {
	if a.Status == AlertResolved {
		return nil, nil
	}
	want := alertRecipients(a, g, leadID)
	wanted := func(id string) bool {
		for _, w := range want {
			if w.id == id {
				return true
			}
		}
		return false
	}
	var changed []*AlertDelivery
	var jobs []*Job
	for _, d := range ds {
		if d.Active() && !wanted(d.RecipientID) {
			d.Status = DeliveryRevoked
			changed = append(changed, d)
			if d.MessageID != "" {
				jobs = append(jobs, AlertJob(JobAlertEdit, a, d.RecipientID, "", now, "edit", rev(a), d.RecipientID))
			}
		}
	}
	fresh := map[string]bool{}
	for _, w := range want {
		var d *AlertDelivery
		for _, x := range ds {
			if x.RecipientID == w.id {
				d = x
			}
		}
		switch {
		case d == nil:
			d = &AlertDelivery{AlertID: a.ID, RecipientID: w.id, Role: w.role, Status: DeliveryPending}
		case !d.Active():
			d.Status, d.MessageID, d.Role = DeliveryPending, "", w.role
		case d.Role != w.role:
			d.Role = w.role
			changed = append(changed, d)
			continue
		default:
			continue
		}
		fresh[w.id] = true
		changed = append(changed, d)
		jobs = append(jobs, AlertJob(JobAlertDM, a, w.id, w.role, now, "dm", w.id, rev(a)))
	}
	if a.Status == AlertAcknowledged && !wanted(a.AckBy) {
		a.Status, a.AckBy, a.AckAt = AlertOpen, "", time.Time{}
		for _, d := range ds {
			if d.Active() && d.MessageID != "" && !fresh[d.RecipientID] {
				jobs = append(jobs, AlertJob(JobAlertEdit, a, d.RecipientID, "", now, "edit", rev(a), d.RecipientID))
			}
		}
		due := a.CreatedAt.Add(cfg.EscalateAfter(a.Urgency))
		if due.Before(now) {
			due = now
		}
		jobs = append(jobs, EscalationJob(a, due, "", rev(a)))
	}
	return changed, jobs
}
