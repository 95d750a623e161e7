package vietqr

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxTextLen is the longest memo, merchant name or city Encode writes.
const maxTextLen = 25

// Memo folds s into a transfer memo every bank accepts: diacritics and tone
// marks removed (đ → d, Đ → D), only ASCII letters, digits and spaces kept,
// runs of white space collapsed to one space, the ends trimmed, and the
// result cut to 25 characters. Other characters are dropped without leaving
// a gap, so an order code such as "OCOP-ABC123" stays one word
// ("OCOPABC123"). Memo is idempotent.
func Memo(s string) string {
	return fold(s, isMemoRune)
}

// foldName folds a merchant name or city like Memo but keeps all printable
// ASCII, punctuation included.
func foldName(s string) string {
	return fold(s, isPrintableASCII)
}

// fold strips diacritics from s, keeps the runes keep accepts (other runes
// vanish without leaving a gap), collapses white space to single spaces,
// trims the ends and cuts the result to maxTextLen characters, never leaving
// a trailing space. The result is ASCII as long as keep accepts only ASCII.
func fold(s string, keep func(rune) bool) string {
	// NFD splits every precomposed Vietnamese letter into its ASCII base and
	// combining marks (ơ and ư included: their horn is a mark), whether s
	// came in NFC or NFD; the marks are not ASCII, so keep drops them.
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(min(len(d), maxTextLen))
	space := false
	for _, r := range d {
		r = foldD(r)
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if !keep(r) {
			continue
		}
		need := 1
		if space {
			need = 2
		}
		if b.Len()+need > maxTextLen {
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// foldD maps the Vietnamese đ/Đ (and the look-alike eth ð/Ð, sometimes
// typed in their place) to d/D; NFD leaves them whole.
func foldD(r rune) rune {
	switch r {
	case 'đ', 'ð':
		return 'd'
	case 'Đ', 'Ð':
		return 'D'
	}
	return r
}

// isMemoRune reports whether r may appear in a folded memo (spaces are
// handled by fold itself).
func isMemoRune(r rune) bool {
	return isAlnum(r)
}

// isPrintableASCII reports whether r is printable ASCII.
func isPrintableASCII(r rune) bool {
	return r > ' ' && r <= '~'
}

// isAlnum reports whether r is an ASCII letter or digit.
func isAlnum(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z'
}
