package hearth_test

import (
	"testing"

	"github.com/hearthbot/hearth"
)

func FuzzParseOffsets(f *testing.F) {
	for _, s := range []string{"24h,1h", "2d, 30m", "5m", "7d", "", ",", "1h,1h", "999999999d", "-1h", "1.5h", "1h,,2h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := hearth.ParseOffsets(s)
		if err != nil {
			if hearth.ErrorCode(err) != hearth.EINVALID {
				t.Fatalf("ParseOffsets(%q): error code %q, want invalid", s, hearth.ErrorCode(err))
			}
			return
		}
		// Whatever is accepted is valid, sorted, and reads back the same.
		if len(got) < 1 || len(got) > hearth.MaxReminderCount {
			t.Fatalf("ParseOffsets(%q) accepted %d offsets", s, len(got))
		}
		for i, d := range got {
			if d < hearth.MinReminder || d > hearth.MaxReminder || (i > 0 && d >= got[i-1]) {
				t.Fatalf("ParseOffsets(%q) = %v: out of range or unsorted", s, got)
			}
		}
		again, err := hearth.ParseOffsets(hearth.FormatOffsets(got))
		if err != nil || hearth.FormatOffsets(again) != hearth.FormatOffsets(got) {
			t.Fatalf("round trip of %q: %v, %v", s, again, err)
		}
	})
}
