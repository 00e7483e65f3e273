package discordtest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/hearthbot/hearth/discordtest/internal/paths"
)

// File is an attachment uploaded with multipart/form-data.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func jsonResponse(status int, v any) *response {
	r := &response{status: status, header: http.Header{}}
	if v != nil {
		r.body = mustJSON(v)
		r.header.Set("Content-Type", "application/json")
	}
	return r
}

func ok(v any) *response   { return jsonResponse(http.StatusOK, v) }
func noContent() *response { return jsonResponse(http.StatusNoContent, nil) }

// apiError is Discord's error body: {"message": ..., "code": ...}.
func apiError(status, code int, msg string) *response {
	return jsonResponse(status, map[string]any{"message": msg, "code": code})
}

// request is what a route handler sees.
type request struct {
	method string
	path   string
	params map[string]string
	query  url.Values
	header http.Header
	body   []byte // JSON: the body, or payload_json of a multipart body
	files  []File
}

func (r *request) decode(v any) bool {
	if len(r.body) == 0 {
		return false
	}
	return json.Unmarshal(r.body, v) == nil
}

type route struct {
	method  string
	pattern []string
	// public routes need no bot token and skip the global limit: Discord
	// authenticates interaction and webhook routes by the token in the path.
	public  bool
	handler func(*request) *response
}

func (s *Server) buildRoutes() []route {
	var rs []route
	add := func(method, pattern string, public bool, h func(*request) *response) {
		rs = append(rs, route{method: method, pattern: paths.Split(pattern), public: public, handler: h})
	}
	add("GET", "/gateway", true, s.getGateway)
	add("GET", "/gateway/bot", false, s.getGatewayBot)
	add("GET", "/users/@me", false, func(*request) *response { return ok(s.BotUser) })
	add("GET", "/users/{user_id}", false, s.getUser)
	add("POST", "/users/@me/channels", false, s.createDM)
	add("GET", "/applications/@me", false, s.getApplication)
	add("GET", "/applications/{application_id}/commands", false, s.getCommands)
	add("PUT", "/applications/{application_id}/commands", false, s.putCommands)
	add("GET", "/applications/{application_id}/guilds/{guild_id}/commands", false, s.getCommands)
	add("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", false, s.putCommands)
	add("POST", "/interactions/{interaction_id}/{interaction_token}/callback", true, s.interactionCallback)
	add("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", true, s.getWebhookMessage)
	add("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", true, s.editWebhookMessage)
	add("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", true, s.deleteWebhookMessage)
	add("POST", "/webhooks/{webhook_id}/{webhook_token}", true, s.executeWebhook)
	add("GET", "/channels/{channel_id}", false, s.getChannel)
	add("POST", "/channels/{channel_id}/messages", false, s.createMessage)
	add("GET", "/channels/{channel_id}/messages/{message_id}", false, s.getMessage)
	add("PATCH", "/channels/{channel_id}/messages/{message_id}", false, s.editMessage)
	add("DELETE", "/channels/{channel_id}/messages/{message_id}", false, s.deleteMessage)
	add("GET", "/guilds/{guild_id}", false, s.getGuild)
	add("GET", "/guilds/{guild_id}/channels", false, s.getGuildChannels)
	add("GET", "/guilds/{guild_id}/roles", false, s.getGuildRoles)
	add("GET", "/guilds/{guild_id}/members/{user_id}", false, s.getMember)
	add("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", false, s.addMemberRole)
	add("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", false, s.removeMemberRole)
	add("GET", "/guilds/{guild_id}/scheduled-events", false, s.listEvents)
	add("POST", "/guilds/{guild_id}/scheduled-events", false, s.createEvent)
	add("GET", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}", false, s.getEvent)
	add("PATCH", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}", false, s.editEvent)
	add("DELETE", "/guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}", false, s.deleteEvent)
	sort.SliceStable(rs, func(i, j int) bool { return paths.LiteralCount(rs[i].pattern) > paths.LiteralCount(rs[j].pattern) })
	return rs
}

