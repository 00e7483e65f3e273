package hearth_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

func TestRotaParts(t *testing.T) {
	for _, tt := range []struct {
		name string
		ids  func(i int) string
	}{
		{"ShortIDs", strconv.Itoa}, // the mention limit binds first
		{"SnowflakeIDs", func(i int) string { return strconv.Itoa(1234567890123456789 - i) }}, // the content limit does
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range []int{0, 1, 99, 100, 101, 250, 500} {
				r := &hearth.Rota{}
				for i := range n {
					r.Order = append(r.Order, tt.ids(i))
				}
				r.Sharers = r.Order[:min(3, n)]
				parts := hearth.RotaParts(r, "⏰ **Group** meets soon.", "How to check in.", true, locale.English)
				pings := map[string]int{}
				entries := 0
				for i, p := range parts {
					if l := hearth.TextLen(p.Content); l > 2000 {
						t.Errorf("%d members: part %d has %d characters", n, i+1, l)
					}
					if len(p.MentionUsers) > 100 {
						t.Errorf("%d members: part %d pings %d", n, i+1, len(p.MentionUsers))
					}
					if want := fmt.Sprintf("**Check-in order (%d/%d):** ", i+1, len(parts)); !strings.HasPrefix(p.Content, want) {
						t.Errorf("%d members: part %d starts %.40q", n, i+1, p.Content)
					}
					if strings.Contains(p.Content, "**Sharers:**") != (i == 0) {
						t.Errorf("%d members: Sharers line in part %d", n, i+1)
					}
					if strings.Contains(p.Content, "How to check in.") != (i == len(parts)-1) {
						t.Errorf("%d members: the last line in part %d", n, i+1)
					}
					line, _, _ := strings.Cut(p.Content, "\n")
					for _, f := range strings.Fields(line) {
						if f == strconv.Itoa(entries+1)+"." {
							entries++
						}
					}
					for _, u := range p.MentionUsers {
						pings[u]++
					}
				}
				if entries != n {
					t.Errorf("%d members: %d entries across %d parts", n, entries, len(parts))
				}
				for _, id := range r.Order {
					if pings[id] != 1 {
						t.Errorf("%d members: %s pinged %d times", n, id, pings[id])
					}
				}
			}
		})
	}
}
