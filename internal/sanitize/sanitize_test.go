package sanitize_test

import (
	"html/template"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"github.com/ocopvn/ocop/internal/sanitize"
)

func TestHighlight(t *testing.T) {
	tests := []struct {
		name, highlight, text, want string
	}{
		{"marks on the text", "<mark>Nước</mark> <mark>mắm</mark> Phú Quốc", "Nước mắm Phú Quốc", "<mark>Nước</mark> <mark>mắm</mark> Phú Quốc"},
		{"escaped text with marks", "Giỏ &lt;b&gt;<mark>mây</mark>&lt;/b&gt; &amp; &#34;cói&#34;", `Giỏ <b>mây</b> & "cói"`, "Giỏ &lt;b&gt;<mark>mây</mark>&lt;/b&gt; &amp; &#34;cói&#34;"},
		{"other escaping that decodes to the text", "<mark>Chè</mark> &quot;Tân&quot; &amp;", `Chè "Tân" &`, "<mark>Chè</mark> &quot;Tân&quot; &amp;"},
		{"no marks", "Chè Tân Cương", "Chè Tân Cương", "Chè Tân Cương"},
		{"empty highlight", "", "Chè", ""},
		{"unescaped markup from the backend", "Giỏ <b><mark>mây</mark></b>", "Giỏ <b>mây</b>", ""},
		{"script in the highlight", "<mark>Chè</mark><script>alert(1)</script>", "Chè", ""},
		{"another tag", `<mark>Chè</mark> <img src=x onerror=alert(1)>`, "Chè", ""},
		{"mark with an attribute", `<mark onclick="alert(1)">Chè</mark>`, "Chè", ""},
		{"text differs", "<mark>Chè</mark> ngon", "Chè", ""},
		{"stray angle bracket", "<mark>Chè</mark> >", "Chè >", ""},
		{"tag split by marks", "<scr<mark></mark>ipt>", "<script>", ""},
		{"unclosed mark", "<mark>Chè Tân Cương", "Chè Tân Cương", ""},
		{"nested marks", "<mark><mark>Chè</mark></mark>", "Chè", ""},
		{"close before open", "</mark>Chè<mark>", "Chè", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(sanitize.Highlight(tt.highlight, tt.text)); got != tt.want {
				t.Errorf("Highlight(%q, %q) = %q, want %q", tt.highlight, tt.text, got, tt.want)
			}
		})
	}
}

// FuzzHighlight: what Highlight accepts is text with only bare <mark>
// elements, and its text is the text given.
func FuzzHighlight(f *testing.F) {
	f.Add("<mark>Nước</mark> mắm", "Nước mắm")
	f.Add("Giỏ &lt;b&gt;<mark>mây</mark>&lt;/b&gt; &amp; &#34;cói&#34;", `Giỏ <b>mây</b> & "cói"`)
	f.Add("<mark>a</mark><script>", "a<script>")
	f.Add("&lt<mark>b</mark>", "<b")
	f.Fuzz(func(t *testing.T, highlight, text string) {
		h := string(sanitize.Highlight(highlight, text))
		if h == "" {
			return
		}
		var got strings.Builder
		z := xhtml.NewTokenizer(strings.NewReader(h))
		for {
			tt := z.Next()
			if tt == xhtml.ErrorToken {
				break
			}
			switch tt {
			case xhtml.TextToken:
				got.Write(z.Text())
			case xhtml.StartTagToken, xhtml.EndTagToken:
				if name, attr := z.TagName(); string(name) != "mark" || attr {
					t.Fatalf("Highlight(%q, %q) = %q: has %q", highlight, text, h, z.Raw())
				}
			default:
				t.Fatalf("Highlight(%q, %q) = %q: has %q", highlight, text, h, z.Raw())
			}
		}
		if got.String() != text {
			t.Fatalf("Highlight(%q, %q) = %q: its text is %q", highlight, text, h, got.String())
		}
	})
}

type facet struct {
	code, name string
	n, level   int
	on         bool
}

