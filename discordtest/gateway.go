package discordtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// gateway is the server's websocket side: sessions outlive connections so a
// client can RESUME and get the dispatches it missed, as on Discord.
type gateway struct {
	sessions          map[string]*gwSession
	conns             map[*gwConn]struct{}
	identifies        int
	resumes           int
	heartbeats        int
	silenceACK        bool
	heartbeatTimeouts int
	refusal           *gatewayRefusal // see CloseGateway
	refusals          int
}

type gwSession struct {
	id      string
	shard   [2]int
	intents discordgo.Intent
	seq     int64
	log     [][]byte // every dispatch, by seq-1, replayed on RESUME
	conn    *gwConn  // nil while disconnected
	dead    bool     // closed cleanly or invalidated: RESUME is refused
}

type gwConn struct {
	ws   *websocket.Conn
	out  chan []byte
	done chan struct{}
	once sync.Once
	beat chan struct{} // a heartbeat arrived; see watchHeartbeats
	sess *gwSession    // guarded by Server.mu
}

func (g *gateway) init() {
	g.sessions = map[string]*gwSession{}
	g.conns = map[*gwConn]struct{}{}
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws, out: make(chan []byte, 4096), done: make(chan struct{}), beat: make(chan struct{}, 1)}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.kill()
		return
	}
	s.conns[c] = struct{}{}
	c.send(mustJSON(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": s.cfg.heartbeat.Milliseconds()}}))
	s.notifyLocked()
	s.mu.Unlock()
	go c.writeLoop()
	go s.watchHeartbeats(c)
	s.readLoop(c)
}

// heartbeatGrace is how long past two intervals the fake waits for a
// heartbeat before closing the socket, so a loaded test machine's late
// heartbeat is not taken for a dead client.
const heartbeatGrace = time.Second

// watchHeartbeats closes the connection with 4009 (session timed out) when
// the client stops heartbeating, as Discord closes a zombie connection; the
// session cannot be resumed. It runs on real time, like the client's timer.
func (s *Server) watchHeartbeats(c *gwConn) {
	limit := 2*s.cfg.heartbeat + heartbeatGrace
	t := time.NewTimer(limit)
	defer t.Stop()
	for {
		select {
		case <-c.beat:
			t.Reset(limit)
		case <-c.done:
			return
		case <-t.C:
			s.mu.Lock()
			if c.sess != nil {
				c.sess.dead = true
			}
			s.heartbeatTimeouts++
			s.notifyLocked()
			s.mu.Unlock()
			s.closeWith(c, 4009, "Session timed out.")
			return
		}
	}
}

// HeartbeatTimeouts is the number of connections the fake closed because
// their heartbeats stopped.
func (s *Server) HeartbeatTimeouts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heartbeatTimeouts
}

func (c *gwConn) send(b []byte) {
	select {
	case c.out <- b:
	default:
		go c.kill() // a client this far behind is as good as gone
	}
}

func (c *gwConn) writeLoop() {
	for {
		select {
		case b := <-c.out:
			_ = c.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
				c.kill()
				return
			}
		case <-c.done:
			return
		}
	}
}

// kill closes the socket without a close frame, as a network failure would.
func (c *gwConn) kill() {
	c.once.Do(func() {
		close(c.done)
		_ = c.ws.UnderlyingConn().Close()
	})
}

func (s *Server) readLoop(c *gwConn) {
	defer c.kill()
	for {
		_, msg, err := c.ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			clean := errors.As(err, &ce) && (ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseGoingAway)
			s.mu.Lock()
			delete(s.conns, c)
			if c.sess != nil && c.sess.conn == c {
				c.sess.conn = nil
				if clean {
					c.sess.dead = true // Discord forgets sessions closed with 1000/1001
				}
			}
			s.notifyLocked()
			s.mu.Unlock()
			return
		}
		var p struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if json.Unmarshal(msg, &p) != nil {
			s.closeWith(c, 4002, "Error while decoding payload.")
			return
		}
		if (p.Op == 2 || p.Op == 6) && s.refused(c) {
			return
		}
		switch p.Op {
		case 1:
			select {
			case c.beat <- struct{}{}:
			default:
			}
			s.mu.Lock()
			s.heartbeats++
			if !s.silenceACK {
				c.send([]byte(`{"op":11,"d":null}`))
			}
			s.notifyLocked()
			s.mu.Unlock()
		case 2:
			if !s.identify(c, p.D) {
				return
			}
		case 6:
			if !s.resume(c, p.D) {
				return
			}
		}
	}
}

func (s *Server) closeWith(c *gwConn, code int, text string) {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	c.kill()
}

func (s *Server) tokenOK(tok string) bool {
	return strings.TrimPrefix(tok, "Bot ") == s.Token
}

