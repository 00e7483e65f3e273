package hearth

import (
	"context"
	"time"
)

// UserData is everything hearth stores about one user as a member of one
// server: what /privacy show summarises, /privacy export hands over and
// /privacy delete erases. Notes are decrypted.
type UserData struct {
	GuildID     string
	UserID      string
	Groups      []*Group // the groups the rows below refer to, by name
	Memberships []*Membership
	CheckIns    []*CheckIn // oldest first
	Alerts      []*Alert   // oldest first
	// Presence are the user's stays in their groups' voice channels around
	// meetings (§12), oldest first.
	Presence []*PresenceInterval
	// Deliveries are the DMs of the user's alerts, by alert id.
	Deliveries map[int64][]*AlertDelivery
	// Actions are the audit entries of this server whose actor is the user.
	Actions []AuditEntry
	// SealedNotes counts the notes stored but not decrypted (UserSummary:
	// showing and erasing need no key); 0 when notes are decrypted.
	SealedNotes int
	// Language is the language of the user's latest interaction in the
	// server ("en", "es"), which their DMs use; empty when none is stored.
	Language string
}

// HasNotes reports whether any check-in or alert of the user carries a note.
func (d *UserData) HasNotes() bool {
	if d.SealedNotes > 0 {
		return true
	}
	for _, c := range d.CheckIns {
		if c.Note != "" {
			return true
		}
	}
	for _, a := range d.Alerts {
		if a.Note != "" {
			return true
		}
	}
	return false
}

// Erasure counts what EraseUser removed.
type Erasure struct {
	Memberships int
	CheckIns    int
	Alerts      int // with their deliveries
	Presence    int // voice presence intervals
	Jobs        int
	// Groups are the groups the user was a member of, so their roles can
	// be taken back after the rows are gone.
	Groups []*Group
}

// Purge counts what PurgeOlderThan removed.
type Purge struct {
	CheckIns int
	Alerts   int // resolved alerts, with their deliveries
	Jobs     int // job rows of those alerts
	Presence int // voice presence intervals
	Notes    int // session notes
}

// AuditPrivacyDelete is the audit action of an erasure: the entry names the
// member who asked and nothing else.
const AuditPrivacyDelete = "privacy.delete"

// JobRetention is the daily purge of data past each server's retention. It
// carries no ids: one run covers every server.
const JobRetention JobKind = "retention"

// PriorityRetention puts the daily purge behind alerts, meetings and reminders.
const PriorityRetention = 20

// PrivacyStore reads and erases what hearth keeps about a user, and purges
// what is past retention.
type PrivacyStore interface {
	// UserData returns everything stored about the user as a member of the
	// guild, notes decrypted.
	UserData(ctx context.Context, guildID, userID string) (*UserData, error)
	// UserSummary is UserData without decrypting a note (SealedNotes
	// counts them), for /privacy show and delete, which need no key.
	UserSummary(ctx context.Context, guildID, userID string) (*UserData, error)
	// EraseUser deletes, in one transaction with the audit entry, the user's
	// memberships, check-ins and alerts (with deliveries) in the guild, every
	// job row of one of those alerts or of the guild that names the user
	// (except work the user only receives: RecipientJobKinds), and the
	// user's places in the stored rotas of the guild's meetings (in the
	// rotas of meetings still to come, a sharer's turn goes to the next in
	// line, as when they leave); it enqueues the deletion of the erased
	// alerts' DMs (JobAlertDMDelete).
	EraseUser(ctx context.Context, guildID, userID string, audit AuditEntry) (*Erasure, error)
	// PurgeOlderThan deletes the guild's check-ins created before t and its
	// alerts resolved before t, with their deliveries and job rows, and
	// enqueues the deletion of those alerts' DMs (JobAlertDMDelete).
	PurgeOlderThan(ctx context.Context, guildID string, t time.Time) (*Purge, error)
	// GuildIDs returns every guild that has groups, alerts or settings.
	GuildIDs(ctx context.Context) ([]string, error)
	// PurgeJobs deletes the finished jobs last updated before t.
	PurgeJobs(ctx context.Context, t time.Time) (int, error)
}

// RetentionCutoff returns the instant before which a guild's data is past
// its retention at now.
func RetentionCutoff(s *GuildSettings, now time.Time) time.Time {
	days := s.RetentionDays
	if days <= 0 {
		days = DefaultRetentionDays
	}
	return now.UTC().AddDate(0, 0, -days)
}
