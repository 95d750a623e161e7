package sanitize_test

import (
	"regexp"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"github.com/ocopvn/ocop/internal/sanitize"
)

// dangerous matches what a tag of sanitised HTML must never contain
// (SECURITY.md X-02). In text the same words are harmless ("onA=0", a
// paragraph about "javascript:"), and text is checked for a raw '<'.
var dangerous = regexp.MustCompile(`(?i)<script|<img|<iframe|<svg|<style|<a\b|<object|<embed|style=|javascript:|\bon[a-z]+=`)

// richTags are the elements of the rich-text subset.
var richTags = map[string]bool{"p": true, "br": true, "strong": true, "b": true, "em": true, "i": true, "ul": true, "ol": true, "li": true, "h3": true, "blockquote": true}

// unsafeMarkup returns the first token of h (HTML) that is not an element
// of the subset without attributes, or text with a raw '<'; "" if none.
func unsafeMarkup(h string) string {
	z := xhtml.NewTokenizer(strings.NewReader(h))
	for {
		tt := z.Next()
		raw := string(z.Raw())
		switch tt {
		case xhtml.ErrorToken:
			return ""
		case xhtml.TextToken:
			if strings.ContainsRune(raw, '<') {
				return raw
			}
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if !richTags[string(name)] || hasAttr || dangerous.MatchString(raw) {
				return raw
			}
		default: // comment, doctype
			return raw
		}
	}
}

func TestRich(t *testing.T) {
	tests := []struct {
		name, in, html, plain string
	}{
		{"plain lines become paragraphs", "Chè búp Tân Cương.\n\nHái tay, sao chảo gang.\r\n", "<p>Chè búp Tân Cương.</p><p>Hái tay, sao chảo gang.</p>", "Chè búp Tân Cương.\nHái tay, sao chảo gang."},
		{"plain text is escaped", "Giá < 100 & ngon > hết", "Giá &lt; 100 &amp; ngon &gt; hết", "Giá < 100 & ngon > hết"},
		{"allowed subset kept", "<p>Chè <strong>ngon</strong> <em>thơm</em></p><ul><li>Một</li><li>Hai</li></ul><h3>Bảo quản</h3><blockquote>Nơi khô</blockquote>",
			"<p>Chè <strong>ngon</strong> <em>thơm</em></p><ul><li>Một</li><li>Hai</li></ul><h3>Bảo quản</h3><blockquote>Nơi khô</blockquote>",
			"Chè ngon thơm\nMột\nHai\nBảo quản\nNơi khô"},
		{"script dropped with its content", `<p>Ngon</p><script>alert(1)</script>`, "<p>Ngon</p>", "Ngon"},
		{"img onerror dropped", `<p>Ảnh<img src=x onerror=alert(1)></p>`, "<p>Ảnh</p>", "Ảnh"},
		{"javascript link loses its tag", `<p><a href="javascript:alert(1)">bấm</a></p>`, "<p>bấm</p>", "bấm"},
		{"https link loses its tag too", `<p><a href="https://evil.example">mua rẻ</a></p>`, "<p>mua rẻ</p>", "mua rẻ"},
		{"style attribute and element dropped", `<p style="color:red" onclick="x()">Đỏ</p><style>p{}</style>`, "<p>Đỏ</p>", "Đỏ"},
		{"iframe and svg dropped", `<iframe src="https://evil.example"></iframe><svg onload=alert(1)><circle/></svg><p>Còn</p>`, "<p>Còn</p>", "Còn"},
		{"unclosed and nested tags", `<p><b><i>Đậm nghiêng<p>Tiếp`, "<p><b><i>Đậm nghiêng<p>Tiếp", "Đậm nghiêng\nTiếp"},
		{"NFD input stored NFC", "Ha\u0300 Giang", "<p>Hà Giang</p>", "Hà Giang"},
		{"empty", "  \n ", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, p := sanitize.Rich(tt.in)
			if h != tt.html || p != tt.plain {
				t.Errorf("Rich(%q)\n html %q, want %q\nplain %q, want %q", tt.in, h, tt.html, p, tt.plain)
			}
		})
	}
}

// TestRichHTML: stored HTML that did not come through Rich (an import, an
// old row) is sanitised again on the way to a page.
func TestRichHTML(t *testing.T) {
	tests := []struct{ stored, want string }{
		{`<p>Mật ong <b>rừng</b></p>`, `<p>Mật ong <b>rừng</b></p>`},
		{`<p onclick="x()">Mật</p><script>alert(1)</script>`, `<p>Mật</p>`},
		{`<a href="https://evil.example" rel="nofollow">ong</a><img src=x onerror=alert(1)>`, `ong`},
		{`<p style="background:url(javascript:alert(1))">x</p><svg><use href="#a"/></svg>`, `<p>x</p>`},
		{`"><script>alert(1)</script>`, `&#34;&gt;`},
	}
	for _, tt := range tests {
		if got := string(sanitize.RichHTML(tt.stored)); got != tt.want {
			t.Errorf("RichHTML(%q) = %q, want %q", tt.stored, got, tt.want)
		}
	}
}

func FuzzRich(f *testing.F) {
	for _, s := range []string{`<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`, `<a href="javascript:alert(1)">x</a>`,
		`<p style="x">a</p>`, `<iframe src=//evil>`, `<svg><script>1</script></svg>`, `<<script>script>alert(1)<</script>/script>`,
		`<p onmouseover="x">`, `<scr<script>ipt>`, "Nước mắm <b>Phú Quốc</b>", `<math><mi xlink:href="javascript:1">`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		h, _ := sanitize.Rich(in)
		if bad := unsafeMarkup(h); bad != "" {
			t.Fatalf("Rich(%q) = %q: %q left", in, h, bad)
		}
		if again := string(sanitize.RichHTML(h)); again != h {
			t.Fatalf("not idempotent: %q then %q", h, again)
		}
		if out := string(sanitize.RichHTML(in)); unsafeMarkup(out) != "" {
			t.Fatalf("RichHTML(%q) = %q: %q left", in, out, unsafeMarkup(out))
		}
	})
}

// TestUnsafeMarkup: the fuzz check itself finds what it must.
func TestUnsafeMarkup(t *testing.T) {
	for _, h := range []string{`<p onclick="x">a</p>`, `<img src=x>`, `<a href="https://x">a</a>`, `<p>a<!-- b --></p>`,
		`<svg></svg>`, `<P STYLE="x">`, `<script>1</script>`, `<p title="x">a</p>`} {
		if unsafeMarkup(h) == "" {
			t.Errorf("unsafeMarkup(%q) found nothing", h)
		}
	}
	for _, h := range []string{`<p>onA=0 &lt;script&gt; javascript:alert(1)</p>`, `<ul><li><b>Chè</b></li></ul><br/>`, ``} {
		if bad := unsafeMarkup(h); bad != "" {
			t.Errorf("unsafeMarkup(%q) = %q", h, bad)
		}
	}
}
