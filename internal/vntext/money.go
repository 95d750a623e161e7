package vntext

import "strconv"

// VND formats an amount of đồng the CLDR "vi" way: "1.250.000 ₫" (dot
// grouping, a non-breaking space, the symbol after the number).
func VND(amount int64) string {
	neg := amount < 0
	if neg {
		amount = -amount
	}
	digits := strconv.FormatInt(amount, 10)
	b := make([]byte, 0, len(digits)+len(digits)/3+6)
	if neg {
		b = append(b, '-')
	}
	for i := range len(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b = append(b, '.')
		}
		b = append(b, digits[i])
	}
	return string(b) + "\u00a0₫"
}