func (f *facet) option() sanitize.Option {
	return sanitize.Option{Value: f.code, Label: f.name, Count: f.n, Level: f.level, Selected: f.on}
}

func TestOptions(t *testing.T) {
	list := []facet{
		{"A", "Thực phẩm", 120, 1, false},
		{"A.1", "Chè & trà", 40, 2, true},
		{`x" onmouseover="alert(1)`, "<script>alert(1)</script>", 0, 3, false},
	}
	got := string(sanitize.Options(list, (*facet).option))
	want := `<option value="A">Thực phẩm (120)</option>` +
		`<option value="A.1" selected>– Chè &amp; trà (40)</option>` +
		`<option value="x&#34; onmouseover=&#34;alert(1)">– – &lt;script&gt;alert(1)&lt;/script&gt; (0)</option>`
	if got != want {
		t.Errorf("Options =\n %s\nwant\n %s", got, want)
	}
	if got := sanitize.Options([]facet(nil), (*facet).option); got != "" {
		t.Errorf("Options(nil) = %q", got)
	}
}

func TestExecuteTemplate(t *testing.T) {
	tpl := template.Must(template.New("").Parse(`{{define "card"}}<a href="{{.URL}}" title="{{.Name}}">{{.Name}}</a>{{end}}` +
		`{{define "open"}}<a href="{{.URL}}{{end}}`))
	data := struct{ Name, URL string }{`Giỏ <b>"mây"</b>`, "javascript:alert(1)"}
	got, err := sanitize.ExecuteTemplate(tpl, "card", data)
	if err != nil {
		t.Fatal(err)
	}
	if want := `<a href="#ZgotmplZ" title="Giỏ &lt;b&gt;&#34;mây&#34;&lt;/b&gt;">Giỏ &lt;b&gt;&#34;mây&#34;&lt;/b&gt;</a>`; string(got) != want {
		t.Errorf("card = %s, want %s", got, want)
	}
	// a template that would leave the page inside an attribute gives no HTML
	if got, err := sanitize.ExecuteTemplate(tpl, "open", data); err == nil || got != "" {
		t.Errorf("open: %q, %v; want an error and no HTML", got, err)
	}
	if got, err := sanitize.ExecuteTemplate(tpl, "missing", data); err == nil || got != "" {
		t.Errorf("missing: %q, %v; want an error and no HTML", got, err)
	}
}

// The catalog page renders its options on every request.
func BenchmarkOptions(b *testing.B) {
	list := make([]facet, 40)
	for i := range list {
		list[i] = facet{"A.1", "Chè búp Thái Nguyên", 1234, 1 + i%2, i == 3}
	}
	b.ReportAllocs()
	for b.Loop() {
		if sanitize.Options(list, (*facet).option) == "" {
			b.Fatal("empty")
		}
	}
}

func BenchmarkHighlight(b *testing.B) {
	text := strings.Repeat("Nước mắm Phú Quốc ", 3)
	hl := strings.Replace(text, "mắm", "<mark>mắm</mark>", -1)
	b.ReportAllocs()
	for b.Loop() {
		if sanitize.Highlight(hl, text) == "" {
			b.Fatal("refused")
		}
	}
}

func TestReplaceContent(t *testing.T) {
	card := template.HTML(`<a href="/p"><span class="card-name">Chè &amp; trà</span><span class="price">1</span></a>`)
	for _, tt := range []struct {
		open string
		want template.HTML
	}{
		{`<span class="card-name">`, `<a href="/p"><span class="card-name"><mark>Chè</mark> &amp; trà</span><span class="price">1</span></a>`},
		{`<span class="none">`, card},    // no such element
		{`span class="card-name"`, card}, // not a start tag
	} {
		if got := sanitize.ReplaceContent(card, tt.open, `<mark>Chè</mark> &amp; trà`); got != tt.want {
			t.Errorf("ReplaceContent(%q) = %s", tt.open, got)
		}
	}
	if got := sanitize.ReplaceContent(`<span class="card-name">x`, `<span class="card-name">`, "y"); got != `<span class="card-name">x` {
		t.Errorf("unclosed element changed: %s", got)
	}
}
