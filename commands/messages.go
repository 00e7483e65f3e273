package commands

// New user-facing text of the commands, gathered here (in English) for the
// translation catalogs.
const (
	// msgNotYourButton refuses a button pressed by someone it was not shown to.
	msgNotYourButton = "This button belongs to someone else: only the person it was shown to can press it. Use the command yourself."
	// msgRosterRefused refuses a roster page button the caller may not use.
	msgRosterRefused = "Only the facilitator and the observer of a group can see its roster."
	// msgPageOf follows the title of a paged list.
	msgPageOf = " (page %d of %d)"
	// msgPrevious and msgNext label the buttons of a paged list.
	msgPrevious = "◀ Previous"
	msgNext     = "Next ▶"
)
