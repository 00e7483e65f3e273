package hearth

// User-facing text of running the meeting (SPEC §12): the round, the
// pre-meeting brief and the voice-channel notice. Gathered here, in
// English, so it can move into the locale catalogs.
const (
	msgRoundCheckIn   = "🎙️ **Round** — check-in %d/%d"
	msgRoundSharing   = "🎙️ **Round** — sharing %d/%d"
	msgRoundOver      = "🎙️ **Round** — everyone has had their turn."
	msgRoundNow       = "\n**Now:** "
	msgRoundNext      = "\n**Next:** "
	msgRoundDone      = "\n**Done:** "
	msgRoundSkipped   = "\n**Skipped:** "
	msgRoundEarlier   = "%d earlier, then %s"
	msgRoundBtnNext   = "Next"
	msgRoundBtnSkip   = "Skip"
	msgRoundBtnShare  = "Sharing round"
	msgRoundClosed    = "The meeting has ended."
	msgRoundBadButton = "This button is not valid any more."

	msgBriefContent     = "Brief for the **%s** meeting %s (%s)."
	msgBriefTitle       = "Before the meeting"
	msgBriefAway        = "Away"
	msgBriefJoined      = "Joined since the last meeting"
	msgBriefAlerts      = "Alerts since the last meeting"
	msgBriefPast        = "Last meetings"
	msgBriefNobody      = "nobody"
	msgBriefMore        = " and %d more"
	msgBriefRelapse     = " · relapse"
	msgBriefOpen        = " · **still open**"
	msgBriefResolved    = " · resolved"
	msgBriefAlertCount  = "%d raised, %d still open"
	msgBriefMoreAlerts  = "\n… and %d more (see `/alerts list`)"
	msgBriefNoMood      = "no mood given"
	msgBriefMood        = "mood %.1f / 5"
	msgBriefPastLine    = "%s · %d of %d attended · %s"
	msgBriefNoPast      = "no earlier meetings"
	msgBriefUnreachable = "⚠️ hearth could not DM %s the pre-meeting brief of **%s**: their DMs are closed."

	msgVoiceGone     = "its voice channel no longer exists"
	msgVoiceNoAccess = "hearth is not allowed to see its voice channel"
	msgVoiceProblem  = "⚠️ hearth cannot take attendance from voice for **%s**: %s. An admin can pick a voice channel with `/group edit voice`, or give hearth the View Channel permission there."
)
