package apperr

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/ocopvn/ocop/internal/vntext"
)

// FieldErrors is the one validation error of the application: a form's
// messages by field name (Vietnamese, for the person filling it in). Its
// kind is Unprocessable (HTTP 422); a screen re-shows the form with each
// message beside its field and the summary of SummaryKey on top.
type FieldErrors map[string]string

// SummaryKey is the i18n key of the message shown above a form refused
// with FieldErrors.
const SummaryKey = "form.fix_fields"

// Error lists the refused fields, in order (never their messages: they
// are for people, and may echo what was typed).
func (f FieldErrors) Error() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return "invalid fields: " + strings.Join(keys, ", ")
}

// Add records msg for field unless the field has a message already (the
// first problem found is the one shown), and returns f, made if nil.
func (f FieldErrors) Add(field, msg string) FieldErrors {
	if f == nil {
		f = FieldErrors{}
	}
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
	return f
}

// OrNil returns f as an error, or nil when it holds no message.
func (f FieldErrors) OrNil() error {
	if len(f) == 0 {
		return nil
	}
	return f
}

// Text normalises v (NFC, trimmed) and records a message for field when it
// is required and empty or longer than max characters; label names the
// field in the message ("số quyết định"). f must not be nil.
func (f FieldErrors) Text(field, v string, required bool, max int, label string) string {
	v = vntext.NFC(v)
	switch {
	case v == "" && required:
		f[field] = "Vui lòng nhập " + label + "."
	case utf8.RuneCountInString(v) > max:
		f[field] = fmt.Sprintf("%s dài quá %d ký tự.", upperFirst(label), max)
	}
	return v
}

func upperFirst(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+utf8.RuneLen(r):]
	}
	return s
}
