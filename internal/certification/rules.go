package certification

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ocopvn/ocop/internal/vntext"
)

// The reform dates of the OCOP programme (DOMAIN.md §1.4).
var (
	// Decision148 took effect: UBND huyện certifies 3★, UBND tỉnh 4★,
	// the ministry 5★.
	Decision148 = time.Date(2023, 2, 24, 0, 0, 0, 0, time.UTC)
	// DistrictsAbolished: from this day there is no district level.
	DistrictsAbolished = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	// Decision1489 took effect: UBND tỉnh certifies 3★ and 4★, the ministry
	// 5★.
	Decision1489 = time.Date(2025, 7, 6, 0, 0, 0, 0, time.UTC)
)

// maxScore is the highest score of each star's band, in hundredths.
var maxScore = map[int]int64{3: 6999, 4: 8999, 5: 10000}

// Decision is a recognition decision as it is recorded: what the rules
// check.
type Decision struct {
	Star      int
	Score     *int64 // hundredths of a point; nil when not published
	Level     string // district, province or central
	Authority string // as issued, never rewritten by the 2025 merger
	Date      time.Time
	// MeetsMandatory: the product meets the mandatory criteria of its star
	// (Decision 148); a score in the band is not enough without them.
	MeetsMandatory bool
}

// Finding is a rule a decision breaks: a refusal, or a warning when it
// only differs from what its period usually shows.
type Finding struct {
	Field  string // the form field or import column it is about
	VI, EN string // the rule in plain words
}

// PotentialFive reports a provincial 4★ with a score of 90 or more:
// "tiềm năng 5 sao", a product the province forwarded to the central
// council (Đắk Lắk 2024: 95.64 and 100/100).
func PotentialFive(star int, level string, score *int64) bool {
	return star == 4 && level == LevelProvince && score != nil && *score >= 9000
}

// Check applies the rules of Decisions 148 and 1489 to d. Refusals make
// it unrecordable: a star outside 3–5, a score outside its star's band
// (but for a provincial 4★'s potential-5★ score), a 5★ that is not
// central, anything district-level dated on or after 01/07/2025, a
// product that fails the mandatory criteria. Warnings say how d differs
// from its period's pattern (until 23/02/2023: province 3–4★; from
// 24/02/2023: district 3★, province 4★; from 06/07/2025: province 3–4★;
// always: central 5★) or how its authority does not read like its level:
// provinces ran variants, so these are never refused.
func Check(d Decision) (refusals, warnings []Finding) {
	lo, ok := MinScore(d.Star)
	if !ok {
		refusals = append(refusals, Finding{"star", "Hạng sao phải là 3, 4 hoặc 5 sao.", "the star must be 3, 4 or 5"})
		return refusals, nil
	}
	if d.Score != nil {
		hi := maxScore[d.Star]
		if PotentialFive(d.Star, d.Level, d.Score) {
			hi = 10000
		}
		if *d.Score < lo || *d.Score > hi {
			refusals = append(refusals, Finding{"score",
				fmt.Sprintf("Điểm %s nằm ngoài khung điểm của hạng %d sao (%s–%s điểm).", points(*d.Score), d.Star, points(lo), points(maxScore[d.Star])),
				fmt.Sprintf("a score of %s is outside the %d-star band (%s to %s)", points(*d.Score), d.Star, points(lo), points(maxScore[d.Star]))})
		}
	}
	if d.Star == 5 && d.Level != LevelCentral {
		refusals = append(refusals, Finding{"issuing_level",
			"Chỉ Bộ Nông nghiệp và Môi trường (trước đây Bộ Nông nghiệp và Phát triển nông thôn) công nhận sản phẩm 5 sao.",
			"only the ministry (central level) certifies 5-star products"})
	}
	if d.Level == LevelDistrict && !d.Date.Before(DistrictsAbolished) {
		refusals = append(refusals, Finding{"issuing_level",
			"Cấp huyện đã bãi bỏ từ ngày 01/07/2025: quyết định từ ngày này do UBND tỉnh hoặc Bộ ban hành.",
			"districts were abolished on 1 July 2025: a decision from that day is provincial or central"})
	}
	if !d.MeetsMandatory {
		refusals = append(refusals, Finding{"meets_mandatory",
			"Sản phẩm chưa đạt các tiêu chí bắt buộc của hạng sao thì không được công nhận (Quyết định 148/QĐ-TTg).",
			"a product that does not meet its star's mandatory criteria is not certified (Decision 148)"})
	}
	if len(refusals) > 0 {
		return refusals, nil
	}
	if want := expectedLevel(d.Date, d.Star); want != d.Level {
		warnings = append(warnings, Finding{"issuing_level",
			fmt.Sprintf("Thường thì sản phẩm %d sao có quyết định ngày %s do %s công nhận, không phải %s. Hãy kiểm tra lại quyết định.",
				d.Star, d.Date.Format("02/01/2006"), levelWords[want], levelWords[d.Level]),
			fmt.Sprintf("a %d-star decision of %s is usually %s-level, not %s-level", d.Star, d.Date.Format(time.DateOnly), want, d.Level)})
	}
	if a := vntext.Fold(d.Authority); a != "" && !authorityFits(a, d.Level) {
		warnings = append(warnings, Finding{"issuing_authority",
			fmt.Sprintf("Cơ quan ban hành %q không giống %s. Hãy kiểm tra lại.", d.Authority, levelWords[d.Level]),
			fmt.Sprintf("the authority %q does not read like the %s level", d.Authority, d.Level)})
	}
	return nil, warnings
}

// expectedLevel is the level that certifies star in the period of date.
func expectedLevel(date time.Time, star int) string {
	switch {
	case star == 5:
		return LevelCentral
	case star == 3 && !date.Before(Decision148) && date.Before(Decision1489):
		return LevelDistrict
	}
	return LevelProvince
}

var levelWords = map[string]string{
	LevelDistrict: "UBND cấp huyện", LevelProvince: "UBND cấp tỉnh", LevelCentral: "Bộ (cấp trung ương)",
}

// authorityFits reports whether the folded authority reads like the level:
// "UBND huyện/quận/thị xã/thành phố …", "UBND tỉnh/thành phố …", "Bộ …".
func authorityFits(folded, level string) bool {
	prefixes := map[string][]string{
		LevelDistrict: {"ubnd huyen", "ubnd quan", "ubnd thi xa", "ubnd thanh pho", "uy ban nhan dan huyen", "uy ban nhan dan quan",
			"uy ban nhan dan thi xa", "uy ban nhan dan thanh pho"},
		LevelProvince: {"ubnd tinh", "ubnd thanh pho", "uy ban nhan dan tinh", "uy ban nhan dan thanh pho"},
		LevelCentral:  {"bo nong nghiep", "bo nn", "van phong dieu phoi"},
	}[level]
	for _, p := range prefixes {
		if strings.HasPrefix(folded, p) {
			return true
		}
	}
	return false
}

// ScoreText formats a score (points, as stored) the Vietnamese way, with a
// decimal comma: 95,64; 90; 78,5.
func ScoreText(score float64) string { return points(int64(math.Round(score * 100))) }

// points formats a score in hundredths the Vietnamese way: 95,64; 90.
func points(h int64) string {
	s := fmt.Sprintf("%d", h/100)
	if f := h % 100; f != 0 {
		s += strings.TrimRight(fmt.Sprintf(",%02d", f), "0")
	}
	return s
}
