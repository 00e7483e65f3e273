package hearth

import (
	"context"
	"time"
)

// DefaultCrisisText is the English crisis text shown when a server has set
// none; the catalog's crisis.default holds it in every language (a locale
// test keeps the two equal), and CrisisFor picks the reader's.
const DefaultCrisisText = "If you are in danger or thinking about harming yourself, call your local emergency number now (for example 112 in the European Union, 911 in Mexico and the United States, 123 in Colombia) or go to the nearest emergency department. This group and this bot cannot respond to emergencies. Server admins: set your local crisis resources with `/settings crisis`."

// Limits of guild settings (SPEC §2).
const (
	MaxCrisisText        = 1000
	MinRetentionDays     = 30
	MaxRetentionDays     = 3650
	DefaultRetentionDays = 365
)

// GuildSettings are the per-server settings an admin configures.
type GuildSettings struct {
	GuildID        string
	CrisisText     string // English; empty means the catalog's default
	CrisisTextES   string // Spanish; empty means the English one, else the default
	StaffChannelID string
	LeadID         string // clinical lead: gets escalated alerts by DM
	RetentionDays  int
	Timezone       string // default zone of new groups; empty means UTC
	UpdatedAt      time.Time
}

// Crisis returns the English crisis-resources text; CrisisFor returns the
// text in a reader's language.
func (s *GuildSettings) Crisis() string {
	if s.CrisisText == "" {
		return DefaultCrisisText
	}
	return s.CrisisText
}

// CrisisFor returns the crisis-resources text a reader of lang ("en" or
// "es") sees: the server's text in their language, else its text in the
// other language, else the catalog's default in their language (p).
func (s *GuildSettings) CrisisFor(lang string, p Printer) string {
	mine, other := s.CrisisText, s.CrisisTextES
	if lang == "es" {
		mine, other = other, mine
	}
	switch {
	case mine != "":
		return mine
	case other != "":
		return other
	}
	return p.Text("crisis.default")
}

// DefaultGuildSettings returns the settings of a server that has set nothing.
func DefaultGuildSettings(guildID string) *GuildSettings {
	return &GuildSettings{GuildID: guildID, RetentionDays: DefaultRetentionDays}
}

// GuildStore reads and writes guild settings.
type GuildStore interface {
	// GuildSettings returns the settings of a guild, or the defaults.
	GuildSettings(ctx context.Context, guildID string) (*GuildSettings, error)
	// UpdateGuildSettings applies fn to the current settings and saves them
	// with an audit entry, atomically.
	UpdateGuildSettings(ctx context.Context, guildID string, fn func(*GuildSettings) error, audit AuditEntry) (*GuildSettings, error)
}
