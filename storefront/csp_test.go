package storefront_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

// inlineCode lists what in page (HTML, or a template's HTML) the site's
// Content-Security-Policy would block without 'unsafe-inline': an
// event-handler or style attribute, a <style> element, a javascript: URL,
// and a script that is neither a file (src) nor a JSON-LD data block.
func inlineCode(page string) []string {
	var out []string
	z := xhtml.NewTokenizer(strings.NewReader(page))
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return out
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			tok := z.Token()
			src, typ := false, ""
			for _, a := range tok.Attr {
				switch {
				case strings.HasPrefix(a.Key, "on") || a.Key == "style":
					out = append(out, tok.Data+" "+a.Key+"=")
				case a.Key == "src":
					src = true
				case a.Key == "type":
					typ = a.Val
				}
				if strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
					out = append(out, tok.Data+" "+a.Key+"="+a.Val)
				}
			}
			switch {
			case tok.Data == "style":
				out = append(out, "<style>")
			case tok.Data == "script" && !src && typ != "application/ld+json":
				out = append(out, "inline <script>")
			}
		}
	}
}

// TestTemplatesFitCSP: no template carries inline code, so every page
// works under the CSP without 'unsafe-inline' (SECURITY.md W-03, X-01).
func TestTemplatesFitCSP(t *testing.T) {
	if got := inlineCode(`<p onclick="x()" style="a"><a href=" JavaScript:x">a</a><script>1</script><style></style><script src="/a.js"></script>`); len(got) != 5 {
		t.Fatalf("inlineCode finds %q in a sample with 5", got)
	}
	// every screen's templates: the storefront's, the shared layout and
	// partials (ui) and the back-office and console's (internal/admin)
	var files []string
	var err error
	for _, dir := range []string{"templates", filepath.Join("ui", "templates"), filepath.Join("..", "internal", "admin", "templates")} {
		var more []string
		more, err = filepath.Glob(filepath.Join(dir, "*.html"))
		files = append(files, more...)
		if err != nil {
			break
		}
	}
	if err != nil || len(files) < 20 {
		t.Fatalf("templates: %d files, %v", len(files), err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range inlineCode(string(b)) {
			t.Errorf("%s: inline code %s", f, c)
		}
	}
}

// TestPagesCSP: pages, a 404 and a 500 carry the CSP, and pages whose
// products and producer have markup in their names render none of it as
// inline code.
func TestPagesCSP(t *testing.T) {
	s := newSite(t)
	for _, path := range []string{"/", "/san-pham", "/san-pham/che-img-src-x-onerror-alert-1", "/cua-hang/htx-script-alert-1-script-tan-cuong",
		"/tim-kiem?q=che", "/khong-co", "/test/panic"} {
		status, body, h := s.get(path)
		csp := h["Content-Security-Policy"]
		for _, d := range []string{"default-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("%s (%d): CSP %q lacks %q", path, status, csp, d)
			}
		}
		if strings.Contains(csp, "unsafe-") {
			t.Errorf("%s: CSP %q allows unsafe code", path, csp)
		}
		if !strings.Contains(body, "</html>") {
			t.Errorf("%s (%d): not a page", path, status)
		}
		for _, c := range inlineCode(body) {
			t.Errorf("%s (%d): inline code %s", path, status, c)
		}
	}
}
