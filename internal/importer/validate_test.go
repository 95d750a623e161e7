package importer

import (
	"strings"
	"testing"
	"time"
)

func TestCheckPrice(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  string // substring of the English reason; "" for valid
	}{
		{"1.250.000", 1250000, ""},
		{"1,250,000", 1250000, ""},
		{"1250000", 1250000, ""},
		{"1.250.000 ₫", 1250000, ""},
		{"1.250.000\u00a0₫", 1250000, ""},
		{"125000đ", 125000, ""},
		{"120000 VNĐ", 120000, ""},
		{"120000 vnd", 120000, ""},
		{"0", 0, ""},
		{"1000000000", 1000000000, ""},
		{"1000000001", 0, "over"},
		{"99999999999999999999", 0, "over"},
		{"0.5", 0, "whole number"},
		{"12,5", 0, "whole number"},
		{"-5", 0, "negative"},
		{"abc", 0, "not a number"},
		{"1.25.000", 0, "not a number"},
		{"", 0, "missing"},
		{"₫", 0, "missing"},
	}
	for _, tt := range tests {
		c := &checker{line: 2}
		got := checkPrice(c, tt.in)
		if tt.err == "" {
			if len(c.errs) > 0 || got != tt.want {
				t.Errorf("checkPrice(%q) = %d, %v; want %d", tt.in, got, c.errs, tt.want)
			}
			continue
		}
		if len(c.errs) != 1 || !strings.Contains(c.errs[0].ReasonEN, tt.err) {
			t.Errorf("checkPrice(%q) errors = %v, want one containing %q", tt.in, c.errs, tt.err)
		}
	}
}

func TestCheckDate(t *testing.T) {
	today := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want string
		err  string
	}{
		{"20/07/2021", "2021-07-20", ""},
		{"5/3/2024", "2024-03-05", ""},
		{"2024-02-29", "2024-02-29", ""},
		{"2024-02-29 00:00:00", "2024-02-29", ""},
		{"20.07.2021", "2021-07-20", ""},
		{"ngày 20 tháng 7 năm 2021", "2021-07-20", ""},
		{"07/05/2018", "2018-05-07", ""},
		{"01/07/2025", "2025-07-01", ""},
		{"02/07/2025", "", "future"},
		{"06/05/2018", "", "before the OCOP programme"},
		{"31/02/2024", "", "not a calendar date"},
		{"29/02/2023", "", "not a calendar date"},
		{"13/13/2024", "", "not a calendar date"},
		{"20/07/21", "", "known format"},
		{"hôm qua", "", "known format"},
		{"", "", "missing"},
	}
	for _, tt := range tests {
		c := &checker{line: 2}
		got := checkDate(c, tt.in, today)
		if tt.err == "" {
			if len(c.errs) > 0 || got.Format("2006-01-02") != tt.want {
				t.Errorf("checkDate(%q) = %v, %v; want %s", tt.in, got, c.errs, tt.want)
			}
			continue
		}
		if len(c.errs) != 1 || !strings.Contains(c.errs[0].ReasonEN, tt.err) {
			t.Errorf("checkDate(%q) errors = %v, want one containing %q", tt.in, c.errs, tt.err)
		}
	}
}

func TestCheckCodes(t *testing.T) {
	for in, want := range map[string]string{
		"htx": "htx", "HTX": "htx", "Hợp tác xã": "htx", "Liên hiệp HTX": "lien_hiep_htx",
		"lien_hiep_htx": "lien_hiep_htx", "Tổ hợp tác": "to_hop_tac", "Doanh nghiệp": "doanh_nghiep",
		"Công ty": "doanh_nghiep", "Công ty TNHH MTV": "doanh_nghiep", "Hộ kinh doanh": "ho_kinh_doanh",
		"co_so_san_xuat": "co_so_san_xuat", "Cơ sở sản xuất": "co_so_san_xuat",
	} {
		c := &checker{}
		if got := checkProducerType(c, in); got != want || len(c.errs) > 0 {
			t.Errorf("checkProducerType(%q) = %q %v, want %q", in, got, c.errs, want)
		}
	}
	for _, tt := range []struct {
		in   string
		star int
		want string
	}{
		{"huyện", 3, "district"}, {"Cấp huyện", 3, "district"}, {"tỉnh", 4, "province"},
		{"Cấp tỉnh", 3, "province"}, {"Trung ương", 5, "central"}, {"Quốc gia", 5, "central"},
		{"Bộ", 5, "central"}, {"central", 5, "central"},
	} {
		c := &checker{}
		if got := checkLevel(c, tt.in); got != tt.want || len(c.errs) > 0 {
			t.Errorf("checkLevel(%q, %d) = %q %v, want %q", tt.in, tt.star, got, c.errs, tt.want)
		}
	}
	for in, want := range map[string]int{"3": 3, "4 sao": 4, "5★": 5, "5.0": 5, " 4 ": 4} {
		c := &checker{}
		if got := checkStar(c, in); got != want || len(c.errs) > 0 {
			t.Errorf("checkStar(%q) = %d %v, want %d", in, got, c.errs, want)
		}
	}
	for in, want := range map[string]int64{"95.64": 9564, "95,64": 9564, "90": 9000, "95.640000000000001": 9564, "92.5/100": 9250} {
		c := &checker{}
		if got := checkScore(c, in, 5); got == nil || *got != want || len(c.errs) > 0 {
			t.Errorf("checkScore(%q) = %v %v, want %d", in, got, c.errs, want)
		}
	}
}

func TestSlugs(t *testing.T) {
	taken := map[string]bool{"mat-ong": true, "mat-ong-2": true}
	if got := uniqueSlug(taken, "mat-ong", "san-pham", 130); got != "mat-ong-3" {
		t.Errorf("uniqueSlug = %q, want mat-ong-3", got)
	}
	if got := uniqueSlug(taken, "", "chu-the", 110); got != "chu-the" {
		t.Errorf("uniqueSlug of empty = %q, want chu-the", got)
	}
	long := strings.Repeat("abcdefghi-", 30)
	if got := uniqueSlug(taken, long, "", 110); len(got) > 110 || strings.HasSuffix(got, "-") {
		t.Errorf("uniqueSlug(long) = %q (%d chars)", got, len(got))
	}
}

// SetChunkRows sets the most rows one statement writes and returns the
// previous value.
func SetChunkRows(n int) int {
	old := chunkRows
	chunkRows = n
	return old
}
