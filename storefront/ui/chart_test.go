package ui_test

import (
	"strings"
	"testing"

	"github.com/ocopvn/ocop/storefront/ui"
)

// TestBarChart: labels and titles are escaped, bars scale to the largest
// value or target, a target is drawn and written.
func TestBarChart(t *testing.T) {
	svg := string(ui.BarChart(`Kế hoạch <script>`, []ui.Bar{{Label: `H. Nga Sơn "<b>"`, Value: 3, Target: 6}, {Label: "TX Nghi Sơn", Value: 6}}))
	for _, want := range []string{`aria-label="Kế hoạch &lt;script&gt;"`, `H. Nga Sơn &#34;&lt;b&gt;&#34;`, `>3 / 6<`, `width="150"`, `width="300"`, `<line `} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q:\n%s", want, svg)
		}
	}
	if strings.Contains(svg, "<script>") || strings.Contains(svg, "<b>") {
		t.Errorf("unescaped text in %s", svg)
	}
}
