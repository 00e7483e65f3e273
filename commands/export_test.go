package commands

// Timezones and MatchTimezones expose the zone list and its matcher to the
// external tests.
var (
	Timezones      = timezones
	MatchTimezones = matchTimezones
)
