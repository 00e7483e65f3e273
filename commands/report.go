package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/chart"
	"github.com/hearthbot/hearth/locale"
)

// Limits of /report.
const (
	defaultReportWeeks = 12
	maxReportWeeks     = 52
	reportTableRows    = 15
)

// registerReport defines /report for a group's psychologists. Drawing the
// chart can take more than a second on a busy host, so it is deferred.
func (s *Service) registerReport(rt *Router) {
	rt.Define(Command{
		Name:        "report",
		scope:       scopePsychologist,
		Description: "Attendance and average mood per meeting, as a chart and a table (psychologists only)",
		Options: []OptionDef{
			GroupOpt(false),
			Int("weeks", "How many weeks back (1–52, default 12)", false, 1, maxReportWeeks),
		},
	})
	rt.Handle("report", s.report)
	rt.Slow("report")
}

// reportRow is one meeting of a report.
type reportRow struct {
	meeting  *hearth.Meeting
	attended int
	present  int // of attended: from voice presence (§12)
	moods    int
	avg      float64
}

func (s *Service) report(ctx context.Context, r *Request) (*Response, error) {
	weeks, ok := r.Int("weeks")
	if !ok {
		weeks = defaultReportWeeks
	}
	if weeks < 1 || weeks > maxReportWeeks {
		return nil, &hearth.Error{Code: hearth.EINVALID, Message: r.T(locale.ReportWeeksRange, locale.A("Max", maxReportWeeks))}
	}
	g, err := s.group(ctx, r)
	if err != nil {
		return nil, err
	}
	t := now(r)
	from := t.AddDate(0, 0, -7*int(weeks))
	meetings, err := s.Store.MeetingsBetween(ctx, g.ID, from, t)
	if err != nil {
		return nil, err
	}
	checkIns, err := s.Store.GroupCheckIns(ctx, g.ID, from, t)
	if err != nil {
		return nil, err
	}
	if err := s.Store.Audit(ctx, audit(r, "report.view", groupTarget(g))); err != nil {
		return nil, err
	}
	rows := reportRows(meetings, checkIns, t)
	if len(rows) == 0 {
		return Ephemeral(r.T(locale.ReportNothing, locale.A("Group", g.Name), locale.A("Weeks", weeks))), nil
	}
	loc, err := g.Location()
	if err != nil {
		return nil, err
	}
	points := make([]chart.Meeting, len(rows))
	for i, row := range rows {
		points[i] = chart.Meeting{Label: r.Lang.ShortDate(row.meeting.StartsAt.In(loc)), Attended: row.attended, Mood: row.avg}
	}
	png, err := chart.Render(points, chart.Labels{
		Attendance: r.T(locale.ReportChartAttendance, locale.A("Group", g.Name)), AttendanceAxis: r.T(locale.ReportChartAttendanceAxis),
		Mood: r.T(locale.ReportChartMood), MoodAxis: r.T(locale.ReportChartMoodAxis),
	})
	if err != nil {
		return nil, fmt.Errorf("render report chart: %w", err)
	}
	msg := hearth.Message{
		Content:   reportTable(r, g, rows, loc, int(weeks)),
		Files:     []hearth.File{{Name: "report.png", ContentType: "image/png", Data: png}},
		Ephemeral: true,
	}
	return Reply(msg), nil
}

// reportRows counts attendance and average mood per meeting held.
func reportRows(meetings []*hearth.Meeting, checkIns []*hearth.CheckIn, t time.Time) []reportRow {
	byMeeting := map[int64][]*hearth.CheckIn{}
	for _, c := range checkIns {
		byMeeting[c.MeetingID] = append(byMeeting[c.MeetingID], c)
	}
	var rows []reportRow
	for _, m := range meetings {
		if !held(m, t) {
			continue
		}
		sum := hearth.Summarize(nil, m, 0, byMeeting[m.ID])
		rows = append(rows, reportRow{meeting: m, attended: sum.Attended, present: sum.Present, moods: sum.Moods, avg: sum.AvgMood})
	}
	return rows
}

// reportTable is the reply's text: totals and the latest meetings in a
// monospace table, dates in the group's zone.
func reportTable(r *Request, g *hearth.Group, rows []reportRow, loc *time.Location, weeks int) string {
	total, moods, moodSum := 0, 0, 0.0
	for _, row := range rows {
		total += row.attended
		moods += row.moods
		moodSum += row.avg * float64(row.moods)
	}
	var b strings.Builder
	b.WriteString(r.T(locale.ReportTitle, locale.A("Group", g.Name), locale.A("Weeks", weeks), locale.A("Meetings", len(rows)),
		locale.A("Average", fmt.Sprintf("%.1f", float64(total)/float64(len(rows))))))
	if moods > 0 {
		b.WriteString(r.T(locale.ReportMood, locale.A("Mood", fmt.Sprintf("%.1f", moodSum/float64(moods)))))
	}
	b.WriteString(r.T(locale.ReportPrivate) + "\n```\n" + r.T(locale.ReportHeader) + "\n")
	shown := rows[max(0, len(rows)-reportTableRows):]
	for _, row := range shown {
		mood := "  –"
		if row.moods > 0 {
			mood = fmt.Sprintf("%.1f", row.avg)
		}
		fmt.Fprintf(&b, "%-18s %8d  %5d  %4s\n", r.Lang.DayTime(row.meeting.StartsAt.In(loc)), row.attended, row.present, mood)
	}
	b.WriteString("```")
	b.WriteString("\n" + r.T(locale.ReportVoiceNote) + "\n")
	if len(shown) < len(rows) {
		b.WriteString(r.T(locale.ReportTruncated, locale.A("Shown", len(shown)), locale.A("All", len(rows))))
	}
	return b.String()
}