func (s *Server) identify(c *gwConn, raw json.RawMessage) bool {
	var id struct {
		Token   string           `json:"token"`
		Shard   *[2]int          `json:"shard"`
		Intents discordgo.Intent `json:"intents"`
	}
	if json.Unmarshal(raw, &id) != nil || !s.tokenOK(id.Token) {
		s.closeWith(c, 4004, "Authentication failed.")
		return false
	}
	shard := [2]int{0, 1}
	if id.Shard != nil {
		shard = *id.Shard
		if shard[1] < 1 || shard[0] < 0 || shard[0] >= shard[1] {
			s.closeWith(c, 4010, "Invalid shard.")
			return false
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.sess != nil { // identify again after op 9: the old session is gone
		c.sess.dead = true
		c.sess.conn = nil
	}
	sess := &gwSession{id: s.newIDLocked(), shard: shard, intents: id.Intents, conn: c}
	s.sessions[sess.id] = sess
	c.sess = sess
	s.identifies++
	var unavailable []map[string]any
	for _, gid := range s.guildIDs {
		if shardOf(gid, shard[1]) == shard[0] {
			unavailable = append(unavailable, map[string]any{"id": gid, "unavailable": true})
		}
	}
	ready := map[string]any{
		"v":                  10,
		"user":               s.BotUser,
		"application":        map[string]any{"id": s.AppID, "flags": 0},
		"session_id":         sess.id,
		"resume_gateway_url": s.gatewayURL(),
		"guilds":             orEmpty(unavailable),
		"private_channels":   []any{},
	}
	if id.Shard != nil {
		ready["shard"] = shard
	}
	s.emitLocked(sess, "READY", mustJSON(ready))
	for _, gid := range s.guildIDs {
		if shardOf(gid, shard[1]) == shard[0] {
			g := s.guilds[gid]
			s.emitLocked(sess, "GUILD_CREATE", mustJSON(s.withVoice(sess, s.guildPayload(g, sess.intents&discordgo.IntentsGuildMembers != 0))))
		}
	}
	s.notifyLocked()
	return true
}

func (s *Server) resume(c *gwConn, raw json.RawMessage) bool {
	var r struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if json.Unmarshal(raw, &r) != nil || !s.tokenOK(r.Token) {
		s.closeWith(c, 4004, "Authentication failed.")
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[r.SessionID]
	if sess == nil || sess.dead || r.Seq > sess.seq {
		c.send([]byte(`{"op":9,"d":false}`))
		return true
	}
	if old := sess.conn; old != nil && old != c {
		old.sess = nil
		go old.kill()
	}
	sess.conn = c
	c.sess = sess
	s.resumes++
	for _, frame := range sess.log[r.Seq:] {
		c.send(frame)
	}
	s.emitLocked(sess, "RESUMED", []byte(`{}`))
	s.notifyLocked()
	return true
}

// emitLocked sends one dispatch on a session, numbering it and keeping it for
// RESUME; s.mu must be held so that numbering and sending stay in order.
func (s *Server) emitLocked(sess *gwSession, event string, d []byte) {
	sess.seq++
	frame := fmt.Appendf(nil, `{"op":0,"t":%q,"s":%d,"d":%s}`, event, sess.seq, d)
	sess.log = append(sess.log, frame)
	if sess.conn != nil {
		sess.conn.send(frame)
	}
}

// dispatchLocked sends an event to every live session whose shard holds the
// guild (DMs belong to shard 0) and whose intents ask for it (0: always).
func (s *Server) dispatchLocked(event, guildID string, intent discordgo.Intent, d any) {
	raw := mustJSON(d)
	for _, sess := range s.sessionsFor(guildID, intent) {
		s.emitLocked(sess, event, raw)
	}
}

func (s *Server) dispatchGuildCreateLocked(g *guild) {
	for _, sess := range s.sessionsFor(g.id, discordgo.IntentsGuilds) {
		s.emitLocked(sess, "GUILD_CREATE", mustJSON(s.withVoice(sess, s.guildPayload(g, sess.intents&discordgo.IntentsGuildMembers != 0))))
	}
}

func (s *Server) sessionsFor(guildID string, intent discordgo.Intent) []*gwSession {
	var out []*gwSession
	for _, sess := range s.sessions {
		if sess.dead || (intent != 0 && sess.intents&intent == 0) {
			continue
		}
		shard := 0
		if guildID != "" {
			shard = shardOf(guildID, sess.shard[1])
		}
		if shard == sess.shard[0] {
			out = append(out, sess)
		}
	}
	return out
}

func (s *Server) liveConns() []*gwConn {
	out := make([]*gwConn, 0, len(s.conns))
	for c := range s.conns {
		out = append(out, c)
	}
	return out
}

func (s *Server) gatewayURL() string {
	return "ws" + strings.TrimPrefix(s.URL, "http") + "/gateway"
}

// shardOf is Discord's sharding formula.
func shardOf(guildID string, count int) int {
	id, _ := strconv.ParseUint(guildID, 10, 64)
	if count < 1 {
		count = 1
	}
	return int((id >> 22) % uint64(count))
}

// Connections is the number of gateway connections that have been sent READY
// or RESUMED and are still open.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.conns {
		if c.sess != nil && c.sess.conn == c {
			n++
		}
	}
	return n
}

// Identifies is the number of successful IDENTIFYs so far.
func (s *Server) Identifies() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.identifies
}

// Heartbeats is the number of heartbeats (op 1) received so far.
func (s *Server) Heartbeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heartbeats
}

// Resumes is the number of successful RESUMEs so far.
func (s *Server) Resumes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resumes
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("discordtest: encoding %T: %v", v, err))
	}
	return b
}

func orEmpty[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}
