package commands

// User-facing text of running the meeting (SPEC §12): the voice option,
// the round's buttons and session notes. Gathered here, in English, so it
// can move into the locale catalogs.
const (
	msgVoiceOption = "The voice or stage channel its meetings are held in"
	msgNotVoice    = "<#%s> is not a voice or stage channel. Pick the channel where the group meets."

	msgFromPresence    = "in voice, did not check in"
	msgRosterFromVoice = ", %d from voice"

	msgRoundRefused = "Only the group's facilitator and observer can move the round."
	msgRoundGone    = "This round is not available any more."

	msgNotesCommand   = "Session notes of a group's meetings (its psychologists)"
	msgNotesAdd       = "Write a note about the latest meeting that has started"
	msgNotesShow      = "The session notes of the last five meetings"
	msgNotesRefused   = "Only the group's facilitator and observer can write or read its session notes."
	msgNotesNoMeeting = "**%s** has had no meeting yet, so there is nothing to attach a note to."
	msgNotesTitle     = "Session note"
	msgNotesLabel     = "About the session (please no member names)"
	msgNotesHint      = "What happened in the session, themes, follow-ups. Do not write members' names."
	msgNotesSaved     = "Saved your session note on the **%s** meeting of %s. Only its facilitator and observer can read it, with `/notes show`."
	msgNotesEmpty     = "A session note cannot be empty."
	msgNotesTooLong   = "A session note can be at most %d characters; yours has %d."
	msgNotesNone      = "No session notes on the last %d meetings of **%s**."
	msgNotesPage      = "Session notes of **%s** — %d of %d"
	msgNotesPrev      = "Previous"
	msgNotesNext      = "Next"
	msgNotesButton    = "Session notes (%d)"
	msgNotesMeetingOf = "Meeting of "
	msgNotesWrittenBy = "Written by"
)
