package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/bwmarrin/discordgo"

	"github.com/hearthbot/hearth"
)

var _ hearth.Discord = (*Bot)(nil)

// Discord's JSON error codes that hearth tells apart.
const (
	codeUnknownChannel      = 10003
	codeUnknownMessage      = 10008
	codeUnknownRole         = 10011
	codeUnknownEvent        = 10070
	codeMissingAccess       = 50001
	codeMissingPermissions  = 50013
	codeCannotDM            = 50007
	codeCannotDMUnavailable = 50278 // "Cannot send messages to this user due to having no mutual guilds"
)

// rateStyleCodes are refusals that are rate limits whatever their HTTP
// status (40003 comes with a 403): trying again later succeeds.
var rateStyleCodes = map[int]bool{
	20016:  true, // slowmode
	20028:  true, // a channel's write rate limit
	40003:  true, // opening DMs too fast
	40062:  true, // a service resource is rate limited
	130000: true, // API resource overloaded
}

// DMChannel implements hearth.Discord. A user's DM channel never changes,
// so it is asked of Discord once per process.
func (b *Bot) DMChannel(ctx context.Context, userID string) (string, error) {
	b.dmMu.Lock()
	id, ok := b.dmChannels[userID]
	b.dmMu.Unlock()
	if ok {
		return id, nil
	}
	ch, err := b.s.UserChannelCreate(userID, discordgo.WithContext(ctx))
	if err != nil {
		return "", classify(err)
	}
	b.dmMu.Lock()
	b.dmChannels[userID] = ch.ID
	b.dmMu.Unlock()
	return ch.ID, nil
}

