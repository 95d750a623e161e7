// Package browsertest drives a real headless Chromium from Go tests: a page
// per viewport that records console errors and failed requests, reads
// visible text, follows links, runs axe-core, and saves a full-page
// screenshot when the test fails.
//
// The browser is Debian's chromium, named by OCOP_CHROMIUM, and axe-core's
// axe.min.js is named by OCOP_AXE_JS; `make test` installs both
// (deploy/dev/browser-deps.sh) and sets the variables. Without
// OCOP_CHROMIUM the tests skip, unless OCOP_TEST_REQUIRE_DB=1 (as make test
// sets), when they fail.
//
//	b := browsertest.New(t) // one Chromium per test
//	for _, vp := range browsertest.Viewports {
//		t.Run(vp.Name, func(t *testing.T) {
//			p := b.NewPage(t, vp) // a fresh tab and browser context
//			p.Goto("home", baseURL+"/")
//			p.AssertText("h1", "Sản phẩm OCOP")
//			p.AssertNoProblems()
//			p.AssertNoSeriousA11y()
//			p.ClickLink("product", `a[href="/san-pham/che-shan-tuyet"]`)
//			p.AssertText(".price", "1.250.000 ₫")
//			p.AssertNoProblems()
//		})
//	}
//
// Steps are named ("home", "product"): a failure saves
// screenshots/<TestName>-<step>.png. Problems recorded but never asserted
// fail the test when it ends; GotoStatus expects an error page's status.
package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

// Timeouts of one browser step. The machines are small (2 cores), and the
// race detector slows the server, so they are generous.
var (
	StartTimeout = 60 * time.Second // Chromium's start
	StepTimeout  = 20 * time.Second // a navigation, a query, a click, axe
)

// Browser is one headless Chromium for a test. Each Page is a tab in its own
// browser context (no shared cookies or cache).
type Browser struct {
	ctx    context.Context // has run once: the browser is up
	output *syncBuffer     // Chromium's stdout and stderr, for failures
}

// New starts headless Chromium for t and stops it when t ends. It skips t
// with the reason when OCOP_CHROMIUM is unset, and fails it instead when
// OCOP_TEST_REQUIRE_DB=1.
func New(t testing.TB) *Browser {
	t.Helper()
	exe := pgtest.Env(t, "OCOP_CHROMIUM", "run `make test`, which installs chromium and axe-core for the browser tests and sets it")
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("OCOP_CHROMIUM=%s: %v (deploy/dev/browser-deps.sh installs it)", exe, err)
	}

	// a start that crashes (Chromium sometimes dies at launch on a loaded
	// machine) is tried once more with a fresh profile
	var lastErr error
	for attempt := 1; attempt <= 2; attempt++ {
		out := &syncBuffer{}
		ctx, stop := startChromium(t, exe, out)
		err := within(StartTimeout, stop, func() error { return chromedp.Do(ctx) })
		if err == nil {
			t.Cleanup(stop)
			return &Browser{ctx: ctx, output: out}
		}
		stop()
		lastErr = fmt.Errorf("attempt %d: %w\n%s", attempt, err, out.String())
	}
	t.Fatalf("start chromium %s: %v", exe, lastErr)
	return nil
}

// startChromium prepares a headless Chromium writing its output to out; the
// first chromedp.Do on ctx starts it, and stop ends it (and waits for the
// process).
func startChromium(t testing.TB, exe string, out *syncBuffer) (ctx context.Context, stop func()) {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true), // root on the dev machines and CI
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.CombinedOutput(out),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// The first Run starts the browser and binds it to ctx, so it must not
	// carry a timeout: New watches it instead.
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	return ctx, func() {
		cancelBrowser()
		cancelAlloc() // waits for the process to exit
	}
}

// within runs the first Run of a chromedp context, which must not carry a
// timeout, and gives up after d, calling stop.
func within(d time.Duration, stop func(), run func() error) error {
	done := make(chan error, 1)
	go func() { done <- run() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		stop()
		return fmt.Errorf("no answer in %s", d)
	}
}

