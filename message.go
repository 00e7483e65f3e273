package hearth

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Message is what hearth shows: an interaction reply, a DM or a channel post.
// The bot turns it into Discord's shape. Mentions are never parsed from the
// text: only the users in MentionUsers are pinged.
type Message struct {
	Content      string
	Embeds       []Embed
	Buttons      [][]Button // rows of buttons
	Files        []File
	Ephemeral    bool     // interaction replies only
	MentionUsers []string // user ids allowed to be pinged; nil pings nobody
}

// Embed is a Discord embed.
type Embed struct {
	Title       string
	Description string
	Fields      []EmbedField
	Color       int
	Timestamp   time.Time
}

// EmbedField is a named field of an embed.
type EmbedField struct {
	Name   string
	Value  string
	Inline bool
}

// ButtonStyle is a Discord button style.
type ButtonStyle int

// Button styles.
const (
	ButtonPrimary   ButtonStyle = 1
	ButtonSecondary ButtonStyle = 2
	ButtonSuccess   ButtonStyle = 3
	ButtonDanger    ButtonStyle = 4
)

// Button is a message button whose press comes back as its CustomID.
type Button struct {
	Label    string
	CustomID string
	Style    ButtonStyle
	Disabled bool
}

// File is an attachment.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// ScheduledEvent is a Discord guild scheduled event mirroring a meeting.
type ScheduledEvent struct {
	GuildID     string
	Name        string
	Description string
	Location    string
	StartsAt    time.Time
	EndsAt      time.Time
}

// Discord is what hearth asks of Discord outside interaction replies. The bot
// implements it; errors are *SendError where Discord answered.
type Discord interface {
	// DMChannel opens (or returns) the DM channel with a user.
	DMChannel(ctx context.Context, userID string) (channelID string, err error)
	// Send posts a message; a non-empty nonce makes Discord return the first
	// message instead of a second one when the same nonce is sent again.
	Send(ctx context.Context, channelID string, m *Message, nonce string) (messageID string, err error)
	// Edit replaces a message's content, embeds and buttons.
	Edit(ctx context.Context, channelID, messageID string, m *Message) error
	// Delete deletes a message the bot sent.
	Delete(ctx context.Context, channelID, messageID string) error
	// AddRole and RemoveRole grant and take a guild role.
	AddRole(ctx context.Context, guildID, userID, roleID string) error
	RemoveRole(ctx context.Context, guildID, userID, roleID string) error
	// CreateEvent, UpdateEvent and DeleteEvent keep a guild scheduled event.
	CreateEvent(ctx context.Context, e *ScheduledEvent) (eventID string, err error)
	UpdateEvent(ctx context.Context, eventID string, e *ScheduledEvent) error
	DeleteEvent(ctx context.Context, guildID, eventID string) error
}

// SendFailure classifies why Discord refused or failed a request.
type SendFailure int

// Send failures.
const (
	FailRetry       SendFailure = iota // 5xx, timeout, 429: try again later
	FailUnreachable                    // the user's DMs are closed (50007, 50278)
	FailGone                           // unknown channel, message or role
	FailForbidden                      // the bot lacks a permission (50013)
	FailPermanent                      // any other 4xx: retrying will not help
)

// SendError is a classified Discord failure. It carries ids and codes only.
type SendError struct {
	Failure    SendFailure
	Status     int
	Code       int
	RetryAfter time.Duration // from a 429
	Err        error
}

// Error implements error.
func (e *SendError) Error() string {
	return fmt.Sprintf("discord: status %d code %d: %v", e.Status, e.Code, e.Err)
}

// Unwrap returns the underlying error.
func (e *SendError) Unwrap() error { return e.Err }

// Failure returns the classification of err: FailRetry for any error that is
// not a *SendError (network errors and timeouts are worth retrying).
func Failure(err error) SendFailure {
	var se *SendError
	if errors.As(err, &se) {
		return se.Failure
	}
	return FailRetry
}
