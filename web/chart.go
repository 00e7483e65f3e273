package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/hearthbot/hearth/locale"
)

// chartSVG draws attendance (bars) and average mood (line, 1–5) per
// meeting, oldest on the left, as inline SVG: no script, no external file,
// and the table beside it carries the same numbers for screen readers.
func chartSVG(l locale.Lang, rows []meetingRow, loc *time.Location) template.HTML {
	const w, h, pad, top = 600, 220, 36, 12
	n := len(rows)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">`, w, h+24)
	fmt.Fprintf(&b, `<title id="chart-title">%s</title>`, template.HTMLEscapeString(l.T(locale.WebGroupsChartTitle)))
	if n == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-empty">%s</text></svg>`, pad, h/2, template.HTMLEscapeString(l.T(locale.WebGroupsNoMeetings)))
		return template.HTML(b.String())
	}
	maxAtt := 1
	for _, r := range rows {
		maxAtt = max(maxAtt, r.Attended)
	}
	plotW, plotH := float64(w-2*pad), float64(h-top-pad)
	step := plotW / float64(n)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="axis"/>`, pad, h-pad, w-pad, h-pad)
	fmt.Fprintf(&b, `<text x="4" y="%d" class="tick">%d</text><text x="4" y="%d" class="tick">0</text>`, top+10, maxAtt, h-pad)
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="tick">5</text><text x="%d" y="%d" class="tick">1</text>`, w-pad+4, top+10, w-pad+4, h-pad)
	var line []string
	for i := range rows {
		r := rows[n-1-i] // oldest first
		x := float64(pad) + float64(i)*step
		bh := plotH * float64(r.Attended) / float64(maxAtt)
		bw := min(step*0.7, 48)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" class="bar"/>`, x+(step-bw)/2, float64(h-pad)-bh, bw, bh)
		if r.AvgMood > 0 {
			y := float64(h-pad) - plotH*(r.AvgMood-1)/4
			line = append(line, fmt.Sprintf("%.1f,%.1f", x+step/2, y))
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" class="dot"/>`, x+step/2, y)
		}
		if n <= 12 || i%((n+11)/12) == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="tick" text-anchor="middle">%s</text>`, x+step/2, h-pad+16, template.HTMLEscapeString(l.ShortDate(r.StartsAt.In(loc))))
		}
	}
	if len(line) > 1 {
		fmt.Fprintf(&b, `<polyline points="%s" class="mood"/>`, strings.Join(line, " "))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // numbers, dates and escaped catalog text: nothing a person typed
}
