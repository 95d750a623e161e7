package vietqr

import (
	"fmt"
	"strconv"
	"strings"
)

// maxValueLen is the longest value a two-digit length can declare.
const maxValueLen = 99

// field is one TLV object: its two-digit ID and its value.
type field struct {
	id    string
	value string
}

// tlvWriter appends TLV objects to a string. The first value that does not
// fit a two-digit length is recorded in err and every later add is ignored,
// so a caller checks err once at the end.
type tlvWriter struct {
	b   strings.Builder
	err error
}

// add appends the object id with value v.
func (w *tlvWriter) add(id, v string) {
	if w.err != nil {
		return
	}
	if len(v) == 0 || len(v) > maxValueLen {
		w.err = fmt.Errorf("tag %s: value of %d characters does not fit 1..%d", id, len(v), maxValueLen)
		return
	}
	w.b.WriteString(id)
	w.b.WriteString(twoDigits(len(v)))
	w.b.WriteString(v)
}

// String returns the objects written so far.
func (w *tlvWriter) String() string {
	return w.b.String()
}

// twoDigits formats n (0..99) as two decimal digits.
func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// parseTLV splits s into its TLV objects, in order. It refuses an ID or a
// length that is not two ASCII digits, a zero length, a length running past
// the end of s and an ID that appears twice. Lengths count bytes.
func parseTLV(s string) ([]field, error) {
	var fields []field
	for i := 0; i < len(s); {
		if len(s)-i < 4 {
			return nil, fmt.Errorf("truncated object at offset %d: %q", i, s[i:])
		}
		id, rawLen := s[i:i+2], s[i+2:i+4]
		if !isDigits(id) {
			return nil, fmt.Errorf("ID %q at offset %d is not two digits", id, i)
		}
		if !isDigits(rawLen) {
			return nil, fmt.Errorf("tag %s: length %q is not two digits", id, rawLen)
		}
		n := int(rawLen[0]-'0')*10 + int(rawLen[1]-'0')
		i += 4
		if n == 0 {
			return nil, fmt.Errorf("tag %s: length is zero", id)
		}
		if n > len(s)-i {
			return nil, fmt.Errorf("tag %s: length %d runs past the end (%d bytes left)", id, n, len(s)-i)
		}
		if _, dup := lookup(fields, id); dup {
			return nil, fmt.Errorf("tag %s appears twice", id)
		}
		fields = append(fields, field{id: id, value: s[i : i+n]})
		i += n
	}
	return fields, nil
}

// lookup returns the value of the object id in fields and whether it is
// there.
func lookup(fields []field, id string) (string, bool) {
	for _, f := range fields {
		if f.id == id {
			return f.value, true
		}
	}
	return "", false
}

// isDigits reports whether s is non-empty and all ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isAlnumString reports whether s is non-empty and all ASCII letters and
// digits.
func isAlnumString(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(rune(s[i])) {
			return false
		}
	}
	return true
}