// Viewport is a window size to test in.
type Viewport struct {
	Name          string // used in screenshot names
	Width, Height int64
	Mobile        bool // mobile emulation (meta viewport, touch)
}

// The two viewports every page is tested in.
var (
	Mobile  = Viewport{Name: "mobile", Width: 360, Height: 800, Mobile: true}
	Desktop = Viewport{Name: "desktop", Width: 1366, Height: 900}
)

// Viewports lists Mobile and Desktop, for table-driven walks.
var Viewports = []Viewport{Mobile, Desktop}

// Page is one tab of the browser at one viewport, bound to one test.
type Page struct {
	t        testing.TB
	ctx      context.Context
	viewport Viewport
	output   *syncBuffer

	mu       sync.Mutex
	problems []string                     // console errors, failed requests; not yet reported
	requests map[network.RequestID]string // id → URL, to name failed requests
	expected map[string]int64             // URL → an expected 4xx/5xx status (GotoStatus)
	step     string                       // the current step, for screenshot names
	shot     map[string]bool              // steps already saved as screenshots
}

// NewPage opens a tab at viewport vp for t. The tab closes when t ends;
// before that, if t failed, a full-page screenshot of the current step is
// saved, and problems recorded but never asserted fail t.
func (b *Browser) NewPage(t testing.TB, vp Viewport) *Page {
	t.Helper()
	p := &Page{
		t: t, viewport: vp, output: b.output, step: "start",
		requests: map[network.RequestID]string{},
		expected: map[string]int64{},
		shot:     map[string]bool{},
	}
	ctx, cancel := chromedp.NewContext(b.ctx,
		chromedp.WithNewBrowserContext(),
		chromedp.WithListener(p.record))
	t.Cleanup(cancel)
	p.ctx = ctx

	// The first Run opens the tab and binds it to the context it is given:
	// no timeout here, or the tab closes when the timeout's cancel runs.
	if err := within(StepTimeout, cancel, func() error { return chromedp.Do(ctx) }); err != nil {
		t.Fatalf("open a tab: %v\n%s", err, b.output.String())
	}
	opts := []chromedp.EmulateViewportOption{}
	if vp.Mobile {
		opts = append(opts, chromedp.EmulateScale(2), chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := p.do(chromedp.EmulateViewport(vp.Width, vp.Height, opts...)); err != nil {
		t.Fatalf("open a tab at %s %dx%d: %v\n%s", vp.Name, vp.Width, vp.Height, err, b.output.String())
	}
	// Runs before cancel (cleanups run last-in first-out).
	t.Cleanup(func() {
		p.sync()
		p.mu.Lock()
		left := p.problems
		p.problems = nil
		p.mu.Unlock()
		if len(left) > 0 {
			t.Errorf("browser problems never asserted (call AssertNoProblems):\n  %s", strings.Join(left, "\n  "))
		}
		if t.Failed() {
			p.screenshot()
		}
	})
	return p
}

// Ctx is the tab's chromedp context, for chromedp actions the helpers lack.
// Derive a timeout from it for each action.
func (p *Page) Ctx() context.Context { return p.ctx }

// Viewport is the page's viewport.
func (p *Page) Viewport() Viewport { return p.viewport }

// do runs actions on the tab with StepTimeout.
func (p *Page) do(actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(p.ctx, StepTimeout)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// Step names what the page shows next, for the screenshot on failure. If
// the test has already failed, the current step's screenshot is saved first,
// so a failure that did not stop the test is pictured where it happened.
func (p *Page) Step(name string) {
	if p.t.Failed() {
		p.screenshot()
	}
	p.mu.Lock()
	p.step = name
	p.mu.Unlock()
}

// Goto navigates to url, names the step and fails t unless the document
// answers 200.
func (p *Page) Goto(step, url string) {
	p.t.Helper()
	p.GotoStatus(step, url, 200)
}

// GotoStatus is Goto for a page that must answer status, such as a 404
// page; that document's status is not recorded as a failed request.
func (p *Page) GotoStatus(step, url string, status int64) {
	p.t.Helper()
	p.Step(step)
	if status >= 400 {
		p.mu.Lock()
		p.expected[url] = status
		p.mu.Unlock()
	}
	ctx, cancel := context.WithTimeout(p.ctx, StepTimeout)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		p.fatalf("go to %s: %v", url, err)
	}
	if resp == nil || resp.Status != status {
		got := int64(0)
		if resp != nil {
			got = resp.Status
		}
		p.fatalf("go to %s: status %d, want %d", url, got, status)
	}
}

// ClickLink clicks the first element matching the CSS selector sel, waits
// for the page it leads to and fails t unless that answers 200.
func (p *Page) ClickLink(step, sel string) {
	p.t.Helper()
	p.Step(step)
	ctx, cancel := context.WithTimeout(p.ctx, StepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		p.fatalf("click %s: %v", sel, err)
	}
	if resp == nil || resp.Status != 200 {
		got := int64(0)
		if resp != nil {
			got = resp.Status
		}
		p.fatalf("click %s: %s answered %d", sel, p.URL(), got)
	}
}

// EvalBool runs a JavaScript expression in the page and returns its value
// as a bool, for checks the helpers lack.
func (p *Page) EvalBool(expr string) (bool, error) {
	ctx, cancel := context.WithTimeout(p.ctx, StepTimeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
}

// EvalString runs a JavaScript expression in the page and returns its
// value as a string.
func (p *Page) EvalString(expr string) (string, error) {
	ctx, cancel := context.WithTimeout(p.ctx, StepTimeout)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[string](expr))
}

// URL is the tab's current address.
func (p *Page) URL() string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, StepTimeout)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		p.fatalf("location: %v", err)
	}
	return u
}

