package vntext

import (
	"strings"
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"nfc", "Nước mắm Phú Quốc", "nuoc mam phu quoc"},
		{"nfd", "Ha\u0300 No\u0323\u0302i", "ha noi"},
		{"old tone placement", "Thanh Hoá", "thanh hoa"},
		{"new tone placement", "Thanh Hòa", "thanh hoa"},
		{"d with stroke", "Đắk Lắk", "dak lak"},
		{"eth lookalike", "Ðồng Tháp", "dong thap"},
		{"punctuation and spaces", "  Chè  Shan-tuyết (cổ thụ)  ", "che shan tuyet co thu"},
		{"digits", "Nước mắm 40° đạm", "nuoc mam 40 dam"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Nước mắm Phú Quốc", "nuoc-mam-phu-quoc"},
		{"Chè Shan tuyết cổ thụ Đồng Văn", "che-shan-tuyet-co-thu-dong-van"},
		{"Xã Đắk Glong", "xa-dak-glong"},
		{"Thanh Hoá", "thanh-hoa"},
		{"Dừa sáp sợi (VICOSAP)", "dua-sap-soi-vicosap"},
		{"<script>", "script"},
		{"中文", ""},
	}
	for _, tt := range tests {
		if got := Slug(tt.in); got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNFC(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Ha\u0300 No\u0323\u0302i", "Hà Nội"},
		{"  Hà \t\n Nội  ", "Hà Nội"},
		{"\u200b\u200bTrà\u200b", "Trà"},
		{"a\x00b", "ab"},
		{"\u202eexe", "exe"},
	}
	for _, tt := range tests {
		if got := NFC(tt.in); got != tt.want {
			t.Errorf("NFC(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := CleanText("dòng 1\r\ndòng\u200b 2 "); got != "dòng 1\ndòng 2" {
		t.Errorf("CleanText = %q", got)
	}
}

func TestTruncate(t *testing.T) {
	if got := Truncate("Hà Nội", 2); got != "Hà" {
		t.Errorf("Truncate = %q", got)
	}
	if got := Truncate("Hà", 5); got != "Hà" {
		t.Errorf("Truncate = %q", got)
	}
}

func TestVND(t *testing.T) {
	for in, want := range map[int64]string{0: "0\u00a0₫", 999: "999\u00a0₫", 1000: "1.000\u00a0₫", 1250000: "1.250.000\u00a0₫", -45000: "-45.000\u00a0₫"} {
		if got := VND(in); got != want {
			t.Errorf("VND(%d) = %q, want %q", in, got, want)
		}
	}
	if got := Number(20000); got != "20.000" {
		t.Errorf("Number(20000) = %q", got)
	}
}

func TestParseVND(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  error
	}{
		{"120000", 120000, nil},
		{"120.000", 120000, nil},
		{"120,000", 120000, nil},
		{" 1 250 000 ₫", 1250000, nil},
		{"120.000đ", 120000, nil},
		{"120000 VND", 120000, nil},
		{"1.000.000.000", 1000000000, nil},
		{"", 0, ErrAmountEmpty},
		{"đ", 0, ErrAmountEmpty},
		{"-5", 0, ErrAmountNegative},
		{"12.5", 0, ErrAmountFraction},
		{"1.20.000", 0, ErrAmountNotValid},
		{"abc", 0, ErrAmountNotValid},
		{"1.000.000.001", 0, ErrAmountTooLarge},
		{"99999999999999999999", 0, ErrAmountTooLarge},
	}
	for _, tt := range tests {
		got, err := ParseVND(tt.in)
		if got != tt.want || err != tt.err {
			t.Errorf("ParseVND(%q) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestAccents(t *testing.T) {
	for in, want := range map[string]string{
		"Chè Tân Cương":  "che:\u0300 tan:\u0302 cuong:\u031b\u031b",
		"chẽ":            "che:\u0303",
		"Thanh Hoá":      "thanh: hoa:\u0301",
		"thanh hóa":      "thanh: hoa:\u0301",
		"Đá":             "da:đ\u0301",
		"che, 40 độ đạm": "che: 40: do:đ\u0302\u0323 dam:đ\u0323",
	} {
		if got := strings.Join(Accents(in), " "); got != want {
			t.Errorf("Accents(%q) = %q, want %q", in, got, want)
		}
	}
	if !HasAccents("chè") || HasAccents("che tan cuong") || !HasAccents("Đa") {
		t.Error("HasAccents")
	}
}