func (s *Server) match(method string, path []string) (*route, map[string]string) {
	for i := range s.routes {
		rt := &s.routes[i]
		params := map[string]string{}
		if rt.method == method && paths.Match(rt.pattern, path, params) {
			return rt, params
		}
	}
	return nil, nil
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if websocketUpgrade(r) {
		s.serveGateway(w, r)
		return
	}
	raw, _ := io.ReadAll(r.Body)
	path := paths.Normalize(r.URL.Path)
	resp := s.handle(r, path, raw)
	if s.loseResponse(r.Method, path) && dropConnection(w) {
		return
	}
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

func websocketUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// handle runs a request through Discord's order of checks: authentication,
// the global limit, injected faults, validation, then the route.
func (s *Server) handle(r *http.Request, path string, raw []byte) *response {
	segs := paths.Split(path)
	rt, params := s.match(r.Method, segs)
	req := &request{method: r.Method, path: path, params: params, query: r.URL.Query(), header: r.Header, body: raw}
	call := Call{Method: r.Method, Path: path, Query: req.query, Header: r.Header.Clone(), Body: raw}

	resp := s.parseBody(r, req)
	public := rt != nil && rt.public
	s.mu.Lock()
	if resp == nil && !public && r.Header.Get("Authorization") != "Bot "+s.Token {
		resp = apiError(http.StatusUnauthorized, 0, "401: Unauthorized")
	}
	if resp == nil && !public {
		if resp = s.admitLocked(); resp != nil {
			s.t.Logf("discordtest: global rate limit: %s %s answered 429", r.Method, path)
		}
	}
	var limitHeaders http.Header
	if resp == nil {
		if limitHeaders, resp = s.routeAdmitLocked(rt, params); resp != nil {
			s.t.Logf("discordtest: per-route rate limit: %s %s answered 429", r.Method, path)
		}
	}
	if resp == nil {
		resp = s.takeFaultLocked(r.Method, segs)
	}
	if resp == nil && !public && rt != nil {
		resp = s.randomFaultLocked(segs)
	}
	s.mu.Unlock()

	if resp == nil && s.schema != nil {
		if msg := s.schema.Validate(r, path, req.body); msg != "" {
			s.report("discordtest: %s %s is not a request Discord accepts: %s", r.Method, path, msg)
			resp = invalidForm(msg)
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if resp == nil && rt == nil {
		resp = apiError(http.StatusNotFound, 0, "404: Not Found")
		call.Status, call.Response = resp.status, resp.body
		s.unhandled = append(s.unhandled, call)
		if !s.closed {
			s.t.Errorf("discordtest: %s %s is not implemented by the fake Discord (answered 404)", r.Method, path)
		}
	}
	if resp == nil {
		s.tickEventsLocked()
		resp = rt.handler(req)
	}
	for k, v := range limitHeaders { // an injected 429 keeps its own
		if _, set := resp.header[k]; !set {
			resp.header[k] = v
		}
	}
	call.Status, call.Response = resp.status, resp.body
	s.calls = append(s.calls, call)
	s.notifyLocked()
	return resp
}

// parseBody turns a multipart body into its payload_json and files, the way
// discordgo sends attachments.
func (s *Server) parseBody(r *http.Request, req *request) *response {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil
	}
	mr := multipart.NewReader(bytes.NewReader(req.body), params["boundary"])
	req.body = nil
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return apiError(http.StatusBadRequest, 50035, "Invalid Form Body")
		}
		data, _ := io.ReadAll(part)
		if part.FormName() == "payload_json" {
			req.body = data
			continue
		}
		if strings.HasPrefix(part.FormName(), "files[") || part.FileName() != "" {
			req.files = append(req.files, File{Name: part.FileName(), ContentType: part.Header.Get("Content-Type"), Data: data})
		}
	}
}

// invalidForm is Discord's answer to a body it cannot accept.
func invalidForm(msg string) *response {
	return jsonResponse(http.StatusBadRequest, map[string]any{
		"message": "Invalid Form Body",
		"code":    50035,
		"errors":  map[string]any{"_errors": []map[string]string{{"code": "INVALID_FORM_BODY", "message": msg}}},
	})
}

func (s *Server) getGateway(*request) *response {
	return ok(map[string]string{"url": s.gatewayURL()})
}

func (s *Server) getGatewayBot(*request) *response {
	return ok(map[string]any{
		"url":    s.gatewayURL(),
		"shards": 1,
		"session_start_limit": map[string]int{
			"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1,
		},
	})
}

func (s *Server) getUser(r *request) *response {
	u, found := s.users[r.params["user_id"]]
	if !found {
		return apiError(http.StatusNotFound, 10013, "Unknown User")
	}
	return ok(u)
}

func (s *Server) getApplication(*request) *response {
	return ok(map[string]any{"id": s.AppID, "name": s.BotUser.Username, "bot": s.BotUser, "bot_public": false, "flags": 0})
}

func (s *Server) createDM(r *request) *response {
	var body struct {
		RecipientID string `json:"recipient_id"`
	}
	if !r.decode(&body) {
		return invalidForm("recipient_id is required")
	}
	if _, found := s.users[body.RecipientID]; !found {
		return apiError(http.StatusBadRequest, 50035, "Invalid Form Body")
	}
	if _, open := s.dmByUser[body.RecipientID]; !open {
		if resp := s.dmOpenLocked(); resp != nil {
			return resp
		}
	}
	return ok(s.dmChannelLocked(body.RecipientID))
}

func (s *Server) getChannel(r *request) *response {
	ch, found := s.channels[r.params["channel_id"]]
	if !found {
		return apiError(http.StatusNotFound, 10003, "Unknown Channel")
	}
	return ok(ch)
}