// Text is the visible text (innerText) of the first element matching the
// CSS selector sel, with runs of white space joined to one space. It waits
// up to StepTimeout for the element, then fails t.
func (p *Page) Text(sel string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, StepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		p.fatalf("visible text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// AssertText fails t (without stopping it) unless the visible text of sel
// contains each of want.
func (p *Page) AssertText(sel string, want ...string) {
	p.t.Helper()
	got := p.Text(sel)
	for _, w := range want {
		if !strings.Contains(got, w) {
			p.t.Errorf("%s %s: visible text of %s lacks %q; it is:\n%s", p.viewport.Name, p.stepName(), sel, w, got)
		}
	}
}

// Problems returns the console errors, uncaught exceptions and failed or
// 4xx/5xx requests recorded since the last call, and forgets them.
func (p *Page) Problems() []string {
	p.sync()
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.problems
	p.problems = nil
	return out
}

// AssertNoProblems fails t (without stopping it) if the page logged a
// console error or exception, or a request failed or answered 4xx/5xx,
// since the last check.
func (p *Page) AssertNoProblems() {
	p.t.Helper()
	if probs := p.Problems(); len(probs) > 0 {
		p.t.Errorf("%s %s (%s): %d browser problem(s):\n  %s", p.viewport.Name, p.stepName(), p.URL(), len(probs), strings.Join(probs, "\n  "))
	}
}

// AssertNoSeriousA11y runs axe-core on the current page and fails t on a
// serious or critical violation (see the package function).
func (p *Page) AssertNoSeriousA11y() []Violation {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 2*StepTimeout)
	defer cancel()
	v, err := RunAxe(ctx)
	if err != nil {
		p.fatalf("axe: %v", err)
	}
	p.t.Logf("axe on %s %s: %d violation(s)", p.viewport.Name, p.stepName(), len(v))
	AssertNoSeriousA11y(p.t, v)
	return v
}

// sync makes sure every event the browser sent so far has been recorded:
// the listener runs in the tab's read loop in order, so any reply to a
// command comes after the events before it.
func (p *Page) sync() {
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	_ = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`0`))
}

