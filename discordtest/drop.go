package discordtest

import (
	"net/http"

	"github.com/hearthbot/hearth/discordtest/internal/paths"
)

// lostResponse is a LoseResponseNext fault.
type lostResponse struct {
	method  string // "" matches any
	pattern []string
	left    int
}

// LoseResponseNext makes the next n REST requests whose method matches
// (empty matches any) and whose path matches pathPattern take effect as
// usual — a message is created, an event deleted — and then closes the
// connection without answering, as when Discord did the work but the
// response was lost: a crash, a timeout or a network failure on the way
// back. The client gets a transport error and cannot tell whether the
// request worked. The call is recorded with the status it would have had.
func (s *Server) LoseResponseNext(method, pathPattern string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lost = append(s.lost, &lostResponse{method: method, pattern: paths.Split(paths.Normalize(pathPattern)), left: n})
}

// loseResponse reports whether the response to a request must be lost,
// consuming one use of the matching fault.
func (s *Server) loseResponse(method, path string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	segs := paths.Split(path)
	for i, f := range s.lost {
		if (f.method != "" && f.method != method) || !paths.Match(f.pattern, segs, nil) {
			continue
		}
		f.left--
		if f.left <= 0 {
			s.lost = append(s.lost[:i:i], s.lost[i+1:]...)
		}
		return true
	}
	return false
}

// dropConnection closes the client's connection without an HTTP answer.
func dropConnection(w http.ResponseWriter) bool {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return false
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}
