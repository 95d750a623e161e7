package vntext

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
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

// Fold's table agrees with folding the whole text's NFD: on every
// character it covers, alone and next to combining marks, and on random
// texts of Vietnamese, other scripts, marks, symbols and broken UTF-8.
func TestFoldTableMatchesNFD(t *testing.T) {
	for r := rune(0); r < foldTableSize+0x100; r++ {
		for _, s := range []string{string(r), "a" + string(r) + "\u0301b", string(r) + "\u0323\u0302 x"} {
			if got, want := Fold(s), foldNFD(s); got != want {
				t.Fatalf("Fold(%q) = %q, foldNFD = %q", s, got, want)
			}
		}
	}
	pool := []rune("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ" +
		"ÀÁẢÃẠĐỲÝ 0123456789 -.,;!?°()/\t\n\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b\u00ad\u200bßĳǄǅǆﬁΩωДжé中文한국어\ufffd\U0001F600")
	rng := rand.New(rand.NewPCG(7, 11))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(24) {
			b.WriteRune(pool[rng.IntN(len(pool))])
		}
		if rng.IntN(10) == 0 {
			b.WriteByte(0xff) // broken UTF-8
		}
		s := b.String()
		if rng.IntN(3) == 0 {
			s = norm.NFD.String(s)
		}
		if got, want := Fold(s), foldNFD(s); got != want {
			t.Fatalf("Fold(%q) = %q, foldNFD = %q", s, got, want)
		}
	}
	if !utf8.ValidString(Fold("a\xffb")) {
		t.Error("Fold of broken UTF-8 is not valid UTF-8")
	}
}

func BenchmarkFold(b *testing.B) {
	for range b.N {
		Fold("Nước mắm Phú Quốc 40 độ đạm, Hợp tác xã Thanh Hà")
	}
}

func BenchmarkFoldNFD(b *testing.B) {
	for range b.N {
		foldNFD("Nước mắm Phú Quốc 40 độ đạm, Hợp tác xã Thanh Hà")
	}
}