func (p *Page) stepName() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.step
}

func (p *Page) fatalf(format string, args ...any) {
	p.t.Helper()
	p.screenshot()
	p.t.Fatalf("%s %s: %s", p.viewport.Name, p.stepName(), fmt.Sprintf(format, args...))
}

// record is the tab's event listener. It runs in the tab's read loop: it
// must be quick and send no command.
func (p *Page) record(ev any) {
	var problem string
	p.mu.Lock()
	defer p.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, remoteText(a))
			}
			problem = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		problem = fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, text)
	case *log.EventEntryAdded:
		// The browser's own log: CSP violations, blocked mixed content, …
		// Failed loads are reported by the network events below.
		if e := ev.Entry; e.Level == log.EntryLevelError && e.Source != log.EntrySourceNetwork {
			problem = fmt.Sprintf("browser log (%s): %s %s", e.Source, e.Text, e.URL)
		}
	case *network.EventRequestWillBeSent:
		p.requests[ev.RequestID] = ev.Request.URL
	case *network.EventResponseReceived:
		r := ev.Response
		if r.Status >= 400 && p.expected[r.URL] != r.Status {
			problem = fmt.Sprintf("HTTP %d %s (%s)", r.Status, r.URL, ev.Type)
		}
	case *network.EventLoadingFailed:
		// A request cancelled by a navigation (the test clicked on) is no
		// failure; a blocked one is.
		if ev.Canceled && ev.BlockedReason == "" {
			break
		}
		problem = fmt.Sprintf("request failed: %s (%s): %s %s", p.requests[ev.RequestID], ev.Type, ev.ErrorText, ev.BlockedReason)
	}
	if problem != "" {
		p.problems = append(p.problems, "["+p.step+"] "+strings.TrimSpace(problem))
	}
}

func remoteText(o *runtime.RemoteObject) string {
	switch {
	case o == nil:
		return ""
	case o.Type == runtime.RemoteObjectTypeString:
		var s string
		if err := json.Unmarshal(o.Value, &s); err == nil {
			return s
		}
	case o.Description != "":
		return o.Description
	}
	if len(o.Value) > 0 {
		return string(o.Value)
	}
	return string(o.Type)
}

// screenshot saves a full-page PNG of the tab as
// screenshots/<TestName>-<step>.png at the repository root, once per step.
func (p *Page) screenshot() {
	p.mu.Lock()
	step := p.step
	done := p.shot[step]
	p.shot[step] = true
	p.mu.Unlock()
	if done {
		return
	}
	ctx, cancel := context.WithTimeout(p.ctx, StepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Logf("screenshot of %s: %v", step, err)
		return
	}
	dir := ScreenshotDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Logf("screenshot: %v", err)
		return
	}
	path := filepath.Join(dir, fileName(p.t.Name())+"-"+fileName(step)+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Logf("screenshot: %v", err)
		return
	}
	p.t.Logf("screenshot of the failed step %q: %s", step, path)
}

// ScreenshotDir is where failure screenshots go: OCOP_SCREENSHOT_DIR, or
// screenshots/ at the repository root (the folder holding go.mod; git
// ignores it).
func ScreenshotDir() string {
	if d := os.Getenv("OCOP_SCREENSHOT_DIR"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		return "screenshots"
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "screenshots")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(dir, "screenshots")
		}
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func fileName(s string) string { return strings.Trim(unsafeName.ReplaceAllString(s, "_"), "_") }

// syncBuffer is a bytes.Buffer safe for Chromium's output goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	if len(s) > 4000 {
		s = "…" + s[len(s)-4000:]
	}
	if s == "" {
		return "(chromium printed nothing)"
	}
	return "chromium output:\n" + s
}

var errNoAxe = errors.New("OCOP_AXE_JS is not set: run `make test`, which installs axe-core into .tools/npm and sets it")
