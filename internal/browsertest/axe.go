package browsertest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// AxeTags are the rule sets axe runs: WCAG 2.0 levels A and AA.
var AxeTags = []string{"wcag2a", "wcag2aa"}

// Violation is one failed axe-core rule on a page.
type Violation struct {
	ID      string   `json:"id"`      // the rule, e.g. color-contrast
	Impact  string   `json:"impact"`  // minor, moderate, serious or critical
	Help    string   `json:"help"`    // what the rule asks for
	HelpURL string   `json:"helpUrl"` // axe's page on the rule
	Nodes   int      `json:"nodes"`   // how many elements fail it
	Targets []string `json:"targets"` // CSS selectors of the first few
}

func (v Violation) String() string {
	return fmt.Sprintf("%s [%s] %s: %d element(s) %s (%s)", v.ID, v.Impact, v.Help, v.Nodes, strings.Join(v.Targets, ", "), v.HelpURL)
}

var axeSource = sync.OnceValues(func() (string, error) {
	path := os.Getenv("OCOP_AXE_JS")
	if path == "" {
		return "", errNoAxe
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("OCOP_AXE_JS: %w (deploy/dev/browser-deps.sh installs it)", err)
	}
	return string(b), nil
})

// axeRun runs axe on the whole document and keeps what a report needs.
const axeRun = `axe.run(document, {
	runOnly: {type: 'tag', values: %s},
	resultTypes: ['violations'],
}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
	nodes: v.nodes.length,
	targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
})))`

// RunAxe injects axe-core (OCOP_AXE_JS) into the page of the chromedp
// context ctx, once per document, and runs it with AxeTags. Derive a
// timeout from ctx for the call.
func RunAxe(ctx context.Context) ([]Violation, error) {
	src, err := axeSource()
	if err != nil {
		return nil, err
	}
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof window.axe === 'object'`))
	if err != nil {
		return nil, fmt.Errorf("check for axe: %w", err)
	}
	if !loaded {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			return nil, fmt.Errorf("inject axe: %w", err)
		}
	}
	tags := `['` + strings.Join(AxeTags, `','`) + `']`
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](fmt.Sprintf(axeRun, tags), chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("axe.run: %w", err)
	}
	return v, nil
}

// AssertNoSeriousA11y fails t (without stopping it) for each serious or
// critical violation and logs the minor and moderate ones.
func AssertNoSeriousA11y(t testing.TB, violations []Violation) {
	t.Helper()
	for _, v := range violations {
		switch v.Impact {
		case "serious", "critical":
			t.Errorf("accessibility: %s", v)
		default:
			t.Logf("accessibility (not failing): %s", v)
		}
	}
}
