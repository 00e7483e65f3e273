package commands

// Descriptions of the commands and options of running the meeting (SPEC
// §12): registered with Discord, localized by the [cmd] table of the
// catalogs at registration. The replies are in the catalogs' [cmd_notes],
// [cmd_round] and [cmd_voice] tables.
const (
	msgVoiceOption = "The voice or stage channel its meetings are held in"

	msgNotesCommand = "Session notes of a group's meetings (its psychologists)"
	msgNotesAdd     = "Write a note about the latest meeting that has started"
	msgNotesShow    = "The session notes of the last five meetings"
)
