package hearth

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
	"unicode/utf8"
)

// JobGuildEvents brings a server's Discord scheduled events in step with its
// meetings: one job kind for all of a server's events, so that one writer
// decides which meetings have an event (Discord allows 100 per server) and
// publishes, edits and deletes them.
const JobGuildEvents JobKind = "guild.events"

// PriorityEvent runs after reminders: publishing events never delays a post.
const PriorityEvent = 15

// Discord's limits on an external scheduled event.
const (
	EventNameMax        = 100
	EventDescriptionMax = 1000
	EventLocationMax    = 100
)

// EventsKey returns the key of a sync of guildID's events. why names what
// asked for it and must be unique for work that must not be merged with an
// earlier sync ("cancel:<meeting>", "plan:<token>"); syncs asked for at a
// time share "at:<unix>".
func EventsKey(guildID, why string) string { return "events:" + guildID + ":" + why }

// EventsJob returns a sync of guildID's scheduled events, due at due.
func EventsJob(guildID string, due time.Time, why string) *Job {
	return &Job{Kind: JobGuildEvents, Key: EventsKey(guildID, why), Priority: PriorityEvent, DueAt: due.UTC(), GuildID: guildID}
}

// EventsAtJob returns the sync due at t: every request for the same second
// is the same job.
func EventsAtJob(guildID string, t time.Time) *Job {
	return EventsJob(guildID, t, "at:"+strconv.FormatInt(t.Unix(), 10))
}

// ClipEvent cuts an event's name, description and location to Discord's
// limits, counted in characters.
func ClipEvent(e *ScheduledEvent) {
	e.Name = clipRunes(e.Name, EventNameMax)
	e.Description = clipRunes(e.Description, EventDescriptionMax)
	e.Location = clipRunes(e.Location, EventLocationMax)
}

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// EventSignature is a short digest of what an event says, stored with the
// meeting so that only events whose meeting changed are edited.
func EventSignature(e *ScheduledEvent) string {
	h := sha256.New()
	for _, s := range []string{e.GuildID, e.Name, e.Description, e.Location, e.StartsAt.UTC().Format(time.RFC3339), e.EndsAt.UTC().Format(time.RFC3339)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}
