package ui

import (
	"fmt"
	"html/template"

	"github.com/ocopvn/ocop/internal/sanitize"
)

// Bar is one row of a bar chart: a value and, optionally, a target drawn
// as a mark across the bar (a plan).
type Bar struct {
	Label  string
	Value  int
	Target int // 0: none
}

// Chart geometry, in SVG user units.
const (
	chartRowH   = 26
	chartLabelW = 190
	chartBarW   = 300
	chartTop    = 8
)

// chartTpl draws the chart; html/template escapes every text and attribute.
var chartTpl = template.Must(template.New("chart").Parse(
	`<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-label="{{.Title}}">` +
		`<title>{{.Title}}</title>{{range .Rows}}` +
		`<text x="{{.LabelX}}" y="{{.TextY}}" text-anchor="end" font-size="13" fill="#1c251c">{{.Label}}</text>` +
		`<rect x="{{.BarX}}" y="{{.BarY}}" width="{{.BarW}}" height="{{.BarH}}" rx="3" fill="#1d6b34"/>` +
		`{{if .HasTarget}}<line x1="{{.TargetX}}" y1="{{.Y1}}" x2="{{.TargetX}}" y2="{{.Y2}}" stroke="#7a4f00" stroke-width="3"/>{{end}}` +
		`<text x="{{.ValueX}}" y="{{.TextY}}" font-size="13" fill="#1c251c">{{.Text}}</text>{{end}}</svg>`))

type chartRow struct {
	Label, Text                     string
	LabelX, TextY, BarX, BarY, BarW int
	BarH, TargetX, Y1, Y2, ValueX   int
	HasTarget                       bool
}

// BarChart draws bars as an SVG, on the server (no script, readable on any
// phone, printable): horizontal bars scaled to the largest value or target,
// each labelled with its value (and "/ target"). The table beside it
// carries the same numbers for screen readers; the chart is one image
// labelled title.
func BarChart(title string, bars []Bar) template.HTML {
	most := 1
	for _, b := range bars {
		most = max(most, b.Value, b.Target)
	}
	data := struct {
		Title string
		W, H  int
		Rows  []chartRow
	}{Title: title, W: chartLabelW + chartBarW + 110, H: chartTop*2 + chartRowH*len(bars)}
	for i, b := range bars {
		y := chartTop + i*chartRowH
		label := b.Label
		if r := []rune(label); len(r) > 26 {
			label = string(r[:25]) + "…"
		}
		w, tx := b.Value*chartBarW/most, b.Target*chartBarW/most
		r := chartRow{Label: label, Text: fmt.Sprint(b.Value), LabelX: chartLabelW - 6, TextY: y + 17, BarX: chartLabelW, BarY: y + 4,
			BarW: w, BarH: chartRowH - 8, TargetX: chartLabelW + tx, Y1: y + 1, Y2: y + chartRowH - 1, ValueX: chartLabelW + max(w, tx) + 8,
			HasTarget: b.Target > 0}
		if r.HasTarget {
			r.Text += " / " + fmt.Sprint(b.Target)
		}
		data.Rows = append(data.Rows, r)
	}
	out, err := sanitize.ExecuteTemplate(chartTpl, "chart", data)
	if err != nil {
		return "" // a template of constant shape over numbers and text: cannot fail
	}
	return out
}
