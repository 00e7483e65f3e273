package hearth_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

func TestRoundState_Apply(t *testing.T) {
	rota := &hearth.Rota{Order: []string{"a", "b", "c"}, Sharers: []string{"c", "a"}}
	t.Run("WalksTheOrderThenTheSharers", func(t *testing.T) {
		s := hearth.NewRound(1, "ch", "msg")
		var seen []string
		for i := 0; i < 10; i++ {
			now, _ := s.Now(rota)
			if now == "" {
				break
			}
			seen = append(seen, now)
			if ok, err := s.Apply(rota, hearth.RoundNext, s.Step); err != nil || !ok {
				t.Fatalf("press %d: %v %v", i, ok, err)
			}
		}
		if got := strings.Join(seen, ","); got != "a,b,c,c,a" {
			t.Fatalf("speakers = %s, want a,b,c,c,a", got)
		}
		if s.Phase != hearth.RoundOver {
			t.Fatalf("phase = %s", s.Phase)
		}
		if _, buttons := hearth.RoundSection(rota, s, locale.English); buttons != nil {
			t.Error("a round that is over still has buttons")
		}
	})
	t.Run("StalePressIgnored", func(t *testing.T) {
		s := hearth.NewRound(1, "ch", "msg")
		s.Apply(rota, hearth.RoundNext, 0)
		if ok, _ := s.Apply(rota, hearth.RoundNext, 0); ok {
			t.Fatal("a press of an older step was applied")
		}
		if now, next := s.Now(rota); now != "b" || next != "c" {
			t.Fatalf("now %s next %s", now, next)
		}
	})
	t.Run("SkipAndSharingRound", func(t *testing.T) {
		s := hearth.NewRound(1, "ch", "msg")
		s.Apply(rota, hearth.RoundSkip, 0)
		s.Apply(rota, hearth.RoundShare, 1)
		text, buttons := hearth.RoundSection(rota, s, locale.English)
		for _, want := range []string{"sharing 1/2", "**Now:** <@c>", "**Next:** <@a>", "**Skipped:** <@a>"} {
			if !strings.Contains(text, want) {
				t.Errorf("section %q does not say %q", text, want)
			}
		}
		if len(buttons) != 1 || !buttons[0][2].Disabled || buttons[0][0].CustomID != "round:next:1:2" {
			t.Errorf("buttons = %+v", buttons)
		}
	})
	t.Run("FitsForFiveHundredMembers", func(t *testing.T) {
		var big hearth.Rota
		for i := range 500 {
			big.Order = append(big.Order, fmt.Sprintf("%019d", 100000000000000000+i))
		}
		s := hearth.NewRound(1, "ch", "msg")
		for i := range 499 {
			s.Apply(&big, []string{hearth.RoundNext, hearth.RoundSkip}[i%2], s.Step)
		}
		text, _ := hearth.RoundSection(&big, s, locale.English)
		if n := utf8.RuneCountInString(text); n > 1000 {
			t.Fatalf("round section is %d characters", n)
		}
	})
}

const minute = time.Minute

var testStart = time.Date(2026, 3, 3, 18, 0, 0, 0, time.UTC)

func TestTimePresent(t *testing.T) {
	m := &hearth.Meeting{StartsAt: testStart, EndsAt: testStart.Add(90 * minute)}
	ivs := []*hearth.PresenceInterval{
		{UserID: "a", JoinedAt: testStart.Add(-10 * minute), LeftAt: testStart.Add(5 * minute)}, // 5 in the meeting
		{UserID: "a", JoinedAt: testStart.Add(3 * minute), LeftAt: testStart.Add(8 * minute)},   // overlaps: +3
		{UserID: "a", JoinedAt: testStart.Add(80 * minute)},                                     // open: until the end, 10
		{UserID: "b", JoinedAt: testStart, LeftAt: testStart.Add(9 * minute)},
	}
	if got := hearth.TimePresent(ivs, m, "a", m.EndsAt); got != 18*minute {
		t.Errorf("a present %s, want 18m", got)
	}
	members := []*hearth.Membership{{UserID: "a"}, {UserID: "b"}, {UserID: "c"}}
	got := hearth.PresenceAttendance(m, ivs, members, map[string]bool{}, 10*minute)
	if len(got) != 1 || got[0].UserID != "a" || !got[0].FromPresence || got[0].Mood != 0 {
		t.Errorf("attendance = %+v", got)
	}
	if got := hearth.PresenceAttendance(m, ivs, members, map[string]bool{"a": true}, 10*minute); len(got) != 0 {
		t.Errorf("a member who checked in got attendance from presence: %+v", got)
	}
}