// sendBody is a message create body with the nonce fields discordgo's
// MessageSend lacks.
type sendBody struct {
	Content         string                            `json:"content,omitempty"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds,omitempty"`
	Components      []discordgo.MessageComponent      `json:"components,omitempty"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	Nonce           string                            `json:"nonce,omitempty"`
	EnforceNonce    bool                              `json:"enforce_nonce,omitempty"`
}

// Send implements hearth.Discord. With a nonce, Discord answers a repeat of
// the same request within a few minutes with the first message, so a retry
// after a lost response never posts twice.
func (b *Bot) Send(ctx context.Context, channelID string, m *hearth.Message, nonce string) (string, error) {
	if len(m.Files) > 0 {
		return "", errors.New("bot: files are sent only in interaction replies")
	}
	body := sendBody{
		Content:         m.Content,
		Embeds:          toEmbeds(m.Embeds),
		Components:      toComponents(m.Buttons),
		AllowedMentions: allowedMentions(m),
		Nonce:           nonce,
		EnforceNonce:    nonce != "",
	}
	endpoint := discordgo.EndpointChannelMessages(channelID)
	raw, err := b.s.RequestWithBucketID(http.MethodPost, endpoint, body, endpoint, discordgo.WithContext(ctx))
	if err != nil {
		return "", classify(err)
	}
	var msg discordgo.Message
	if err := discordgo.Unmarshal(raw, &msg); err != nil {
		return "", fmt.Errorf("decode created message: %w", err)
	}
	return msg.ID, nil
}

// Edit implements hearth.Discord.
func (b *Bot) Edit(ctx context.Context, channelID, messageID string, m *hearth.Message) error {
	content := m.Content
	embeds := toEmbeds(m.Embeds)
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	components := toComponents(m.Buttons)
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	_, err := b.s.ChannelMessageEditComplex(&discordgo.MessageEdit{
		ID:              messageID,
		Channel:         channelID,
		Content:         &content,
		Embeds:          &embeds,
		Components:      &components,
		AllowedMentions: allowedMentions(m),
	}, discordgo.WithContext(ctx))
	return classify(err)
}

// Delete implements hearth.Discord.
func (b *Bot) Delete(ctx context.Context, channelID, messageID string) error {
	return classify(b.s.ChannelMessageDelete(channelID, messageID, discordgo.WithContext(ctx)))
}

// AddRole implements hearth.Discord.
func (b *Bot) AddRole(ctx context.Context, guildID, userID, roleID string) error {
	return classify(b.s.GuildMemberRoleAdd(guildID, userID, roleID, discordgo.WithContext(ctx)))
}

// RemoveRole implements hearth.Discord.
func (b *Bot) RemoveRole(ctx context.Context, guildID, userID, roleID string) error {
	return classify(b.s.GuildMemberRoleRemove(guildID, userID, roleID, discordgo.WithContext(ctx)))
}

func eventParams(e *hearth.ScheduledEvent) *discordgo.GuildScheduledEventParams {
	start, end := e.StartsAt.UTC(), e.EndsAt.UTC()
	return &discordgo.GuildScheduledEventParams{
		Name:               e.Name,
		Description:        e.Description,
		ScheduledStartTime: &start,
		ScheduledEndTime:   &end,
		PrivacyLevel:       discordgo.GuildScheduledEventPrivacyLevelGuildOnly,
		EntityType:         discordgo.GuildScheduledEventEntityTypeExternal,
		EntityMetadata:     &discordgo.GuildScheduledEventEntityMetadata{Location: e.Location},
	}
}

// CreateEvent implements hearth.Discord.
func (b *Bot) CreateEvent(ctx context.Context, e *hearth.ScheduledEvent) (string, error) {
	ev, err := b.s.GuildScheduledEventCreate(e.GuildID, eventParams(e), discordgo.WithContext(ctx))
	if err != nil {
		return "", classify(err)
	}
	return ev.ID, nil
}

// UpdateEvent implements hearth.Discord.
func (b *Bot) UpdateEvent(ctx context.Context, eventID string, e *hearth.ScheduledEvent) error {
	_, err := b.s.GuildScheduledEventEdit(e.GuildID, eventID, eventParams(e), discordgo.WithContext(ctx))
	return classify(err)
}

// DeleteEvent implements hearth.Discord.
func (b *Bot) DeleteEvent(ctx context.Context, guildID, eventID string) error {
	return classify(b.s.GuildScheduledEventDelete(guildID, eventID, discordgo.WithContext(ctx)))
}

// classify turns a discordgo error into a *hearth.SendError that says
// whether trying again can help. Its text holds status and code, not bodies.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) {
		return &hearth.SendError{Failure: hearth.FailRetry, Status: http.StatusTooManyRequests, RetryAfter: rl.RetryAfter, Err: errors.New("rate limited")}
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) {
		status, code := 0, 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		if re.Message != nil {
			code = re.Message.Code
		}
		se := &hearth.SendError{Status: status, Code: code, Err: fmt.Errorf("discord rest error")}
		switch {
		case rateStyleCodes[code]:
			se.Failure = hearth.FailRetry
		case code == codeCannotDM || code == codeCannotDMUnavailable:
			se.Failure = hearth.FailUnreachable
		case code == codeUnknownChannel || code == codeUnknownMessage || code == codeUnknownRole || code == codeUnknownEvent:
			se.Failure = hearth.FailGone
		case code == codeMissingPermissions || code == codeMissingAccess:
			se.Failure = hearth.FailForbidden
		case status >= 500 || status == http.StatusTooManyRequests:
			se.Failure = hearth.FailRetry
		default:
			se.Failure = hearth.FailPermanent
		}
		return se
	}
	// Network errors, timeouts and exhausted 502 retries: worth retrying. A
	// *url.Error names the URL, which holds interaction tokens: keep only its cause.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = fmt.Errorf("%s request: %w", ue.Op, ue.Err)
	}
	return &hearth.SendError{Failure: hearth.FailRetry, Err: err}
}

// ChannelName returns a channel's name, from the gateway's cache when it
// has the channel, else from Discord.
func (b *Bot) ChannelName(ctx context.Context, channelID string) (string, error) {
	if ch, err := b.s.State.Channel(channelID); err == nil {
		return ch.Name, nil
	}
	ch, err := b.s.Channel(channelID, discordgo.WithContext(ctx))
	if err != nil {
		return "", classify(err)
	}
	return ch.Name, nil
}
