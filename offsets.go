package hearth

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ParseOffsets parses a reminder offset list such as "24h,1h" or "2d, 30m"
// (units m, h, d) and validates it: 1 to 5 offsets, each from 5m to 7d, no
// duplicates. The result is sorted from the earliest reminder to the latest.
func ParseOffsets(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, part := range strings.Split(s, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		if part == "" {
			continue
		}
		d, ok := parseOffset(part)
		if !ok {
			return nil, Errorm(EINVALID, "input_err.offset", []any{"Quoted", fmt.Sprintf("%q", part)},
				"%q is not an offset: write a number and a unit, m (minutes), h (hours) or d (days), separated by commas, e.g. `24h,1h`.", part)
		}
		out = append(out, d)
	}
	if err := ValidateOffsets(out); err != nil {
		return nil, err
	}
	return out, nil
}

func parseOffset(s string) (time.Duration, bool) {
	if len(s) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n < 0 || n > 100000 {
		return 0, false
	}
	switch s[len(s)-1] {
	case 'm':
		return time.Duration(n) * time.Minute, true
	case 'h':
		return time.Duration(n) * time.Hour, true
	case 'd':
		return time.Duration(n) * 24 * time.Hour, true
	}
	return 0, false
}

// ValidateOffsets checks a reminder offset list and sorts it, earliest
// reminder (largest offset) first.
func ValidateOffsets(offsets []time.Duration) error {
	if len(offsets) < 1 || len(offsets) > MaxReminderCount {
		return Errorm(EINVALID, "input_err.offset_count", []any{"Max", MaxReminderCount}, "Give 1 to %d reminder offsets, e.g. `24h,1h`.", MaxReminderCount)
	}
	for i, d := range offsets {
		if d < MinReminder || d > MaxReminder {
			return Errorm(EINVALID, "input_err.offset_range", []any{"Offset", FormatOffset(d)}, "Each reminder must be from 5m to 7d before the meeting; %s is not.", FormatOffset(d))
		}
		if slices.Contains(offsets[:i], d) {
			return Errorm(EINVALID, "input_err.offset_twice", []any{"Offset", FormatOffset(d)}, "The reminder %s is listed twice.", FormatOffset(d))
		}
	}
	slices.SortFunc(offsets, func(a, b time.Duration) int { return int((b - a) / time.Minute) })
	return nil
}

// FormatOffset writes an offset the way ParseOffsets reads it.
func FormatOffset(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	default:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	}
}

// FormatOffsets writes an offset list the way ParseOffsets reads it.
func FormatOffsets(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = FormatOffset(d)
	}
	return strings.Join(parts, ",")
}
