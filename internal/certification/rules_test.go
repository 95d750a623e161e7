package certification_test

import (
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/certification"
)

// TestCheck: the rules of Decisions 148 and 1489 on real decisions
// (DOMAIN.md §1.3–1.6).
func TestCheck(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("02/01/2006", s); return d }
	score := func(h int64) *int64 { return &h }
	tests := []struct {
		name      string
		d         certification.Decision
		refused   string // the field refused, "" for none
		warned    string // the field warned about, "" for none
		potential bool
	}{
		{"Yên Bái 4★ from 28/12/2023", certification.Decision{Star: 4, Level: "province", Authority: "UBND tỉnh Yên Bái", Date: day("28/12/2023")}, "", "", false},
		{"Đắk Lắk 4★ scoring 95,64: potential 5★", certification.Decision{Star: 4, Score: score(9564), Level: "province", Authority: "UBND tỉnh Đắk Lắk", Date: day("15/11/2024")}, "", "", true},
		{"Đắk Lắk 4★ scoring 100/100", certification.Decision{Star: 4, Score: score(10000), Level: "province", Authority: "UBND tỉnh Đắk Lắk", Date: day("15/11/2024")}, "", "", true},
		{"Hậu Giang 1358/QĐ-UBND of 2021 keeps its authority", certification.Decision{Star: 4, Score: score(7500), Level: "province", Authority: "UBND tỉnh Hậu Giang", Date: day("20/07/2021")}, "", "", false},
		{"5★ from UBND tỉnh Thái Nguyên", certification.Decision{Star: 5, Score: score(9200), Level: "province", Authority: "UBND tỉnh Thái Nguyên", Date: day("10/03/2024")}, "issuing_level", "", false},
		{"5★ from the ministry", certification.Decision{Star: 5, Score: score(9490), Level: "central", Authority: "Bộ Nông nghiệp và Môi trường", Date: day("26/06/2025")}, "", "", false},
		{"district 3★ after the districts ended", certification.Decision{Star: 3, Level: "district", Authority: "UBND huyện Đak Pơ", Date: day("15/07/2025")}, "issuing_level", "", false},
		{"district 3★ on 01/07/2025", certification.Decision{Star: 3, Level: "district", Authority: "UBND huyện Đak Pơ", Date: day("01/07/2025")}, "issuing_level", "", false},
		{"district 3★ under 148", certification.Decision{Star: 3, Score: score(6200), Level: "district", Authority: "UBND huyện Đak Pơ", Date: day("12/09/2024")}, "", "", false},
		{"3★ scoring 89", certification.Decision{Star: 3, Score: score(8900), Level: "province", Authority: "UBND tỉnh Gia Lai", Date: day("12/09/2025")}, "score", "", false},
		{"3★ scoring 49,5", certification.Decision{Star: 3, Score: score(4950), Level: "province", Authority: "UBND tỉnh Gia Lai", Date: day("12/09/2025")}, "score", "", false},
		{"central 4★ scoring 95: not potential 5★", certification.Decision{Star: 4, Score: score(9500), Level: "central", Authority: "Bộ Nông nghiệp và Môi trường", Date: day("12/09/2025")}, "score", "", false},
		{"star 2", certification.Decision{Star: 2, Level: "province", Authority: "UBND tỉnh Gia Lai", Date: day("12/09/2025")}, "star", "", false},
		{"fails the mandatory criteria", certification.Decision{Star: 3, Score: score(6000), Level: "province", Authority: "UBND tỉnh Đồng Tháp", Date: day("12/09/2025")}, "meets_mandatory", "", false},
		{"provincial 3★ under 148: a province's variant", certification.Decision{Star: 3, Level: "province", Authority: "UBND tỉnh Quảng Ninh", Date: day("12/09/2024")}, "", "issuing_level", false},
		{"provincial 3★ under 1489", certification.Decision{Star: 3, Level: "province", Authority: "UBND tỉnh Quảng Ninh", Date: day("12/09/2025")}, "", "", false},
		{"central 4★", certification.Decision{Star: 4, Level: "central", Authority: "Bộ Nông nghiệp và Phát triển nông thôn", Date: day("12/09/2024")}, "", "issuing_level", false},
		{"district 3★ under 1048", certification.Decision{Star: 3, Level: "district", Authority: "UBND huyện Tiểu Cần", Date: day("12/09/2022")}, "", "issuing_level", false},
		{"provincial decision signed by a ministry", certification.Decision{Star: 4, Level: "province", Authority: "Bộ Nông nghiệp và Môi trường", Date: day("12/09/2025")}, "", "issuing_authority", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.d
			d.MeetsMandatory = tt.refused != "meets_mandatory"
			refusals, warnings := certification.Check(d)
			if got := field(refusals); got != tt.refused {
				t.Errorf("refused %q (%v), want %q", got, refusals, tt.refused)
			}
			if got := field(warnings); got != tt.warned {
				t.Errorf("warned %q (%v), want %q", got, warnings, tt.warned)
			}
			for _, f := range append(refusals, warnings...) {
				if f.VI == "" || f.EN == "" {
					t.Errorf("finding without words: %+v", f)
				}
			}
			if got := certification.PotentialFive(d.Star, d.Level, d.Score); got != tt.potential {
				t.Errorf("PotentialFive = %v", got)
			}
		})
	}
}

func field(fs []certification.Finding) string {
	if len(fs) == 0 {
		return ""
	}
	return fs[0].Field
}
