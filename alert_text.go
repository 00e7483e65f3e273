package hearth

// The English messages of the alert path's refusals (hand-over and the one
// authorization rule): the Message of their errors, which logs and tests
// read. Readers get the same message from the catalog in their language
// (the dom_alert keys, through hearth.Errorm).
const (
	// msgAlertRefused is the one refusal for an alert id someone may not act
	// on: unknown, erased, of another server or of another group.
	msgAlertRefused = "Alert #%d is not an alert of a group you coordinate. Only its group's psychologists (and the clinical lead, once it escalated) can act on it."
	// msgAlertPassed answers a replaced psychologist who received the alert.
	msgAlertPassed = "Alert #%d has passed to the group's current psychologists: you are no longer one of them, so you can no longer see or act on it."
	// msgAlertPassedLead answers a former clinical lead who received the alert.
	msgAlertPassedLead        = "Alert #%d has passed to the server's current clinical lead and the group's current psychologists: you can no longer see or act on it."
	msgAlertAlreadyAcked      = "Alert #%d was already acknowledged by %s %s."
	msgAlertAlreadyResolved   = "Alert #%d was already resolved by %s."
	msgAlertAlreadyResolvedAt = "Alert #%d was already resolved by %s %s."
	msgAlertsNoRole           = "Only the facilitator and the observer of a group (and the clinical lead, for the alerts that escalated to them) can see its alerts, and you are none of these in this server. The alerts of a group you no longer coordinate have passed to its current psychologists."
	msgAlertsNotYourGroup     = "Only the facilitator and the observer of that group (and the clinical lead, for the alerts that escalated to them) can see its alerts. If you coordinated it before, its alerts have passed to its current psychologists."
)
