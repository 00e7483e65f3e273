package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/chart"
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
	moods    int
	avg      float64
}

func (s *Service) report(ctx context.Context, r *Request) (*Response, error) {
	weeks, ok := r.Int("weeks")
	if !ok {
		weeks = defaultReportWeeks
	}
	if weeks < 1 || weeks > maxReportWeeks {
		return nil, hearth.Errorf(hearth.EINVALID, "`weeks` must be from 1 to %d.", maxReportWeeks)
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
		return Ephemeralf("No meeting of **%s** took place in the last %d week(s), so there is nothing to report yet.", g.Name, weeks), nil
	}
	loc, err := g.Location()
	if err != nil {
		return nil, err
	}
	points := make([]chart.Meeting, len(rows))
	for i, row := range rows {
		points[i] = chart.Meeting{Label: row.meeting.StartsAt.In(loc).Format("2 Jan"), Attended: row.attended, Mood: row.avg}
	}
	png, err := chart.Render(g.Name, points)
	if err != nil {
		return nil, fmt.Errorf("render report chart: %w", err)
	}
	msg := hearth.Message{
		Content:   reportTable(g, rows, loc, int(weeks)),
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
		rows = append(rows, reportRow{meeting: m, attended: sum.Attended, moods: sum.Moods, avg: sum.AvgMood})
	}
	return rows
}

// reportTable is the reply's text: totals and the latest meetings in a
// monospace table, dates in the group's zone.
func reportTable(g *hearth.Group, rows []reportRow, loc *time.Location, weeks int) string {
	total, moods, moodSum := 0, 0, 0.0
	for _, row := range rows {
		total += row.attended
		moods += row.moods
		moodSum += row.avg * float64(row.moods)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**Report of %s** — last %d week(s), %d meeting(s), %.1f attended on average", g.Name, weeks, len(rows), float64(total)/float64(len(rows)))
	if moods > 0 {
		fmt.Fprintf(&b, ", average mood %.1f/5", moodSum/float64(moods))
	}
	b.WriteString(". Only you can see this.\n```\nMeeting            Attended  Mood\n")
	shown := rows[max(0, len(rows)-reportTableRows):]
	for _, row := range shown {
		mood := "  –"
		if row.moods > 0 {
			mood = fmt.Sprintf("%.1f", row.avg)
		}
		fmt.Fprintf(&b, "%-18s %8d  %4s\n", row.meeting.StartsAt.In(loc).Format("Mon 2 Jan 15:04"), row.attended, mood)
	}
	b.WriteString("```")
	if len(shown) < len(rows) {
		fmt.Fprintf(&b, "The table shows the latest %d meetings; the chart shows all %d.", len(shown), len(rows))
	}
	return b.String()
}
