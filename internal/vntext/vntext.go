// Package vntext normalises Vietnamese text: NFC for storage, a fold key for
// matching (diacritics, tone-mark placement, đ and case removed), and slugs.
//
// The same visible word can arrive as NFC or NFD, and with the old ("Hoà") or
// new ("Hòa") tone placement. NFC fixes the first; only folding fixes the
// second, so comparisons and unique keys use Fold and pages show the NFC text.
package vntext

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NFC returns s in Unicode normalisation form C with surrounding space
// trimmed, internal runs of white space collapsed to one space, and control
// and zero-width characters removed. It is what every stored name goes
// through.
func NFC(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case isInvisible(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// CleanText is NFC for multi-line text such as descriptions: it keeps line
// breaks, normalises to NFC, drops control and zero-width characters and
// trims the ends.
func CleanText(s string) string {
	s = norm.NFC.String(strings.ReplaceAll(s, "\r\n", "\n"))
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r == utf8.RuneError || isInvisible(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

func isInvisible(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad':
		return true
	}
	return unicode.IsControl(r) || unicode.In(r, unicode.Bidi_Control)
}

// Fold returns the matching key of s: NFC-cleaned, diacritics and tone marks
// removed, đ/Đ mapped to d, lower-cased, with runs of anything that is not a
// letter or digit collapsed to one space. "Thanh Hoá", "thanh hòa" and the
// NFD form of either all fold to "thanh hoa".
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	gap := false
	for _, r := range s {
		var f rune = foldComplex
		if r < foldTableSize {
			f = foldTable[r]
		}
		switch f {
		case foldSkip:
			continue
		case foldGap:
			gap = true
			continue
		case foldComplex:
			return foldNFD(s)
		}
		if gap && b.Len() > 0 {
			b.WriteByte(' ')
		}
		gap = false
		b.WriteRune(f)
	}
	return b.String()
}

// foldNFD is Fold by way of the whole text's NFD: what Fold does for text
// with a character the table does not cover.
func foldNFD(s string) string {
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	gap := false
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch r {
		case 'đ', 'Đ', 'Ð', 'ð':
			r = 'd'
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if gap && b.Len() > 0 {
				b.WriteByte(' ')
			}
			gap = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		gap = true
	}
	return b.String()
}

// foldTable holds what Fold makes of each character below foldTableSize
// (Latin, Vietnamese included, Greek, Cyrillic and the combining marks):
// the lower-case letter or digit it folds to, or foldSkip, foldGap or
// foldComplex. Built from foldNFD itself, so the two agree: the NFD of a
// text is its characters' decompositions, with marks reordered among
// marks, which folding drops or turns into a gap in any order.
var foldTable = func() []rune {
	t := make([]rune, foldTableSize)
	for r := range rune(foldTableSize) {
		if utf8.ValidRune(r) {
			t[r] = foldOne(r)
		} else {
			t[r] = foldComplex
		}
	}
	return t
}()

const (
	foldTableSize = 0x2000
	foldSkip      = -1 // dropped (a combining mark)
	foldGap       = -2 // separates words
	foldComplex   = -3 // folds to more than one letter: use foldNFD
)

// foldOne is what foldNFD makes of r between two letters: "aa" (r is
// dropped), "a a" (r separates words), "axa" (r folds to x), or anything
// else (complex).
func foldOne(r rune) rune {
	f := foldNFD("a" + string(r) + "a")
	switch f {
	case "aa":
		return foldSkip
	case "a a":
		return foldGap
	}
	if x, n := utf8.DecodeRuneInString(f[1:]); len(f) == 2+n && f[0] == 'a' && f[len(f)-1] == 'a' && x != ' ' {
		return x
	}
	return foldComplex
}

// Slug returns the URL slug of s: the fold key with non-ASCII letters and
// digits dropped and words joined by hyphens ("Nước mắm Phú Quốc" →
// "nuoc-mam-phu-quoc"). It returns "" when nothing is left.
func Slug(s string) string {
	f := Fold(s)
	var b strings.Builder
	b.Grow(len(f))
	dash := false
	for _, r := range f {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}

// Truncate returns s cut to at most n runes (never in the middle of a rune).
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// SlugIn is the slug in ref, a page address or a bare slug: what follows
// the last "/<segment>/", without a query string or slashes
// ("https://cho-ocop.vn/san-pham/che-bup?x=1" with "san-pham" is
// "che-bup").
func SlugIn(ref, segment string) string {
	ref = strings.TrimSpace(ref)
	if i := strings.LastIndex(ref, "/"+segment+"/"); i >= 0 {
		ref = ref[i+len(segment)+2:]
	}
	ref, _, _ = strings.Cut(ref, "?")
	ref, _, _ = strings.Cut(ref, "#")
	return strings.Trim(ref, "/")
}

// Accents returns, for each word of s, its fold and the marks it carries,
// as "fold:marks" ("chè" → "che:\u0300", "Chẽ" → "che:\u0303", "chế" →
// "che:\u0302\u0301", "đá" → "da:đ\u0301", "che" → "che:"): two spellings
// of a word have the same key when they carry the same diacritics, wherever
// the tone mark sits ("hoà" and "hòa" agree), so a search can rank the words
// typed with their diacritics before those that only match once folded.
func Accents(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(norm.NFC.String(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) }) {
		var marks []rune
		for _, r := range norm.NFD.String(w) {
			switch {
			case unicode.Is(unicode.Mn, r):
				marks = append(marks, r)
			case r == 'đ' || r == 'Đ':
				marks = append(marks, 'đ')
			}
		}
		slices.Sort(marks)
		if f := Fold(w); f != "" {
			out = append(out, f+":"+string(marks))
		}
	}
	return out
}

// HasAccents reports whether s carries a diacritic or đ.
func HasAccents(s string) bool {
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) || r == 'đ' || r == 'Đ' {
			return true
		}
	}
	return false
}
