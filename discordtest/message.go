package discordtest

import (
	"encoding/json"
	"net/http"

	"github.com/bwmarrin/discordgo"
)

// maxContent is Discord's limit for message content sent by bots.
const maxContent = 2000

// store keeps every message and every version of it: tests assert on the
// current state, privacy tests scan everything that was ever visible.
type store struct {
	msgs      map[string]*storedMessage
	order     []string            // message ids in creation order
	byChannel map[string][]string // channel id -> message ids
}

type storedMessage struct {
	versions []*discordgo.Message // oldest first; the last is current
	deleted  bool
	files    []File
}

func (st *store) init() {
	st.msgs = map[string]*storedMessage{}
	st.byChannel = map[string][]string{}
}

func (sm *storedMessage) current() *discordgo.Message { return sm.versions[len(sm.versions)-1] }

// wireMessage restores the components discordgo.Message leaves out of its
// JSON encoding (its Components field is tagged "-").
type wireMessage struct {
	*discordgo.Message
	Components []discordgo.MessageComponent `json:"components"`
}

func messageJSON(m *discordgo.Message) any {
	if m == nil {
		return nil
	}
	return wireMessage{Message: m, Components: orEmpty(m.Components)}
}

// messageBody is a create or edit body, decoded through discordgo.Message so
// components come out typed, with the keys that were present.
type messageBody struct {
	msg          discordgo.Message
	keys         map[string]json.RawMessage
	nonce        string
	enforceNonce bool
	raw          []byte
}

func parseMessageBody(raw []byte) (*messageBody, error) {
	b := &messageBody{raw: raw}
	if len(raw) == 0 {
		return b, nil
	}
	if err := json.Unmarshal(raw, &b.keys); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &b.msg); err != nil {
		return nil, err
	}
	if n, found := b.keys["nonce"]; found {
		var str string
		if json.Unmarshal(n, &str) != nil {
			str = string(n) // an integer nonce
		}
		b.nonce = str
	}
	_ = json.Unmarshal(b.keys["enforce_nonce"], &b.enforceNonce)
	return b, nil
}

// check applies Discord's rules that the OpenAPI document does not carry
// (limits.go). An empty new message is Discord's 50006, not a form error.
func (b *messageBody) check(create bool, files int) *formError {
	if fe := messageLimits(b.raw); fe != nil {
		return fe
	}
	if create && b.msg.Content == "" && len(b.msg.Embeds) == 0 && len(b.msg.Components) == 0 && files == 0 && len(b.keys["poll"]) == 0 && len(b.keys["sticker_ids"]) < 3 {
		return &formError{code: emptyMessage, msg: "Cannot send an empty message"}
	}
	return nil
}

const emptyMessage = "EMPTY_MESSAGE"

// checkBodyLocked answers a body that breaks a rule as Discord would, and
// reports it; nil when the body is fine.
func (s *Server) checkBodyLocked(r *request, b *messageBody, create bool, files int) *response {
	fe := b.check(create, files)
	switch {
	case fe == nil:
		return nil
	case fe.code == emptyMessage:
		return s.invalidLocked(r, http.StatusBadRequest, 50006, fe.msg)
	default:
		return s.refuseLocked(r, fe)
	}
}

// apply lays the present keys of an edit body over a copy of m.
func (b *messageBody) apply(m *discordgo.Message) *discordgo.Message {
	out := *m
	if _, found := b.keys["content"]; found {
		out.Content = b.msg.Content
	}
	if _, found := b.keys["embeds"]; found {
		out.Embeds = b.msg.Embeds
	}
	if _, found := b.keys["components"]; found {
		out.Components = b.msg.Components
	}
	if _, found := b.keys["flags"]; found {
		out.Flags = b.msg.Flags
	}
	if _, found := b.keys["attachments"]; found {
		keep := map[string]bool{}
		for _, a := range b.msg.Attachments {
			keep[a.ID] = true
		}
		out.Attachments = nil
		for _, a := range m.Attachments {
			if keep[a.ID] {
				out.Attachments = append(out.Attachments, a)
			}
		}
	}
	return &out
}

