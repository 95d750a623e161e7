package search

import (
	"html"
	"strings"
	"unicode"

	"github.com/ocopvn/ocop/internal/vntext"
)

// Words returns the folded words of what a shopper typed: the text cut to
// MaxQueryRune runes, folded with vntext.Fold (NFC or NFD, either tone
// placement, with or without diacritics all give the same words), and at
// most MaxWords words. Punctuation, operators and emoji vanish, so no word
// carries a metacharacter of any query language.
func Words(text string) []string {
	text = vntext.Truncate(text, MaxQueryRune)
	words := strings.Fields(vntext.Fold(text))
	if len(words) > MaxWords {
		words = words[:MaxWords]
	}
	return words
}

// Highlight returns text HTML-escaped, with every word whose fold is in
// match, or (when prefix is not empty) begins with prefix, wrapped in
// <mark>…</mark>. Nothing but the <mark> tags is left unescaped.
func Highlight(text string, match map[string]bool, prefix string) string {
	var b strings.Builder
	rs := []rune(text)
	for i := 0; i < len(rs); {
		if !isWordRune(rs[i]) {
			j := i
			for j < len(rs) && !isWordRune(rs[j]) {
				j++
			}
			b.WriteString(html.EscapeString(string(rs[i:j])))
			i = j
			continue
		}
		j := i
		for j < len(rs) && isWordRune(rs[j]) {
			j++
		}
		word := string(rs[i:j])
		f := vntext.Fold(word)
		if match[f] || (prefix != "" && strings.HasPrefix(f, prefix)) {
			b.WriteString("<mark>")
			b.WriteString(html.EscapeString(word))
			b.WriteString("</mark>")
		} else {
			b.WriteString(html.EscapeString(word))
		}
		i = j
	}
	return b.String()
}

// isWordRune reports whether r belongs to a word as vntext.Fold sees it
// (letters, digits and the combining marks of NFD text).
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// MarkedHighlight turns a backend's highlight, where matches are wrapped in
// the private-use runes pre and post, into escaped HTML with <mark> tags.
// Backends that highlight on their side (Meilisearch) use it so that text
// from the index is never trusted as HTML.
func MarkedHighlight(s string, pre, post rune) string {
	s = strings.ReplaceAll(html.EscapeString(s), string(pre), "<mark>")
	return strings.ReplaceAll(s, string(post), "</mark>")
}
