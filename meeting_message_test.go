package hearth_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

func TestReminderPost(t *testing.T) {
	start := time.Date(2026, 3, 3, 18, 0, 0, 0, time.UTC)
	g := &hearth.Group{Name: "Anxiety Circle", ChannelID: "9"}
	members := []*hearth.Membership{
		{UserID: "1", Seq: 1}, {UserID: "2", Seq: 2}, {UserID: "3", Seq: 3, AwayUntil: start.Add(time.Hour)},
	}
	t.Run("OK", func(t *testing.T) {
		m := &hearth.Meeting{StartsAt: start, Rota: hearth.ComputeRota(members, start, 0, 1)}
		msg := hearth.ReminderPost(g, m, locale.English)
		for _, want := range []string{"**Anxiety Circle**", "<t:1772560800:F>", "<t:1772560800:R>", "\n**Sharers:** <@1>\n", "\n**Check-in order:** 1. <@1> 2. <@2>\n", "`/checkin`", "`/rota pass`", "`/rota away`"} {
			if !strings.Contains(msg.Content, want) {
				t.Errorf("reminder %q lacks %q", msg.Content, want)
			}
		}
		if !slices.Equal(msg.MentionUsers, []string{"1", "2"}) || strings.Contains(msg.Content, "<@3>") {
			t.Errorf("mentions %v in %q: only the people named, never the away member", msg.MentionUsers, msg.Content)
		}
		if dm := hearth.ReminderDM(g, m, "", locale.English); dm.MentionUsers != nil || !strings.Contains(dm.Content, "<#9>") {
			t.Errorf("reminder DM = %+v", dm)
		}
	})
	t.Run("NobodyActive", func(t *testing.T) {
		m := &hearth.Meeting{StartsAt: start, Rota: hearth.ComputeRota(nil, start, 0, 2)}
		if msg := hearth.ReminderPost(g, m, locale.English); msg.MentionUsers != nil || strings.Contains(msg.Content, "@everyone") {
			t.Errorf("empty rota pings %v: %q", msg.MentionUsers, msg.Content)
		}
	})
}

// TestReminderDM_LargeGroup: the DM of a 500-member group's reminder fits
// one message by giving the member's own place instead of the whole order.
func TestReminderDM_LargeGroup(t *testing.T) {
	start := time.Date(2026, 3, 3, 18, 0, 0, 0, time.UTC)
	g := &hearth.Group{Name: "Anxiety Circle", ChannelID: "9"}
	var members []*hearth.Membership
	for i := range 500 {
		members = append(members, &hearth.Membership{UserID: strconv.Itoa(1234567890123456789 - i), Seq: int64(i + 1)})
	}
	m := &hearth.Meeting{StartsAt: start, Rota: hearth.ComputeRota(members, start, 0, 2)}
	me := m.Rota.Order[41]
	dm := hearth.ReminderDM(g, m, me, locale.English)
	if n := len([]rune(dm.Content)); n > 2000 || dm.MentionUsers != nil {
		t.Fatalf("DM of %d characters, pinging %v", n, dm.MentionUsers)
	}
	for _, want := range []string{"**Sharers:** <@", "you are number 42 of 500", "<#9>", "`/rota pass`"} {
		if !strings.Contains(dm.Content, want) {
			t.Errorf("DM %q lacks %q", dm.Content, want)
		}
	}
	for _, p := range hearth.StartPosts(g, m, locale.English) {
		if n := len([]rune(p.Content)); n > 2000 || len(p.MentionUsers) > 100 {
			t.Errorf("start post part: %d characters, %d pings", n, len(p.MentionUsers))
		}
	}
}

func TestParseMeetingTime(t *testing.T) {
	madrid, _ := time.LoadLocation("Europe/Madrid")
	for _, tc := range []struct {
		name, in string
		want     time.Time
		err      bool
	}{
		{"OK", "2026-03-17 19:00", time.Date(2026, 3, 17, 18, 0, 0, 0, time.UTC), false},
		{"OKSpaces", " 2026-03-17   19:00 ", time.Date(2026, 3, 17, 18, 0, 0, 0, time.UTC), false},
		{"InTheGap", "2026-03-29 02:30", time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), false},   // 03:00 CEST
		{"Repeated", "2026-10-25 02:30", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), false}, // first 02:30, CEST
		{"ErrFormat", "17/03/2026 19:00", time.Time{}, true},
		{"ErrNoTime", "2026-03-17", time.Time{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := hearth.ParseMeetingTime(tc.in, madrid)
			if tc.err {
				if hearth.ErrorCode(err) != hearth.EINVALID || !strings.Contains(hearth.ErrorMessage(err), "YYYY-MM-DD HH:MM") {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil || !got.Equal(tc.want) {
				t.Fatalf("ParseMeetingTime(%q) = %s, %v; want %s", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestParseMeetingDate(t *testing.T) {
	santiago, _ := time.LoadLocation("America/Santiago")
	// Santiago springs forward at midnight: 6 September 2026 starts at 01:00.
	from, to, err := hearth.ParseMeetingDate("2026-09-06", santiago)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 9, 6, 4, 0, 0, 0, time.UTC); !from.Equal(want) || to.Sub(from) != 23*time.Hour {
		t.Errorf("day = [%s, %s), want from %s and 23h", from, to, want)
	}
	if _, _, err := hearth.ParseMeetingDate("tomorrow", santiago); hearth.ErrorCode(err) != hearth.EINVALID {
		t.Errorf("err = %v", err)
	}
}