// putMessageLocked stores a new message and its files.
func (s *Server) putMessageLocked(m *discordgo.Message, files []File) *discordgo.Message {
	m.ID = s.newIDLocked()
	m.Timestamp = s.now()
	if m.Author == nil {
		m.Author = s.BotUser
	}
	m.Attachments = append(m.Attachments[:0:0], s.attachmentsLocked(m.ChannelID, files)...)
	s.msgs[m.ID] = &storedMessage{versions: []*discordgo.Message{m}, files: files}
	s.order = append(s.order, m.ID)
	s.byChannel[m.ChannelID] = append(s.byChannel[m.ChannelID], m.ID)
	return m
}

// editMessageLocked stores a new version of a message.
func (s *Server) editMessageLocked(sm *storedMessage, b *messageBody, files []File) *discordgo.Message {
	m := b.apply(sm.current())
	now := s.now()
	m.EditedTimestamp = &now
	m.Attachments = append(append([]*discordgo.MessageAttachment(nil), m.Attachments...), s.attachmentsLocked(m.ChannelID, files)...)
	sm.files = append(sm.files, files...)
	sm.versions = append(sm.versions, m)
	return m
}

func (s *Server) attachmentsLocked(channelID string, files []File) []*discordgo.MessageAttachment {
	var out []*discordgo.MessageAttachment
	for _, f := range files {
		id := s.newIDLocked()
		out = append(out, &discordgo.MessageAttachment{
			ID: id, Filename: f.Name, ContentType: f.ContentType, Size: len(f.Data),
			URL: s.URL + "/attachments/" + channelID + "/" + id + "/" + f.Name,
		})
	}
	return out
}

func (s *Server) messageIn(channelID, messageID string) (*storedMessage, *response) {
	sm, found := s.msgs[messageID]
	if !found || sm.deleted || sm.current().ChannelID != channelID {
		return nil, apiError(http.StatusNotFound, 10008, "Unknown Message")
	}
	return sm, nil
}

// invalidLocked reports a request Discord would refuse and answers like it.
func (s *Server) invalidLocked(r *request, status, code int, msg string) *response {
	if !s.closed {
		s.t.Errorf("discordtest: %s %s is not a request Discord accepts: %s", r.method, r.path, msg)
	}
	if code == 50035 {
		return invalidForm(msg)
	}
	return apiError(status, code, msg)
}

func (s *Server) createMessage(r *request) *response {
	ch, found := s.channels[r.params["channel_id"]]
	if !found {
		return apiError(http.StatusNotFound, 10003, "Unknown Channel")
	}
	b, err := parseMessageBody(r.body)
	if err != nil {
		return s.invalidLocked(r, http.StatusBadRequest, 50035, "body is not JSON: "+err.Error())
	}
	if resp := s.checkBodyLocked(r, b, true, len(r.files)); resp != nil {
		return resp
	}
	if ch.Type == discordgo.ChannelTypeDM {
		if s.closedDMs[ch.Recipients[0].ID] {
			return apiError(http.StatusForbidden, 50007, "Cannot send messages to this user")
		}
	} else if !s.botCan(permSendMessages) {
		return apiError(http.StatusForbidden, 50013, "Missing Permissions")
	}
	if b.enforceNonce && b.nonce != "" {
		if id, seen := s.nonces.lookup(s.AppID, b.nonce, s.now()); seen {
			if sm := s.msgs[id]; sm != nil && !sm.deleted {
				return ok(messageJSON(sm.current()))
			}
		}
	}
	m := b.msg
	m.ChannelID, m.GuildID, m.Author = ch.ID, ch.GuildID, s.BotUser
	stored := s.putMessageLocked(&m, r.files)
	if b.enforceNonce && b.nonce != "" {
		s.nonces.remember(s.AppID, b.nonce, stored.ID, s.now())
	}
	return ok(messageJSON(stored))
}

