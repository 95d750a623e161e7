package ui

import (
	"fmt"
	"html/template"
	"strings"
)

// Bar is one row of a bar chart: a value and, optionally, a target drawn
// as a mark across the bar (a plan).
type Bar struct {
	Label  string
	Value  int
	Target int // 0: none
}

// BarChart draws bars as an SVG, on the server (no script, readable on any
// phone, printable): horizontal bars scaled to the largest value or target,
// each labelled with its value (and "/ target"). The table beside it
// carries the same numbers for screen readers; the chart is one image
// labelled title.
func BarChart(title string, bars []Bar) template.HTML {
	const rowH, labelW, barW, top = 26, 190, 300, 8
	most := 1
	for _, b := range bars {
		most = max(most, b.Value, b.Target)
	}
	h := top*2 + rowH*len(bars)
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		labelW+barW+110, h, template.HTMLEscapeString(title))
	fmt.Fprintf(&s, `<title>%s</title>`, template.HTMLEscapeString(title))
	for i, b := range bars {
		y := top + i*rowH
		label := b.Label
		if r := []rune(label); len(r) > 26 {
			label = string(r[:25]) + "…"
		}
		fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end" font-size="13" fill="#1c251c">%s</text>`,
			labelW-6, y+17, template.HTMLEscapeString(label))
		w := b.Value * barW / most
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%d" height="%d" rx="3" fill="#1d6b34"/>`, labelW, y+4, w, rowH-8)
		text := fmt.Sprint(b.Value)
		if b.Target > 0 {
			tx := labelW + b.Target*barW/most
			fmt.Fprintf(&s, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#7a4f00" stroke-width="3"/>`, tx, y+1, tx, y+rowH-1)
			text += " / " + fmt.Sprint(b.Target)
		}
		fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="13" fill="#1c251c">%s</text>`, labelW+max(w, b.Target*barW/most)+8, y+17, text)
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String()) //nolint:gosec // every text above is escaped
}
