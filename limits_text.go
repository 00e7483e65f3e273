package hearth

// The user-facing text of messages split or clipped to fit Discord's limits,
// gathered here (in English) for the translation catalogs.
const (
	// msgAndMore ends a list clipped to fit a field.
	msgAndMore = " … and %d more"
)