func (s *Server) getMessage(r *request) *response {
	sm, resp := s.messageIn(r.params["channel_id"], r.params["message_id"])
	if resp != nil {
		return resp
	}
	return ok(messageJSON(sm.current()))
}

func (s *Server) editMessage(r *request) *response {
	if _, found := s.channels[r.params["channel_id"]]; !found {
		return apiError(http.StatusNotFound, 10003, "Unknown Channel")
	}
	sm, resp := s.messageIn(r.params["channel_id"], r.params["message_id"])
	if resp != nil {
		return resp
	}
	if sm.current().Author.ID != s.AppID {
		return apiError(http.StatusForbidden, 50005, "Cannot edit a message authored by another user")
	}
	b, err := parseMessageBody(r.body)
	if err != nil {
		return s.invalidLocked(r, http.StatusBadRequest, 50035, "body is not JSON: "+err.Error())
	}
	if resp := s.checkBodyLocked(r, b, false, 0); resp != nil {
		return resp
	}
	return ok(messageJSON(s.editMessageLocked(sm, b, r.files)))
}

func (s *Server) deleteMessage(r *request) *response {
	if _, found := s.channels[r.params["channel_id"]]; !found {
		return apiError(http.StatusNotFound, 10003, "Unknown Channel")
	}
	sm, resp := s.messageIn(r.params["channel_id"], r.params["message_id"])
	if resp != nil {
		return resp
	}
	sm.deleted = true
	return noContent()
}

// Messages returns the current version of every message in a channel that
// has not been deleted, oldest first, ephemeral interaction replies included
// (their Flags has discordgo.MessageFlagsEphemeral). Treat them as read-only.
func (s *Server) Messages(channelID string) []*discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.Message
	for _, id := range s.byChannel[channelID] {
		if sm := s.msgs[id]; !sm.deleted {
			out = append(out, sm.current())
		}
	}
	return out
}

// PublicMessages is Messages without ephemeral replies: what every member who
// can read the channel sees.
func (s *Server) PublicMessages(channelID string) []*discordgo.Message {
	var out []*discordgo.Message
	for _, m := range s.Messages(channelID) {
		if m.Flags&discordgo.MessageFlagsEphemeral == 0 {
			out = append(out, m)
		}
	}
	return out
}

// Message returns the current version of a message, deleted or not, or nil.
func (s *Server) Message(messageID string) *discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sm := s.msgs[messageID]; sm != nil {
		return sm.current()
	}
	return nil
}

// MessageHistory returns every version of a message, oldest first.
func (s *Server) MessageHistory(channelID, messageID string) []*discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	sm := s.msgs[messageID]
	if sm == nil || sm.current().ChannelID != channelID {
		return nil
	}
	return append([]*discordgo.Message(nil), sm.versions...)
}

// DMs returns the messages in the DM channel with a user.
func (s *Server) DMs(userID string) []*discordgo.Message {
	s.mu.Lock()
	id, found := s.dmByUser[userID]
	s.mu.Unlock()
	if !found {
		return nil
	}
	return s.Messages(id)
}

// DMChannel returns the id of the DM channel with a user, opening it as
// POST /users/@me/channels would: a test can aim a fault at it before the
// bot sends there.
func (s *Server) DMChannel(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dmChannelLocked(userID).ID
}

// AllMessages returns every version of every message ever stored anywhere,
// deleted and edited-away ones included, in creation order: what a privacy
// test must scan, since anything here was visible to someone at some time.
func (s *Server) AllMessages() []*discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.Message
	for _, id := range s.order {
		out = append(out, s.msgs[id].versions...)
	}
	return out
}

// Attachments returns the files uploaded with a message.
func (s *Server) Attachments(messageID string) []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sm := s.msgs[messageID]; sm != nil {
		return append([]File(nil), sm.files...)
	}
	return nil
}
