// Package paths matches Discord REST paths against route patterns, the one
// way the fake Discord routes requests and its OpenAPI validator finds a
// request's schema.
package paths

import "strings"

// Normalize maps the versioned prefixes discordgo and other clients use onto
// the bare paths the server routes, so /api/v9/x, /api/v10/x and /x are one
// route.
func Normalize(p string) string {
	for _, prefix := range []string{"/api/v10", "/api/v9", "/api"} {
		if p == prefix {
			return "/"
		}
		if strings.HasPrefix(p, prefix+"/") {
			return p[len(prefix):]
		}
	}
	if p == "" {
		return "/"
	}
	return p
}

// Split returns the segments of a path.
func Split(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// Match matches a path against a pattern whose segments are literals,
// "{name}" captures or "*" wildcards. Captures go into params when it is not
// nil.
func Match(pattern, path []string, params map[string]string) bool {
	if len(pattern) != len(path) {
		return false
	}
	for i, seg := range pattern {
		switch {
		case seg == "*":
		case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}"):
			if path[i] == "" {
				return false
			}
			if params != nil {
				params[seg[1:len(seg)-1]] = path[i]
			}
		case seg != path[i]:
			return false
		}
	}
	return true
}

// LiteralCount ranks patterns so that /users/@me wins over /users/{user_id},
// as Discord's own router does.
func LiteralCount(pattern []string) int {
	n := 0
	for _, seg := range pattern {
		if seg != "*" && !strings.HasPrefix(seg, "{") {
			n++
		}
	}
	return n
}
