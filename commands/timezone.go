package commands

import (
	"context"
	"strings"
)

//go:generate go run ../internal/tzgen -zoneinfo /usr/share/zoneinfo -o timezones_gen.go

// registerTimezoneAutocomplete completes `timezone` options with IANA names:
// names that start with what was typed first, then names that contain it,
// at most 25. Spaces match underscores, so "new york" finds America/New_York.
func (s *Service) registerTimezoneAutocomplete(rt *Router) {
	rt.Autocomplete("timezone", func(_ context.Context, r *Request) (*Response, error) {
		return Choices(matchTimezones(r.String("timezone"))), nil
	})
}

// matchTimezones returns the zone names matching typed, best first.
func matchTimezones(typed string) []Choice {
	q := strings.ToLower(strings.ReplaceAll(typed, " ", "_"))
	var prefix, inside []Choice
	for _, z := range timezones {
		lz := strings.ToLower(z)
		city := lz[strings.LastIndex(lz, "/")+1:]
		switch {
		case strings.HasPrefix(lz, q) || strings.HasPrefix(city, q):
			prefix = append(prefix, Choice{Name: z, Value: z})
		case strings.Contains(lz, q):
			inside = append(inside, Choice{Name: z, Value: z})
		}
		if len(prefix) >= 25 {
			break
		}
	}
	out := append(prefix, inside...)
	return out[:min(len(out), 25)]
}
