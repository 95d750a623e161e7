package vntext

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// VND formats an amount of đồng the CLDR "vi" way: "1.250.000 ₫" (dot
// grouping, a non-breaking space, the symbol after the number).
func VND(amount int64) string { return Number(amount) + "\u00a0₫" }

// Number writes n with dots between thousands, as Vietnamese does:
// "20.000", "-1.250.000".
func Number(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	digits := strconv.FormatInt(n, 10)
	b := make([]byte, 0, len(digits)+len(digits)/3+1)
	if neg {
		b = append(b, '-')
	}
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b = append(b, '.')
		}
		b = append(b, digits[i])
	}
	return string(b)
}

// MaxVND is the largest amount ParseVND accepts: one billion đồng, above
// any OCOP product's price.
const MaxVND = 1_000_000_000

// Why ParseVND refused an amount; callers word the message for their
// screen or file.
var (
	ErrAmountEmpty    = errors.New("no amount")
	ErrAmountNegative = errors.New("negative amount")
	ErrAmountFraction = errors.New("not a whole number of đồng")
	ErrAmountNotValid = errors.New("not a number")
	ErrAmountTooLarge = errors.New("amount over 1,000,000,000 đồng")
)

var (
	digitsRE       = regexp.MustCompile(`^[0-9]+$`)
	groupedDotRE   = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{3})+$`)
	groupedCommaRE = regexp.MustCompile(`^[0-9]{1,3}(,[0-9]{3})+$`)
	decimalRE      = regexp.MustCompile(`^[0-9]+[.,][0-9]+$`)
	currencyRE     = regexp.MustCompile(`(?i)(vnđ|vnd|đồng|đ|₫)$`)
)

// ParseVND is the one parser of an amount of đồng as people type it:
// "120000", "120.000", "120,000", "120 000", "120.000 ₫", "120.000đ",
// "120000 VND". It refuses with one of the ErrAmount errors.
func ParseVND(raw string) (int64, error) {
	v := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, norm.NFC.String(raw))
	v = currencyRE.ReplaceAllString(v, "")
	switch {
	case v == "":
		return 0, ErrAmountEmpty
	case strings.HasPrefix(v, "-"):
		return 0, ErrAmountNegative
	case digitsRE.MatchString(v):
	case groupedDotRE.MatchString(v):
		v = strings.ReplaceAll(v, ".", "")
	case groupedCommaRE.MatchString(v):
		v = strings.ReplaceAll(v, ",", "")
	case decimalRE.MatchString(v):
		return 0, ErrAmountFraction
	default:
		return 0, ErrAmountNotValid
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n > MaxVND {
		return 0, ErrAmountTooLarge
	}
	return n, nil
}
