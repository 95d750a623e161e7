package importer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"

	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/vntext"
)

// Field limits, matching the database's checks.
const (
	maxProductName  = 200
	maxProducerName = 300
	maxDescription  = 20000
	maxUnit         = 100
	maxDecisionNo   = 200
	maxAuthority    = 300
	maxAddress      = 500
)

// programmeStart is the date of Decision 490/QĐ-TTg, which started the OCOP
// programme; no recognition decision is older.
var programmeStart = time.Date(2018, 5, 7, 0, 0, 0, 0, time.UTC)

// refData is the reference data rows are checked against, loaded once per
// import.
type refData struct {
	groups         map[string]group  // code → group
	provinces      map[string]string // code → name
	provinceByName map[string]string // fold of name or full name → code
	communes       map[string]string // code → province code
	communeCount   map[string]int    // province code → number of communes
}

type group struct {
	name     string
	leaf     bool
	children []string
}

func loadRef(ctx context.Context, tx pgx.Tx) (*refData, error) {
	ref := &refData{
		groups:         make(map[string]group),
		provinces:      make(map[string]string),
		provinceByName: make(map[string]string),
		communes:       make(map[string]string),
		communeCount:   make(map[string]int),
	}
	rows, err := tx.Query(ctx, `SELECT code, coalesce(parent_code, ''), name, is_leaf FROM product_group ORDER BY sort_order`)
	if err != nil {
		return nil, err
	}
	var code, parent, name, fullName string
	var leaf bool
	parents := make(map[string][]string)
	_, err = pgx.ForEachRow(rows, []any{&code, &parent, &name, &leaf}, func() error {
		ref.groups[code] = group{name: name, leaf: leaf}
		if parent != "" {
			parents[parent] = append(parents[parent], code)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for p, kids := range parents {
		g := ref.groups[p]
		g.children = kids
		ref.groups[p] = g
	}

	rows, err = tx.Query(ctx, `SELECT code, name, full_name FROM province`)
	if err != nil {
		return nil, err
	}
	_, err = pgx.ForEachRow(rows, []any{&code, &name, &fullName}, func() error {
		ref.provinces[code] = name
		ref.provinceByName[vntext.Fold(name)] = code
		ref.provinceByName[vntext.Fold(fullName)] = code
		return nil
	})
	if err != nil {
		return nil, err
	}

	rows, err = tx.Query(ctx, `SELECT code, province_code FROM commune`)
	if err != nil {
		return nil, err
	}
	_, err = pgx.ForEachRow(rows, []any{&code, &parent}, func() error {
		ref.communes[code] = parent
		ref.communeCount[parent]++
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ref, nil
}

// row is a validated record.
type row struct {
	line                       int
	productName, productFold   string
	groupCode                  string
	star                       int
	score                      *int64 // hundredths of a point; nil when not given
	producerName, producerFold string
	producerType               string
	provinceCode               string
	communeCode                string // "" when not given
	address                    string
	decisionNo                 string
	decisionDate               time.Time // midnight UTC
	validFrom                  time.Time // a later start of validity; zero: the decision date
	meetsMandatory             bool
	issuingLevel               string
	issuingAuthority           string
	price                      int64
	unit                       string
	description                string
}

// dupKey identifies the same recognition of the same product twice in a
// file; "" when the fields it needs are not valid.
func (r *row) dupKey() string {
	if r.producerFold == "" || r.provinceCode == "" || r.productFold == "" || r.decisionNo == "" {
		return ""
	}
	return r.producerFold + "\x00" + r.provinceCode + "\x00" + r.productFold + "\x00" + vntext.Fold(r.decisionNo)
}

// checker collects the errors of one record.
type checker struct {
	line int
	errs []RowError
}

func (c *checker) fail(col, vi, en string) {
	c.errs = append(c.errs, RowError{Line: c.line, Column: col, ReasonVI: vi, ReasonEN: en})
}

// clip shortens a cell for quoting in a message.
func clip(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > 40 {
		return vntext.Truncate(s, 40) + "…"
	}
	return s
}

// text cleans a one-line text cell: NFC, collapsed spaces, no invisible
// characters. required and max (in characters) are checked; a name must also
// keep a letter or digit.
func (c *checker) text(rec Record, col, labelVI, labelEN string, required, isName bool, max int) string {
	raw := rec[col]
	v := norm.NFC.String(vntext.NFC(raw))
	switch {
	case v == "" && strings.TrimSpace(raw) != "":
		c.fail(col, labelVI+" chỉ gồm khoảng trắng hoặc ký tự vô hình", labelEN+" has only blank or invisible characters")
		return ""
	case v == "":
		if required {
			c.fail(col, "thiếu "+labelVI, labelEN+" is missing")
		}
		return ""
	case utf8.RuneCountInString(v) > max:
		c.fail(col, fmt.Sprintf("%s dài %d ký tự, tối đa %d", labelVI, utf8.RuneCountInString(v), max),
			fmt.Sprintf("%s is %d characters long, at most %d", labelEN, utf8.RuneCountInString(v), max))
		return ""
	case isName && vntext.Fold(v) == "":
		c.fail(col, labelVI+" phải có chữ hoặc số", labelEN+" must contain a letter or digit")
		return ""
	}
	return v
}

// validate checks one record and returns the row with every field that was
// valid, plus the errors and the warnings (see rules).
func (ref *refData) validate(rec Record, line int, today time.Time) (*row, []RowError, []RowError) {
	c := &checker{line: line}
	r := &row{line: line}

	r.productName = c.text(rec, colProductName, "tên sản phẩm", "product name", true, true, maxProductName)
	r.productFold = vntext.Fold(r.productName)
	r.producerName = c.text(rec, colProducerName, "tên chủ thể", "producer name", true, true, maxProducerName)
	r.producerFold = vntext.Fold(r.producerName)
	r.address = c.text(rec, colAddress, "địa chỉ", "address", false, false, maxAddress)
	r.decisionNo = c.text(rec, colDecisionNo, "số quyết định", "decision number", true, false, maxDecisionNo)
	r.issuingAuthority = c.text(rec, colIssuingAuthority, "cơ quan công nhận", "issuing authority", true, false, maxAuthority)
	r.unit = c.text(rec, colUnit, "đơn vị tính", "unit", false, false, maxUnit)
	r.description = norm.NFC.String(vntext.CleanText(rec[colDescription]))
	if n := utf8.RuneCountInString(r.description); n > maxDescription {
		c.fail(colDescription, fmt.Sprintf("mô tả dài %d ký tự, tối đa %d", n, maxDescription),
			fmt.Sprintf("the description is %d characters long, at most %d", n, maxDescription))
	}

	r.groupCode = ref.checkGroup(c, rec[colGroupCode])
	r.star = checkStar(c, rec[colStar])
	r.score = checkScore(c, rec[colScore], r.star)
	r.producerType = checkProducerType(c, rec[colProducerType])
	r.provinceCode = ref.checkProvince(c, rec[colProvinceCode])
	r.communeCode = ref.checkCommune(c, rec[colCommuneCode], r.provinceCode)
	r.decisionDate = checkDate(c, rec[colDecisionDate], today)
	r.issuingLevel = checkLevel(c, rec[colIssuingLevel])
	r.price = checkPrice(c, rec[colPrice])
	r.validFrom = checkValidFrom(c, rec[colValidFrom], r.decisionDate)
	r.meetsMandatory = checkMandatory(c, rec[colMeetsMandatory])
	warnings := c.rules(r)
	return r, c.errs, warnings
}

// rules applies certification.Check to a row whose star, level and date
// are valid: its refusals are row errors (unless the column has one
// already), its warnings come back to be reported, never refused.
func (c *checker) rules(r *row) (warnings []RowError) {
	if r.star == 0 || r.issuingLevel == "" || r.decisionDate.IsZero() {
		return nil
	}
	failed := map[string]bool{}
	for _, e := range c.errs {
		failed[e.Column] = true
	}
	refusals, found := certification.Check(certification.Decision{Star: r.star, Score: r.score, Level: r.issuingLevel,
		Authority: r.issuingAuthority, Date: r.decisionDate, MeetsMandatory: r.meetsMandatory})
	for _, f := range refusals {
		if !failed[f.Field] {
			c.fail(f.Field, f.VI, f.EN)
		}
	}
	for _, f := range found {
		warnings = append(warnings, RowError{Line: r.line, Column: f.Field, ReasonVI: f.VI, ReasonEN: f.EN})
	}
	return warnings
}

func (ref *refData) checkGroup(c *checker, raw string) string {
	v := strings.TrimSpace(vntext.NFC(raw))
	if v == "" {
		c.fail(colGroupCode, "thiếu mã nhóm sản phẩm (ví dụ I.5.a)", "the product group code is missing (e.g. I.5.a)")
		return ""
	}
	// "i.5.A" → "I.5.a"
	parts := strings.Split(strings.TrimRight(v, "."), ".")
	parts[0] = strings.ToUpper(parts[0])
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.ToLower(strings.TrimSpace(parts[i]))
	}
	code := strings.Join(parts, ".")
	g, ok := ref.groups[code]
	switch {
	case !ok:
		c.fail(colGroupCode, fmt.Sprintf("không có nhóm sản phẩm %q trong danh mục (Quyết định 148/QĐ-TTg, ví dụ I.5.a)", clip(raw)),
			fmt.Sprintf("unknown product group %q (see Decision 148/QĐ-TTg, e.g. I.5.a)", clip(raw)))
		return ""
	case !g.leaf:
		kids := strings.Join(g.children, ", ")
		c.fail(colGroupCode, fmt.Sprintf("nhóm %s (%s) có nhóm con %s: hãy chọn một nhóm con", code, g.name, kids),
			fmt.Sprintf("group %s (%s) has sub-groups %s: pick a sub-group", code, g.name, kids))
		return ""
	}
	return code
}

var starSuffix = regexp.MustCompile(`(?i)\s*(sao|★|\*)$`)

func checkStar(c *checker, raw string) int {
	v := strings.TrimSpace(starSuffix.ReplaceAllString(strings.TrimSpace(raw), ""))
	if v == "" {
		c.fail(colStar, "thiếu số sao (3, 4 hoặc 5)", "the star rating is missing (3, 4 or 5)")
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		f, ferr := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 100 {
			c.fail(colStar, fmt.Sprintf("số sao %q phải là số nguyên 3, 4 hoặc 5", clip(raw)),
				fmt.Sprintf("star %q must be a whole number 3, 4 or 5", clip(raw)))
			return 0
		}
		n = int(f)
	}
	switch {
	case n == 1 || n == 2:
		c.fail(colStar, fmt.Sprintf("sản phẩm %d sao chưa đạt chuẩn OCOP và không được công nhận (chỉ 3 đến 5 sao)", n),
			fmt.Sprintf("%d-star products are not OCOP-certified (only 3 to 5 stars are)", n))
		return 0
	case n < 3 || n > 5:
		c.fail(colStar, fmt.Sprintf("số sao %d không hợp lệ: phải từ 3 đến 5", n),
			fmt.Sprintf("star %d is not valid: it must be 3 to 5", n))
		return 0
	}
	return n
}

func checkScore(c *checker, raw string, star int) *int64 {
	v := strings.TrimSpace(raw)
	v = strings.TrimSpace(strings.TrimSuffix(v, "/100"))
	if v == "" {
		return nil
	}
	if strings.Count(v, ",") == 1 && !strings.Contains(v, ".") {
		v = strings.Replace(v, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		c.fail(colScore, fmt.Sprintf("điểm %q không phải là số (ví dụ 85,5)", clip(raw)),
			fmt.Sprintf("score %q is not a number (e.g. 85.5)", clip(raw)))
		return nil
	}
	h := int64(math.Round(f * 100))
	if h < 0 || h > 10000 {
		c.fail(colScore, fmt.Sprintf("điểm %s phải từ 0 đến 100", clip(raw)),
			fmt.Sprintf("score %s must be 0 to 100", clip(raw)))
		return nil
	}
	if floor, ok := certification.MinScore(star); ok && h < floor {
		c.fail(colScore, fmt.Sprintf("điểm %s chưa đạt mức %d điểm của hạng %d sao", clip(raw), floor/100, star),
			fmt.Sprintf("score %s is below the %d points a %d-star product needs", clip(raw), floor/100, star))
		return nil
	}
	return &h
}

// producerTypes maps the fold of a code or common label to the code.
var producerTypes = map[string]string{
	"htx": "htx", "hop tac xa": "htx",
	"lien hiep htx": "lien_hiep_htx", "lien hiep hop tac xa": "lien_hiep_htx", "lhhtx": "lien_hiep_htx",
	"to hop tac": "to_hop_tac", "tht": "to_hop_tac",
	"doanh nghiep": "doanh_nghiep", "dn": "doanh_nghiep", "cong ty": "doanh_nghiep",
	"doanh nghiep tu nhan": "doanh_nghiep", "dntn": "doanh_nghiep",
	"cong ty tnhh": "doanh_nghiep", "cong ty co phan": "doanh_nghiep",
	"ho kinh doanh": "ho_kinh_doanh", "hkd": "ho_kinh_doanh", "ho kinh doanh ca the": "ho_kinh_doanh",
	"co so san xuat": "co_so_san_xuat", "co so": "co_so_san_xuat", "cssx": "co_so_san_xuat",
}

func checkProducerType(c *checker, raw string) string {
	f := vntext.Fold(raw)
	if f == "" {
		c.fail(colProducerType, "thiếu loại hình chủ thể (HTX, doanh nghiệp, hộ kinh doanh…)",
			"the producer type is missing (htx, doanh_nghiep, ho_kinh_doanh…)")
		return ""
	}
	if t, ok := producerTypes[f]; ok {
		return t
	}
	if strings.HasPrefix(f, "cong ty ") {
		return "doanh_nghiep"
	}
	c.fail(colProducerType,
		fmt.Sprintf("loại hình chủ thể %q không hợp lệ: dùng HTX, Liên hiệp HTX, Tổ hợp tác, Doanh nghiệp, Hộ kinh doanh hoặc Cơ sở sản xuất", clip(raw)),
		fmt.Sprintf("unknown producer type %q: use htx, lien_hiep_htx, to_hop_tac, doanh_nghiep, ho_kinh_doanh or co_so_san_xuat", clip(raw)))
	return ""
}

var digitsRE = regexp.MustCompile(`^[0-9]+$`)

// padCode restores leading zeros a spreadsheet dropped ("1" → "01").
func padCode(v string, n int) string {
	if digitsRE.MatchString(v) && len(v) < n {
		return strings.Repeat("0", n-len(v)) + v
	}
	return v
}

func (ref *refData) checkProvince(c *checker, raw string) string {
	v := strings.TrimSpace(raw)
	if v == "" {
		c.fail(colProvinceCode, "thiếu mã tỉnh/thành phố (2 chữ số, ví dụ 91)", "the province code is missing (2 digits, e.g. 91)")
		return ""
	}
	if digitsRE.MatchString(v) {
		code := padCode(v, 2)
		if _, ok := ref.provinces[code]; ok {
			return code
		}
	} else {
		f := vntext.Fold(v)
		if code, ok := ref.provinceByName[f]; ok {
			return code
		}
		for _, p := range []string{"tinh ", "thanh pho ", "tp "} {
			if code, ok := ref.provinceByName[strings.TrimPrefix(f, p)]; ok && strings.HasPrefix(f, p) {
				return code
			}
		}
	}
	c.fail(colProvinceCode, fmt.Sprintf("không có tỉnh/thành phố %q (dùng mã 2 chữ số của 34 đơn vị sau sắp xếp 2025, ví dụ 91)", clip(raw)),
		fmt.Sprintf("unknown province %q (use the 2-digit code of one of the 34 units after the 2025 reform, e.g. 91)", clip(raw)))
	return ""
}

func (ref *refData) checkCommune(c *checker, raw, province string) string {
	v := strings.TrimSpace(raw)
	if v == "" {
		return ""
	}
	code := padCode(v, 5)
	if !digitsRE.MatchString(code) || len(code) != 5 {
		c.fail(colCommuneCode, fmt.Sprintf("mã xã %q phải gồm 5 chữ số", clip(raw)),
			fmt.Sprintf("commune code %q must be 5 digits", clip(raw)))
		return ""
	}
	if province == "" {
		return "" // the province error is enough
	}
	p, ok := ref.communes[code]
	switch {
	case ok && p != province:
		c.fail(colCommuneCode, fmt.Sprintf("xã/phường %s thuộc tỉnh %s (%s), không thuộc tỉnh %s", code, p, ref.provinces[p], province),
			fmt.Sprintf("commune %s lies in province %s (%s), not in %s", code, p, ref.provinces[p], province))
		return ""
	case !ok && ref.communeCount[province] == 0:
		c.fail(colCommuneCode,
			fmt.Sprintf("chưa có danh mục xã/phường của tỉnh %s: hãy nhập đơn vị hành chính trước bằng lệnh `ocop geo import`", province),
			fmt.Sprintf("the communes of province %s are not loaded: import them first with `ocop geo import`", province))
		return ""
	case !ok:
		c.fail(colCommuneCode, fmt.Sprintf("không có xã/phường mã %s", code), fmt.Sprintf("unknown commune code %s", code))
		return ""
	}
	return code
}

var (
	dmyRE     = regexp.MustCompile(`^([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})$`)
	ymdRE     = regexp.MustCompile(`^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?$`)
	longVIRE  = regexp.MustCompile(`^(?:ngay )?([0-9]{1,2}) thang ([0-9]{1,2}) nam ([0-9]{4})$`)
	dateHelpV = "dùng dd/mm/yyyy, ví dụ 20/07/2021"
	dateHelpE = "use dd/mm/yyyy, e.g. 20/07/2021"
)

// parseDate reads d/m/yyyy, yyyy-mm-dd or "ngày d tháng m năm yyyy";
// known is false for another format, real for a date not on the calendar
// (31/02/2024).
func parseDate(v string) (t time.Time, known, real bool) {
	var y, m, d int
	switch {
	case dmyRE.MatchString(v):
		p := dmyRE.FindStringSubmatch(v)
		d, m, y = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case ymdRE.MatchString(v):
		p := ymdRE.FindStringSubmatch(v)
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case longVIRE.MatchString(vntext.Fold(v)):
		p := longVIRE.FindStringSubmatch(vntext.Fold(v))
		d, m, y = atoi(p[1]), atoi(p[2]), atoi(p[3])
	default:
		return time.Time{}, false, false
	}
	t = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t, true, t.Year() == y && int(t.Month()) == m && t.Day() == d
}

// checkValidFrom reads the optional later start of validity: not before
// the decision, at most a year after it; zero when not given.
func checkValidFrom(c *checker, raw string, decided time.Time) time.Time {
	v := strings.TrimSpace(raw)
	if v == "" || decided.IsZero() {
		return time.Time{}
	}
	t, known, real := parseDate(v)
	switch {
	case !known || !real:
		c.fail(colValidFrom, fmt.Sprintf("ngày bắt đầu hiệu lực %q không đúng: %s", clip(raw), dateHelpV),
			fmt.Sprintf("start of validity %q is not a date: %s", clip(raw), dateHelpE))
	case t.Before(decided):
		c.fail(colValidFrom, "hiệu lực không thể bắt đầu trước ngày quyết định", "validity cannot start before the decision")
	case t.After(decided.AddDate(1, 0, 0)):
		c.fail(colValidFrom, "ngày bắt đầu hiệu lực cách ngày quyết định quá một năm", "validity starts more than a year after the decision")
	default:
		return t
	}
	return time.Time{}
}

// checkMandatory reads whether the product meets its star's mandatory
// criteria: yes when empty.
func checkMandatory(c *checker, raw string) bool {
	switch vntext.Fold(raw) {
	case "", "co", "dat", "yes", "true", "1", "x":
		return true
	case "khong", "khong dat", "chua dat", "no", "false", "0":
		return false
	}
	c.fail(colMeetsMandatory, fmt.Sprintf("%q: ghi \"có\" hoặc \"không\"", clip(raw)), fmt.Sprintf("%q: write yes or no", clip(raw)))
	return true
}

func checkDate(c *checker, raw string, today time.Time) time.Time {
	v := strings.TrimSpace(raw)
	if v == "" {
		c.fail(colDecisionDate, "thiếu ngày quyết định ("+dateHelpV+")", "the decision date is missing ("+dateHelpE+")")
		return time.Time{}
	}
	t, known, real := parseDate(v)
	switch {
	case !known:
		c.fail(colDecisionDate, fmt.Sprintf("ngày quyết định %q không đúng định dạng: %s", clip(raw), dateHelpV),
			fmt.Sprintf("decision date %q is not in a known format: %s", clip(raw), dateHelpE))
		return time.Time{}
	case !real:
		c.fail(colDecisionDate, fmt.Sprintf("ngày %s không có thật trên lịch", clip(v)),
			fmt.Sprintf("%s is not a calendar date", clip(v)))
		return time.Time{}
	}
	switch {
	case t.After(today):
		c.fail(colDecisionDate, fmt.Sprintf("ngày quyết định %s ở tương lai", t.Format("02/01/2006")),
			fmt.Sprintf("decision date %s is in the future", t.Format("2006-01-02")))
		return time.Time{}
	case t.Before(programmeStart):
		c.fail(colDecisionDate, fmt.Sprintf("ngày quyết định %s trước khi Chương trình OCOP bắt đầu (07/05/2018, Quyết định 490/QĐ-TTg)", t.Format("02/01/2006")),
			fmt.Sprintf("decision date %s is before the OCOP programme began (2018-05-07, Decision 490/QĐ-TTg)", t.Format("2006-01-02")))
		return time.Time{}
	}
	return t
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// levels maps the fold of a code or common label to the issuing level.
var levels = map[string]string{
	"district": "district", "huyen": "district", "cap huyen": "district", "ubnd huyen": "district",
	"province": "province", "tinh": "province", "cap tinh": "province", "ubnd tinh": "province",
	"central": "central", "trung uong": "central", "cap trung uong": "central", "quoc gia": "central",
	"cap quoc gia": "central", "bo": "central", "cap bo": "central",
}

func checkLevel(c *checker, raw string) string {
	f := vntext.Fold(raw)
	if f == "" {
		c.fail(colIssuingLevel, "thiếu cấp công nhận (huyện, tỉnh hoặc trung ương)", "the issuing level is missing (district, province or central)")
		return ""
	}
	level, ok := levels[f]
	if !ok {
		c.fail(colIssuingLevel, fmt.Sprintf("cấp công nhận %q không hợp lệ: dùng huyện, tỉnh hoặc trung ương", clip(raw)),
			fmt.Sprintf("unknown issuing level %q: use district, province or central", clip(raw)))
		return ""
	}
	return level
}

func checkPrice(c *checker, raw string) int64 {
	n, err := vntext.ParseVND(raw)
	switch {
	case err == nil:
		return n
	case errors.Is(err, vntext.ErrAmountEmpty):
		c.fail(colPrice, "thiếu giá bán (số nguyên đồng, ví dụ 120000)", "the price is missing (whole đồng, e.g. 120000)")
	case errors.Is(err, vntext.ErrAmountNegative):
		c.fail(colPrice, fmt.Sprintf("giá %q không được âm", clip(raw)), fmt.Sprintf("price %q must not be negative", clip(raw)))
	case errors.Is(err, vntext.ErrAmountFraction):
		c.fail(colPrice, fmt.Sprintf("giá %q phải là số nguyên đồng, không có phần lẻ", clip(raw)),
			fmt.Sprintf("price %q must be a whole number of đồng", clip(raw)))
	case errors.Is(err, vntext.ErrAmountTooLarge):
		c.fail(colPrice, fmt.Sprintf("giá %s vượt quá 1.000.000.000 đồng", clip(raw)),
			fmt.Sprintf("price %s is over 1,000,000,000 đồng", clip(raw)))
	default:
		c.fail(colPrice, fmt.Sprintf("giá %q không phải là số (ví dụ 1.250.000 hoặc 1250000)", clip(raw)),
			fmt.Sprintf("price %q is not a number (e.g. 1.250.000 or 1250000)", clip(raw)))
	}
	return 0
}
