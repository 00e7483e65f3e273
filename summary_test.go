package hearth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

func TestSummarize(t *testing.T) {
	g := &hearth.Group{ID: 1, Name: "Anxiety", FacilitatorID: "fac", ObserverID: "obs"}
	start := time.Date(2026, 3, 3, 18, 0, 0, 0, time.UTC)
	m := &hearth.Meeting{ID: 7, GroupID: 1, StartsAt: start, EndsAt: start.Add(time.Hour)}
	for _, tt := range []struct {
		name     string
		checkIns []*hearth.CheckIn
		moods    int
		avg      float64
		want     string
	}{
		{"OK", []*hearth.CheckIn{{Mood: 5}, {Mood: 2}, {}}, 2, 3.5, "3.5 / 5 (from 2 of 3 check-ins)"},
		{"NoMoods", []*hearth.CheckIn{{}, {}}, 0, 0, "nobody gave a mood"},
		{"NobodyCame", nil, 0, 0, "0 of 6 members"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := hearth.Summarize(g, m, 6, tt.checkIns)
			if s.Attended != len(tt.checkIns) || s.Moods != tt.moods || s.AvgMood != tt.avg {
				t.Fatalf("summary = %+v", s)
			}
			msg := hearth.SummaryDM(s, locale.English)
			if got := msg.Embeds[0].Fields; !strings.Contains(got[0].Value+got[1].Value, tt.want) {
				t.Errorf("summary fields %+v do not say %q", got, tt.want)
			}
			if msg.Buttons[0][0].CustomID != "summary:details:7" || len(msg.MentionUsers) != 0 {
				t.Errorf("button %q, mentions %v", msg.Buttons[0][0].CustomID, msg.MentionUsers)
			}
		})
	}
}

func TestSummaryJobs(t *testing.T) {
	g := &hearth.Group{ID: 1, GuildID: "guild", FacilitatorID: "fac", ObserverID: "obs"}
	m := &hearth.Meeting{ID: 7, GroupID: 1}
	now := time.Date(2026, 3, 3, 19, 30, 0, 0, time.UTC)
	jobs := hearth.SummaryJobs(m, g, now)
	if len(jobs) != 2 {
		t.Fatalf("%d jobs, want one per psychologist", len(jobs))
	}
	for i, want := range []string{"fac", "obs"} {
		j := jobs[i]
		if j.Kind != hearth.JobMeetingSummary || j.UserID != want || j.MeetingID != 7 || !j.DueAt.Equal(now) || j.Key != "meeting:7:summary:"+want {
			t.Errorf("job %d = %+v", i, j)
		}
	}
}
