package chart_test

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/hearthbot/hearth/chart"
	"github.com/hearthbot/hearth/chart/charttest"
)

var labels = chart.Labels{Attendance: "Anxiety Circle — attendance", AttendanceAxis: "members who checked in", Mood: "Average mood (1–5)", MoodAxis: "mood"}

func TestRender(t *testing.T) {
	tests := []struct {
		name     string
		meetings []chart.Meeting
	}{
		{"OK", []chart.Meeting{{"3 Mar", 5, 3.4}, {"10 Mar", 4, 2.5}, {"17 Mar", 6, 0}, {"24 Mar", 0, 0}, {"31 Mar", 3, 4}}},
		{"OneMeeting", []chart.Meeting{{"3 Mar", 2, 1}}},
		{"NoMoods", []chart.Meeting{{"3 Mar", 2, 0}, {"10 Mar", 3, 0}}},
		{"ManyMeetings", func() []chart.Meeting {
			var ms []chart.Meeting
			for i := range 24 {
				ms = append(ms, chart.Meeting{Label: "w", Attended: i % 7, Mood: float64(1 + i%5)})
			}
			return ms
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := chart.Render(tt.meetings, labels)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			if got := img.Bounds().Size(); got != image.Pt(chart.Width, chart.Height) {
				t.Errorf("size = %v, want %dx%d", got, chart.Width, chart.Height)
			}
			att, mood := chart.Series(tt.meetings)
			if len(att) != len(tt.meetings) {
				t.Errorf("%d attendance points for %d meetings", len(att), len(tt.meetings))
			}
			if got := charttest.Points(img, chart.AttendanceColor); got != len(att) {
				t.Errorf("%d attendance points drawn, want %d", got, len(att))
			}
			if got := charttest.Points(img, chart.MoodColor); got != len(mood) {
				t.Errorf("%d mood points drawn, want %d", got, len(mood))
			}
		})
	}
	t.Run("ErrEmpty", func(t *testing.T) {
		if _, err := chart.Render(nil, labels); err == nil {
			t.Error("no error for an empty report")
		}
	})
}

// BenchmarkRender draws a year of weekly meetings, the largest /report.
func BenchmarkRender(b *testing.B) {
	ms := make([]chart.Meeting, 52)
	for i := range ms {
		ms[i] = chart.Meeting{Label: "w", Attended: i % 9, Mood: float64(1 + i%5)}
	}
	for b.Loop() {
		if _, err := chart.Render(ms, labels); err != nil {
			b.Fatal(err)
		}
	}
}
