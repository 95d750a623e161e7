// Package sanitize is the one place in the module where a string becomes
// trusted markup: every conversion to html/template's HTML, JS, URL, CSS,
// HTMLAttr, JSStr or Srcset happens here (SECURITY.md X-01), and a source
// scan (scan_test.go) fails the build of the test suite on one anywhere
// else. Each function below states why what it returns is safe; code
// outside this package that needs trusted markup calls one of them, or
// adds one here with its argument, and its test.
package sanitize

import (
	"bytes"
	"html"
	"html/template"
	"strconv"
	"strings"
)

// ExecuteTemplate runs the template name of t with data and returns its
// output as HTML, for embedding in another template (a cached product
// card in a page). It is safe because t is an html/template: every value
// it writes was escaped for its context, and execution fails (error, no
// HTML) when a template would end inside a tag, an attribute, a script or
// a comment, so the output is a complete fragment in HTML text context.
// The only unescaped values it can write are template.HTML values, which
// come from this package too.
func ExecuteTemplate(t *template.Template, name string, data any) (template.HTML, error) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}

// Option is one <option> of a select list.
type Option struct {
	Value    string
	Label    string
	Count    int // shown after the label, in brackets
	Level    int // depth in a tree: level n is indented by n-1 dashes
	Selected bool
}

// Options renders list as <option> elements, option giving each
// element's fields. Lists of 30–40 options are the bulk of a catalog page,
// and writing them here costs a fraction of a template's reflective calls.
// It is safe because the value and the label are escaped with
// template.HTMLEscapeString (which escapes quotes, so the value cannot
// leave its attribute), the count is digits, and everything else is
// constant markup.
func Options[E any](list []E, option func(*E) Option) template.HTML {
	var b strings.Builder
	b.Grow(len(list) * 64) // an option is 40–80 bytes
	var num [20]byte
	for i := range list {
		o := option(&list[i])
		b.WriteString(`<option value="`)
		b.WriteString(template.HTMLEscapeString(o.Value))
		b.WriteByte('"')
		if o.Selected {
			b.WriteString(" selected")
		}
		b.WriteByte('>')
		for range o.Level - 1 {
			b.WriteString("– ")
		}
		b.WriteString(template.HTMLEscapeString(o.Label))
		b.WriteString(" (")
		b.Write(strconv.AppendInt(num[:0], int64(o.Count), 10))
		b.WriteString(")</option>")
	}
	return template.HTML(b.String())
}

// markTags removes the only tags a highlight may have.
var markTags = strings.NewReplacer("<mark>", "", "</mark>", "")

// Highlight returns highlight, a search backend's copy of text with the
// matches between <mark> and </mark>, as HTML, when it is exactly text
// escaped (by html.EscapeString, or any escaping that decodes back to
// text without adding a '<' or '>') with balanced, unnested <mark> tags
// added; otherwise "" (the caller then shows text itself, escaped). A
// backend's highlight is never trusted as it comes: it is safe because
// apart from the mark tags it holds no '<' or '>', so it can open no other
// element, and its text is text.
func Highlight(highlight, text string) template.HTML {
	if highlight == "" {
		return ""
	}
	plain := markTags.Replace(highlight)
	if plain != html.EscapeString(text) && html.UnescapeString(plain) != text {
		return ""
	}
	if strings.ContainsAny(plain, "<>") || !balancedMarks(highlight) {
		return ""
	}
	return template.HTML(highlight)
}

// balancedMarks reports whether the mark tags of h open and close in turn
// and none is left open. Every '<' of h starts a mark tag (checked by the
// caller).
func balancedMarks(h string) bool {
	open := false
	for {
		i := strings.IndexByte(h, '<')
		if i < 0 {
			return !open
		}
		h = h[i:]
		switch {
		case !open && strings.HasPrefix(h, "<mark>"):
			open, h = true, h[len("<mark>"):]
		case open && strings.HasPrefix(h, "</mark>"):
			open, h = false, h[len("</mark>"):]
		default:
			return false
		}
	}
}

// ReplaceContent returns h with the content of its first element opened by
// exactly open (a start tag, `<span class="card-name">`) replaced by
// content, up to that element's end tag; h is returned as it is when it has
// no such element. Both h and content are already safe HTML, and the cut
// falls on tag boundaries, so the result is too. The element must not nest
// an element of its own name.
func ReplaceContent(h template.HTML, open string, content template.HTML) template.HTML {
	name, _, _ := strings.Cut(strings.TrimPrefix(open, "<"), " ")
	name = strings.TrimSuffix(name, ">")
	s := string(h)
	i := strings.Index(s, open)
	if i < 0 || name == "" || !strings.HasPrefix(open, "<") || !strings.HasSuffix(open, ">") {
		return h
	}
	i += len(open)
	j := strings.Index(s[i:], "</"+name+">")
	if j < 0 {
		return h
	}
	return template.HTML(s[:i] + string(content) + s[i+j:])
}
