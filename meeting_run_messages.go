package hearth

// The English messages of running the meeting (SPEC §12) that are error
// Messages, which logs and tests read. Readers get them from the catalog
// (dom_round) in their language; the round, the brief and the voice notice
// are built from the catalog directly (round.go, brief.go, presence.go).
const (
	msgRoundBadButton = "This button is not valid any more."
)
