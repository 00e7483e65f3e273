package hearth

// The user-facing text of messages split or clipped to fit Discord's limits,
// gathered here (in English) for the translation catalogs.
const (
	// orderPartTitle heads each part of a check-in order split over messages.
	orderPartTitle = "**Check-in order (%d/%d):** "
	// msgOrderPlace replaces the check-in order of a DM too long for Discord.
	msgOrderPlace = "**Check-in order:** you are number %d of %d; the whole order is in %s."
	// msgAndMore ends a list clipped to fit a field.
	msgAndMore = " … and %d more"
)
