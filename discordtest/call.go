package discordtest

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/hearthbot/hearth/discordtest/internal/paths"
)

// Call is one REST request the server answered, as the test may want to
// assert on it.
type Call struct {
	Method string
	// Path is the request path without the /api/vN prefix or query.
	Path     string
	Query    url.Values
	Header   http.Header
	Body     []byte
	Status   int
	Response []byte
}

// String gives a one-line summary for failure messages.
func (c Call) String() string {
	body := string(c.Body)
	if len(body) > 200 {
		body = body[:200] + "…"
	}
	q := ""
	if len(c.Query) > 0 {
		q = "?" + c.Query.Encode()
	}
	return fmt.Sprintf("%s %s%s -> %d %s", c.Method, c.Path, q, c.Status, body)
}

// Calls returns every REST call so far, in the order they were answered.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsTo returns the calls whose method matches (empty matches any) and whose
// path matches pattern, where "*" and "{name}" segments match any one segment.
func (s *Server) CallsTo(method, pattern string) []Call {
	pat := paths.Split(pattern)
	var out []Call
	for _, c := range s.Calls() {
		if (method == "" || method == c.Method) && paths.Match(pat, paths.Split(c.Path), nil) {
			out = append(out, c)
		}
	}
	return out
}

// Unhandled returns the calls to routes the fake does not implement; each was
// answered 404 with code 0 and reported through t.Errorf.
func (s *Server) Unhandled() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.unhandled...)
}
