package sanitize

import (
	"html"
	"html/template"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"

	"github.com/ocopvn/ocop/internal/vntext"
)

// richPolicy is the rich-text subset producers may use in a product
// description (SECURITY.md X-02): paragraphs, line breaks, bold, italic,
// lists, a small heading and quotes, without a single attribute. Links
// are left out on purpose: descriptions are shown on our pages and in
// search results, and links would invite spam and phishing; a link's text
// is kept, the tag dropped. img, style, iframe, svg, script and every
// event handler are dropped with the rest. A bluemonday policy is safe for
// concurrent use once built.
var richPolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "h3", "blockquote")
	return p
}()

// Rich turns what a producer typed into the stored pair: safe HTML of the
// rich-text subset, and its plain text (tags stripped, one line per
// paragraph or list item) for search and cards. Text without any tag is
// taken as plain text: each line becomes a paragraph. Both results are
// NFC. The HTML is a string, not template.HTML: it is stored, and becomes
// HTML on a page only through RichHTML.
func Rich(in string) (safeHTML, plain string) {
	in = vntext.CleanText(in)
	if in == "" {
		return "", ""
	}
	if !strings.ContainsRune(in, '<') {
		var b strings.Builder
		for _, line := range strings.Split(in, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				b.WriteString("<p>")
				b.WriteString(html.EscapeString(line))
				b.WriteString("</p>")
			}
		}
		in = b.String()
	}
	safeHTML = strings.TrimSpace(norm.NFC.String(richPolicy.Sanitize(in)))
	return safeHTML, PlainText(safeHTML)
}

// blockTags end a line of the plain text.
var blockTags = map[string]bool{"p": true, "br": true, "li": true, "h3": true, "blockquote": true, "ul": true, "ol": true}

// PlainText is the text of s (HTML): tags stripped, entities decoded, one
// line per block (paragraph, list item, heading, line break).
func PlainText(s string) string {
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			var lines []string
			for _, l := range strings.Split(b.String(), "\n") {
				if l = vntext.NFC(l); l != "" {
					lines = append(lines, l)
				}
			}
			return strings.Join(lines, "\n")
		case xhtml.TextToken:
			b.Write(z.Text())
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			if blockTags[string(name)] {
				b.WriteByte('\n')
			}
		}
	}
}

// RichHTML returns stored rich text for a page. Stored HTML was written
// by Rich, but rows also come from imports, fixtures and older code, and
// the database cannot tell who wrote a row; so the HTML is sanitised again
// with the same policy on the way out (idempotent on sanitised input, a
// few microseconds for a description). It is safe because what it returns
// is richPolicy's output: only the elements above, without attributes.
func RichHTML(stored string) template.HTML {
	return template.HTML(richPolicy.Sanitize(stored))
}
