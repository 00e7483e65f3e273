package chart

import (
	"bytes"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Size of the rendered PNG in pixels.
const (
	Width  = 960
	Height = 640
	dpi    = 96
)

// Colours of the plotted points. Nothing else in the chart is drawn in
// these colours, so a reader (or a test) can find every point by colour.
var (
	AttendanceColor = color.RGBA{R: 0x1f, G: 0x6f, B: 0xd0, A: 0xff}
	MoodColor       = color.RGBA{R: 0xd9, G: 0x4f, B: 0x10, A: 0xff}

	attendanceLine = color.RGBA{R: 0x9c, G: 0xbf, B: 0xea, A: 0xff}
	moodLine       = color.RGBA{R: 0xf0, G: 0xb2, B: 0x94, A: 0xff}
)

// Meeting is one meeting of a report.
type Meeting struct {
	Label    string  // the x-axis label, e.g. "3 Mar"
	Attended int     // members who checked in
	Mood     float64 // average mood 1–5 of those who gave one; 0: nobody did
}

// XY is one plotted point: X is the meeting's index in the report.
type XY struct{ X, Y float64 }

// Series returns the points Render plots: one attendance point per meeting,
// and one mood point per meeting where somebody gave a mood.
func Series(ms []Meeting) (attendance, mood []XY) {
	for i, m := range ms {
		attendance = append(attendance, XY{float64(i), float64(m.Attended)})
		if m.Mood > 0 {
			mood = append(mood, XY{float64(i), m.Mood})
		}
	}
	return attendance, mood
}

// Labels are the words of a chart, in the reader's language (the caller
// takes them from the catalog, like the meetings' Label).
type Labels struct {
	Attendance     string // title of the top panel, e.g. "Anxiety — attendance"
	AttendanceAxis string // its y axis
	Mood           string // title of the bottom panel
	MoodAxis       string // its y axis
}

// Render draws the attendance (top) and the average mood (bottom) of the
// meetings as a Width×Height PNG with the given labels. It has no legend:
// each panel is titled, and a legend would draw extra points.
func Render(ms []Meeting, l Labels) ([]byte, error) {
	if len(ms) == 0 {
		return nil, fmt.Errorf("chart: no meetings to draw")
	}
	att, mood := Series(ms)
	ticks := labels(ms)
	radius := glyphRadius(len(ms))

	top, bottom := plot.New(), plot.New()
	for _, p := range []*plot.Plot{top, bottom} {
		p.X.Min, p.X.Max = -0.5, float64(len(ms))-0.5
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
		p.Add(plotter.NewGrid()) // first: the points are drawn over it
	}

	top.Title.Text = l.Attendance
	top.Y.Label.Text = l.AttendanceAxis
	maxAtt := 1.0
	for _, p := range att {
		maxAtt = max(maxAtt, p.Y)
	}
	top.Y.Min, top.Y.Max = 0, maxAtt+1
	if err := addSeries(top, att, attendanceLine, AttendanceColor, radius); err != nil {
		return nil, err
	}

	bottom.Title.Text = l.Mood
	bottom.Y.Label.Text = l.MoodAxis
	bottom.Y.Min, bottom.Y.Max = 0.5, 5.5
	bottom.Y.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 1, Label: "1"}, {Value: 2, Label: "2"}, {Value: 3, Label: "3"}, {Value: 4, Label: "4"}, {Value: 5, Label: "5"}})
	if err := addSeries(bottom, mood, moodLine, MoodColor, radius); err != nil {
		return nil, err
	}

	pt := func(px int) vg.Length { return vg.Length(px) * vg.Inch / dpi }
	img := vgimg.NewWith(vgimg.UseWH(pt(Width), pt(Height)), vgimg.UseDPI(dpi))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadTop: pt(8), PadBottom: pt(8), PadLeft: pt(8), PadRight: pt(16), PadY: pt(16)}
	canvases := plot.Align([][]*plot.Plot{{top}, {bottom}}, tiles, dc)
	top.Draw(canvases[0][0])
	bottom.Draw(canvases[1][0])

	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// addSeries adds a pale line through the points and the points on top.
func addSeries(p *plot.Plot, xys []XY, lineColor, pointColor color.Color, radius vg.Length) error {
	if len(xys) == 0 {
		return nil
	}
	data := make(plotter.XYs, len(xys))
	for i, xy := range xys {
		data[i].X, data[i].Y = xy.X, xy.Y
	}
	line, err := plotter.NewLine(data)
	if err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	line.Color = lineColor
	line.Width = vg.Points(1.5)
	points, err := plotter.NewScatter(data)
	if err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	points.GlyphStyle = draw.GlyphStyle{Color: pointColor, Radius: radius, Shape: draw.CircleGlyph{}}
	p.Add(line, points) // points after the line: drawn on top of it
	return nil
}

// labels returns the x ticks: every meeting's label while they fit, and
// every n-th otherwise.
func labels(ms []Meeting) []plot.Tick {
	step := max(1, (len(ms)+11)/12)
	ticks := make([]plot.Tick, len(ms))
	for i, m := range ms {
		ticks[i].Value = float64(i)
		if i%step == 0 {
			ticks[i].Label = m.Label
		}
	}
	return ticks
}

// glyphRadius keeps points apart when a report has many meetings.
func glyphRadius(n int) vg.Length {
	return vg.Points(max(1.5, min(4, 200/float64(n))))
}
