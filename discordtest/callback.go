package discordtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Discord's deadlines: the initial callback within 3 s, webhook use of the
// interaction token within 15 min.
const (
	callbackDeadline = 3 * time.Second
	tokenLifetime    = 15 * time.Minute
)

// flagLoading marks the "thinking…" message of a deferred response.
const flagLoading discordgo.MessageFlags = 1 << 7

// allowedCallbacks lists the callback types Discord accepts per interaction type.
var allowedCallbacks = map[discordgo.InteractionType][]discordgo.InteractionResponseType{
	discordgo.InteractionApplicationCommand:             {4, 5, 9},
	discordgo.InteractionMessageComponent:               {4, 5, 6, 7, 9},
	discordgo.InteractionApplicationCommandAutocomplete: {8},
	discordgo.InteractionModalSubmit:                    {4, 5, 6, 7},
}

func (s *Server) interactionCallback(r *request) *response {
	ix := s.ixByID[r.params["interaction_id"]]
	if ix == nil || ix.Token != r.params["interaction_token"] || s.now().Sub(ix.created) > callbackDeadline {
		return apiError(http.StatusNotFound, 10062, "Unknown interaction")
	}
	if ix.reply != nil {
		return apiError(http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
	}
	var cb struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data json.RawMessage                   `json:"data"`
	}
	if !r.decode(&cb) {
		return s.invalidLocked(r, http.StatusBadRequest, 50035, "body must be an interaction response")
	}
	if !allowed(ix.Type, cb.Type) {
		return s.invalidLocked(r, http.StatusBadRequest, 50035, "callback type "+strconv.Itoa(int(cb.Type))+" is not valid for interaction type "+ix.Type.String())
	}
	reply, b, err := parseReply(cb.Type, cb.Data, r.files)
	if err != nil {
		return s.invalidLocked(r, http.StatusBadRequest, 50035, "data: "+err.Error())
	}
	switch cb.Type {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseUpdateMessage:
		if resp := s.checkBodyLocked(r, b, cb.Type == discordgo.InteractionResponseChannelMessageWithSource, len(r.files)); resp != nil {
			return resp
		}
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		if fe := choiceLimits(cb.Data, s.focusedOptionType(ix)); fe != nil {
			return s.refuseLocked(r, fe)
		}
	case discordgo.InteractionResponseModal:
		if fe := modalLimits(cb.Data); fe != nil {
			return s.refuseLocked(r, fe)
		}
	}
	switch cb.Type {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseDeferredChannelMessageWithSource:
		m := b.msg
		m.Flags &= discordgo.MessageFlagsEphemeral | discordgo.MessageFlagsSuppressEmbeds
		if cb.Type == discordgo.InteractionResponseDeferredChannelMessageWithSource {
			m = discordgo.Message{Flags: m.Flags&discordgo.MessageFlagsEphemeral | flagLoading}
		}
		s.interactionMessage(ix, &m)
		reply.Message = s.putMessageLocked(&m, r.files)
		ix.originalID = reply.Message.ID
	case discordgo.InteractionResponseDeferredMessageUpdate:
		ix.originalID = ix.sourceID
	case discordgo.InteractionResponseUpdateMessage:
		if sm := s.msgs[ix.sourceID]; sm != nil && !sm.deleted {
			reply.Message = s.editMessageLocked(sm, b, r.files)
		}
		ix.originalID = ix.sourceID
	}
	ix.reply = reply
	return noContent()
}

func allowed(it discordgo.InteractionType, rt discordgo.InteractionResponseType) bool {
	for _, t := range allowedCallbacks[it] {
		if t == rt {
			return true
		}
	}
	return false
}

// parseReply decodes callback data through discordgo.Message, which types the
// components, plus the fields a message does not have.
func parseReply(typ discordgo.InteractionResponseType, data json.RawMessage, files []File) (*Reply, *messageBody, error) {
	b := &messageBody{}
	var extra struct {
		Choices         []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
		AllowedMentions *discordgo.MessageAllowedMentions           `json:"allowed_mentions"`
		CustomID        string                                      `json:"custom_id"`
		Title           string                                      `json:"title"`
	}
	if len(data) > 0 && string(data) != "null" {
		var err error
		if b, err = parseMessageBody(data); err != nil {
			return nil, nil, err
		}
		if err := json.Unmarshal(data, &extra); err != nil {
			return nil, nil, err
		}
	}
	m := b.msg
	return &Reply{
		Type: typ, Content: m.Content, Flags: m.Flags, Ephemeral: m.Flags&discordgo.MessageFlagsEphemeral != 0,
		Embeds: m.Embeds, Components: m.Components, Choices: extra.Choices, Files: files,
		AllowedMentions: extra.AllowedMentions, CustomID: extra.CustomID, Title: extra.Title,
	}, b, nil
}

