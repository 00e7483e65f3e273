package commands

// New user-facing text of the commands, gathered here (in English) for the
// translation catalogs.
const (
	// msgRosterRefused refuses a roster page button the caller may not use.
	msgRosterRefused = "Only the facilitator and the observer of a group can see its roster."
	// msgPageOf follows the title of a paged list.
	msgPageOf = " (page %d of %d)"
	// msgPrevious and msgNext label the buttons of a paged list.
	msgPrevious = "◀ Previous"
	msgNext     = "Next ▶"
)
