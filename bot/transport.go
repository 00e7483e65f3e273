package bot

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/hearthbot/hearth"
)

// rewriteTransport sends requests discordgo addresses to Discord's REST base
// to another base (a proxy or a test server) with the same path and headers.
// It leaves discordgo's package-level endpoint variables alone, so several
// sessions in one process may use different bases.
type rewriteTransport struct {
	from string   // "https://discord.com/api/v9"
	to   *url.URL // the configured base
	next http.RoundTripper
}

func newRewriteTransport(base string, next http.RoundTripper) (*rewriteTransport, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil {
		return nil, fmt.Errorf("parse api base url: %w", err)
	}
	return &rewriteTransport{from: hearth.DefaultAPIBaseURL, to: u, next: next}, nil
}

// RoundTrip implements http.RoundTripper.
func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	full := req.URL.String()
	if !strings.HasPrefix(full, t.from) || t.to.String() == t.from {
		return t.next.RoundTrip(req)
	}
	rest := strings.TrimPrefix(full, t.from)
	u, err := url.Parse(t.to.String() + rest)
	if err != nil {
		return nil, fmt.Errorf("rewrite request url: %w", err)
	}
	// RoundTrippers must not modify the request they are given.
	out := req.Clone(req.Context())
	out.URL = u
	out.Host = u.Host
	return t.next.RoundTrip(out)
}