// interactionMessage fills what Discord sets on a message an interaction made.
func (s *Server) interactionMessage(ix *Interaction, m *discordgo.Message) {
	var w struct {
		GuildID string            `json:"guild_id"`
		User    *discordgo.User   `json:"user"`
		Member  *discordgo.Member `json:"member"`
		Data    struct {
			Name string `json:"name"`
		} `json:"data"`
	}
	_ = json.Unmarshal(ix.payload, &w)
	user := w.User
	if w.Member != nil {
		user = w.Member.User
	}
	m.ChannelID, m.GuildID, m.Author, m.WebhookID = ix.ChannelID, w.GuildID, s.BotUser, s.AppID
	m.Interaction = &discordgo.MessageInteraction{ID: ix.ID, Type: ix.Type, Name: w.Data.Name, User: user}
	if ix.Type == discordgo.InteractionApplicationCommand {
		m.Type = discordgo.MessageTypeChatInputCommand
	}
}

// webhookIx finds the interaction behind /webhooks/{app}/{token}.
func (s *Server) webhookIx(r *request) (*Interaction, *response) {
	ix := s.ixByToken[r.params["webhook_token"]]
	if ix == nil || r.params["webhook_id"] != s.AppID {
		return nil, apiError(http.StatusNotFound, 10015, "Unknown Webhook")
	}
	if s.now().Sub(ix.created) > tokenLifetime {
		return nil, apiError(http.StatusUnauthorized, 50027, "Invalid Webhook Token")
	}
	return ix, nil
}

// webhookMessage finds @original or a followup of the interaction.
func (s *Server) webhookMessage(r *request) (*Interaction, *storedMessage, *response) {
	ix, resp := s.webhookIx(r)
	if resp != nil {
		return nil, nil, resp
	}
	id := r.params["message_id"]
	if id == "@original" {
		id = ix.originalID
	} else if id != ix.originalID && !contains(ix.followupIDs, id) {
		id = ""
	}
	sm := s.msgs[id]
	if id == "" || sm == nil || sm.deleted {
		return nil, nil, apiError(http.StatusNotFound, 10008, "Unknown Message")
	}
	return ix, sm, nil
}

func (s *Server) getWebhookMessage(r *request) *response {
	_, sm, resp := s.webhookMessage(r)
	if resp != nil {
		return resp
	}
	return ok(messageJSON(sm.current()))
}

func (s *Server) editWebhookMessage(r *request) *response {
	ix, sm, resp := s.webhookMessage(r)
	if resp != nil {
		return resp
	}
	b, err := parseMessageBody(r.body)
	if err != nil {
		return s.invalidLocked(r, http.StatusBadRequest, 50035, "body is not JSON: "+err.Error())
	}
	if resp := s.checkBodyLocked(r, b, false, 0); resp != nil {
		return resp
	}
	// Flags of an existing message cannot turn ephemeral on or off.
	delete(b.keys, "flags")
	m := s.editMessageLocked(sm, b, r.files)
	m.Flags &^= flagLoading
	if m.ID == ix.originalID {
		ix.edited = true
	}
	return ok(messageJSON(m))
}

func (s *Server) deleteWebhookMessage(r *request) *response {
	_, sm, resp := s.webhookMessage(r)
	if resp != nil {
		return resp
	}
	sm.deleted = true
	return noContent()
}

// executeWebhook sends a followup; Discord refuses one before the callback.
func (s *Server) executeWebhook(r *request) *response {
	ix, resp := s.webhookIx(r)
	if resp != nil {
		return resp
	}
	if ix.reply == nil {
		return apiError(http.StatusNotFound, 10015, "Unknown Webhook")
	}
	b, err := parseMessageBody(r.body)
	if err != nil {
		return s.invalidLocked(r, http.StatusBadRequest, 50035, "body is not JSON: "+err.Error())
	}
	if resp := s.checkBodyLocked(r, b, true, len(r.files)); resp != nil {
		return resp
	}
	m := b.msg
	m.Flags &= discordgo.MessageFlagsEphemeral | discordgo.MessageFlagsSuppressEmbeds
	s.interactionMessage(ix, &m)
	stored := s.putMessageLocked(&m, r.files)
	ix.followupIDs = append(ix.followupIDs, stored.ID)
	if r.query.Get("wait") != "true" {
		return noContent()
	}
	return ok(messageJSON(stored))
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
