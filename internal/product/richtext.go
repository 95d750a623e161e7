package product

import "unicode/utf8"

// Rich-text limits: the description as typed, and as stored (the columns'
// checks are 20000 and 40000 characters). The rich text itself is cleaned
// by sanitize.Rich.
const (
	maxRichInput = 20000
	maxRichHTML  = 40000
)

// runes is the length of s in characters.
func runes(s string) int { return utf8.RuneCountInString(s) }
