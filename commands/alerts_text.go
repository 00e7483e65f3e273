package commands

// User-facing texts added for alert hand-over, paging, summary details and
// old check-in buttons, gathered by key so they can move into the locale
// catalog.
const (
	msgButtonInvalid = "This button is not valid any more."
	msgAlertsNone    = "No open alerts in your groups."
	// msgHandOverLater: the change is saved, the open alerts follow shortly.
	msgHandOverLater = "The open alerts could not be handed over just now; they will be within a minute."
	// msgDetailsRefused is the one refusal of Details: unknown meeting,
	// another server's, another group's, or someone it was not sent to who
	// is not a psychologist of the group now.
	msgDetailsRefused = "You cannot see the details of this meeting. They are shown only to the psychologists its summary was sent to, while they are psychologists of its group."
	// msgDetailsTotalsOnly heads the totals a psychologist who joined later sees.
	msgDetailsTotalsOnly = "The **%s** meeting of %s was before your time as its psychologist, so you see its totals only: %d checked in; average mood %s. Per-member details are shown only to the psychologists its summary was sent to."
	msgDetailsBadPage    = "That page of notes does not exist. Press **Details** on the summary again."
	// msgCheckInAlertNotMember answers an old check-in button pressed by
	// someone who is no longer a member of its group.
	msgCheckInAlertNotMember = "You are no longer a member of this meeting's group, so this button cannot tell its psychologists.\n\n**If you need help now:** %s\n\nTo reach the psychologists of a group you belong to, use `/struggling` there."
)
