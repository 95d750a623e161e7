package browsertest_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/browsertest"
)

const goodPage = `<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Trang tốt</title><link rel="icon" href="data:,"></head>
<body><main><h1>Xin   chào</h1><p class="price">1.250.000&nbsp;₫</p>
<p class="hidden" style="display:none">ẩn</p>
<a id="next" href="/bad">Trang lỗi</a></main></body></html>`

// badPage logs an error, throws, loads a missing image, and has an image
// without alt text (axe: image-alt, critical).
const badPage = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Trang lỗi</title>
<link rel="icon" href="data:,"></head>
<body><main><h1>Lỗi</h1><img src="/missing.png" width="10" height="10">
<script>console.error("hỏng", 42); setTimeout(() => { throw new Error("nổ") }, 0)</script>
</main></body></html>`

func serve(t *testing.T) string {
	t.Helper()
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(body))
		}
	}
	mux.HandleFunc("/{$}", page(goodPage))
	mux.HandleFunc("/bad", page(badPage))
	// a 404 page with its own icon link, so the browser asks for no
	// /favicon.ico (whose 404 could land after the test's assertion)
	mux.HandleFunc("/nowhere", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Không có</title><link rel="icon" href="data:,"></head><body><main><h1>Không tìm thấy</h1></main></body></html>`))
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts.URL
}

func TestPageRecordsProblemsAndRunsAxe(t *testing.T) {
	b := browsertest.New(t)
	base := serve(t)
	for _, vp := range browsertest.Viewports {
		t.Run(vp.Name, func(t *testing.T) {
			p := b.NewPage(t, vp)
			p.Goto("good", base+"/")
			if got := p.Text("h1"); got != "Xin chào" {
				t.Errorf("h1 text %q", got)
			}
			p.AssertText(".price", "1.250.000 ₫")
			if got := p.Text("main"); strings.Contains(got, "ẩn") {
				t.Errorf("hidden text in the visible text: %q", got)
			}
			p.AssertNoProblems()
			v := p.AssertNoSeriousA11y()
			if len(v) != 0 {
				t.Errorf("axe on the good page: %v", v)
			}
			mobile, err := p.EvalBool(`matchMedia('(pointer: coarse)').matches && innerWidth === 360`)
			if err != nil || mobile != vp.Mobile {
				t.Errorf("mobile emulation: %v, %v", mobile, err)
			}

			p.ClickLink("bad", "#next")
			if got := p.URL(); got != base+"/bad" {
				t.Errorf("after the click: %s", got)
			}
			var probs []string
			for deadline := time.Now().Add(5 * time.Second); len(probs) < 3 && time.Now().Before(deadline); {
				probs = append(probs, p.Problems()...)
				time.Sleep(50 * time.Millisecond)
			}
			for _, want := range []string{"console.error: hỏng 42", "nổ", "HTTP 404 " + base + "/missing.png"} {
				if !slices.ContainsFunc(probs, func(s string) bool { return strings.Contains(s, want) }) {
					t.Errorf("problems lack %q: %q", want, probs)
				}
			}
			v, err = browsertest.RunAxe(p.Ctx())
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(v, func(v browsertest.Violation) bool {
				return v.ID == "image-alt" && v.Impact == "critical" && v.Nodes == 1
			}) {
				t.Errorf("axe missed the image without alt: %v", v)
			}
		})
	}
}

func TestExpectedStatus(t *testing.T) {
	b := browsertest.New(t)
	base := serve(t)
	p := b.NewPage(t, browsertest.Desktop)
	p.GotoStatus("not-found", base+"/nowhere", 404)
	p.AssertNoProblems()
}

// fakeT is a testing.TB whose failures are recorded, not reported, so the
// harness's behaviour on failure can be tested.
type fakeT struct {
	testing.TB // the real test, for TempDir and Logf
	name       string
	failed     bool
	errors     []string
	cleanups   []func()
}

func (f *fakeT) Name() string      { return f.name }
func (f *fakeT) Helper()           {}
func (f *fakeT) Failed() bool      { return f.failed }
func (f *fakeT) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeT) Errorf(s string, a ...any) {
	f.failed = true
	f.errors = append(f.errors, fmt.Sprintf(s, a...))
}
func (f *fakeT) Fatalf(s string, a ...any) { f.Errorf(s, a...); runtime.Goexit() }

func (f *fakeT) run(fn func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
	for _, c := range slices.Backward(f.cleanups) {
		c()
	}
}

// TestFailureScreenshots: a failing step saves a full-page PNG named after
// the test and the step, and problems nobody asserted fail the test.
func TestFailureScreenshots(t *testing.T) {
	b := browsertest.New(t)
	base := serve(t)
	dir := t.TempDir()
	t.Setenv("OCOP_SCREENSHOT_DIR", dir)
	defer func(d time.Duration) { browsertest.StepTimeout = d }(browsertest.StepTimeout)
	browsertest.StepTimeout = 2 * time.Second

	ft := &fakeT{TB: t, name: "TestShop/mobile"}
	ft.run(func() {
		p := b.NewPage(ft, browsertest.Mobile)
		p.Goto("good", base+"/")
		p.AssertText("h1", "Tạm biệt") // fails, goes on
		p.Goto("bad", base+"/bad")     // problems never asserted
		p.Text("#nowhere")             // fails, stops
	})
	if !ft.failed {
		t.Fatal("the fake test did not fail")
	}
	for _, name := range []string{"TestShop_mobile-good.png", "TestShop_mobile-bad.png"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("screenshot %s: %v", name, err)
		}
	}
	all := strings.Join(ft.errors, "\n")
	for _, want := range []string{`lacks "Tạm biệt"`, "#nowhere", "never asserted", "console.error: hỏng"} {
		if !strings.Contains(all, want) {
			t.Errorf("failures lack %q:\n%s", want, all)
		}
	}
}
