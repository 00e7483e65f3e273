package hearth

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits and defaults of a group (SPEC §2).
const (
	MaxGroupName     = 50
	DefaultSharers   = 2
	MaxSharers       = 10
	DefaultLength    = 90 // minutes
	MinLength        = 15
	MaxLength        = 480
	MaxReminderCount = 5
	MinReminder      = 5 * time.Minute
	MaxReminder      = 7 * 24 * time.Hour
)

// DefaultReminderOffsets are the reminders of a new group: a day and an hour
// before each meeting.
var DefaultReminderOffsets = []time.Duration{24 * time.Hour, time.Hour}

// Group is a peer-support group of one Discord server, coordinated by two
// psychologists: a facilitator and an observer.
type Group struct {
	ID              int64
	GuildID         string
	Name            string
	ChannelID       string
	RoleID          string // optional role granted to members
	VoiceChannelID  string // optional voice or stage channel its meetings are held in (§12)
	FacilitatorID   string
	ObserverID      string
	Timezone        string // IANA name
	Schedule        string // as the admin wrote it; empty: no recurring meetings
	ScheduleSetAt   time.Time
	LengthMinutes   int
	ReminderOffsets []time.Duration
	Sharers         int
	Language        string // channel posts: "en" or "es" (SPEC §10); empty is English
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// IsPsychologist reports whether userID is the group's facilitator or observer.
func (g *Group) IsPsychologist(userID string) bool {
	return userID != "" && (userID == g.FacilitatorID || userID == g.ObserverID)
}

// Psychologists returns the facilitator and the observer.
func (g *Group) Psychologists() []string { return []string{g.FacilitatorID, g.ObserverID} }

// Location returns the group's time zone.
func (g *Group) Location() (*time.Location, error) { return LoadLocation(g.Timezone) }

// Length returns the meeting length.
func (g *Group) Length() time.Duration { return time.Duration(g.LengthMinutes) * time.Minute }

// Validate checks the fields an admin sets and says what is accepted.
func (g *Group) Validate() error {
	name := strings.TrimSpace(g.Name)
	if name == "" || utf8.RuneCountInString(name) > MaxGroupName {
		return Errorf(EINVALID, "The group name must be 1 to %d characters.", MaxGroupName)
	}
	if g.FacilitatorID == "" || g.ObserverID == "" {
		return Errorf(EINVALID, "A group needs both a facilitator and an observer.")
	}
	if g.FacilitatorID == g.ObserverID {
		return Errorf(EINVALID, "The facilitator and the observer must be two different people.")
	}
	if g.ChannelID == "" {
		return Errorf(EINVALID, "A group needs a text channel.")
	}
	if _, err := LoadLocation(g.Timezone); err != nil {
		return err
	}
	if g.Sharers < 0 || g.Sharers > MaxSharers {
		return Errorf(EINVALID, "Sharers per meeting must be from 0 to %d.", MaxSharers)
	}
	if g.LengthMinutes < MinLength || g.LengthMinutes > MaxLength {
		return Errorf(EINVALID, "The meeting length must be from %d to %d minutes.", MinLength, MaxLength)
	}
	return ValidateOffsets(g.ReminderOffsets)
}

// LoadLocation loads an IANA time zone and answers a bad name with a message
// that says what is accepted.
func LoadLocation(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	// time.LoadLocation also accepts "Local" and file paths; users may not.
	if name == "Local" || strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
		return nil, Errorf(EINVALID, "Unknown time zone %q: use an IANA name such as Europe/Madrid, America/New_York or UTC.", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Errorf(EINVALID, "Unknown time zone %q: use an IANA name such as Europe/Madrid, America/New_York or UTC.", name)
	}
	return loc, nil
}

// GroupStore reads and writes groups. Writes carry the audit entry that is
// saved in the same transaction.
type GroupStore interface {
	CreateGroup(ctx context.Context, g *Group, audit AuditEntry) error
	// UpdateGroup applies fn to the stored group and saves it atomically.
	UpdateGroup(ctx context.Context, id int64, fn func(*Group) error, audit AuditEntry) (*Group, error)
	// DeleteGroup deletes the group and all its data.
	DeleteGroup(ctx context.Context, id int64, audit AuditEntry) error
	// Group returns a group by id, or ENOTFOUND.
	Group(ctx context.Context, id int64) (*Group, error)
	// GroupByName returns a group of a guild by its name (case-insensitive), or ENOTFOUND.
	GroupByName(ctx context.Context, guildID, name string) (*Group, error)
	// Groups returns the groups of a guild ordered by name.
	Groups(ctx context.Context, guildID string) ([]*Group, error)
}
