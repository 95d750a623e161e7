package showroom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/sheet"
	"github.com/ocopvn/ocop/internal/vntext"
)

// The columns of the department's showroom sheet.
var showroomSpec = &sheet.Spec{
	Columns: []string{"code", "name", "type", "operator", "operator_kind", "province_code", "commune_code", "address",
		"lat", "lng", "phone", "zalo", "email", "area_m2", "hours", "status", "valid_from", "valid_to"},
	Required: []string{"code", "name", "type", "province_code"},
	Aliases: map[string][]string{
		"code":          {"Mã", "Mã điểm bán", "Mã điểm"},
		"name":          {"Tên", "Tên điểm bán", "Tên điểm giới thiệu"},
		"type":          {"Loại", "Loại hình", "Loại điểm bán"},
		"operator":      {"Đơn vị vận hành", "Đơn vị quản lý vận hành", "Chủ điểm bán"},
		"operator_kind": {"Loại đơn vị vận hành", "Loại hình đơn vị"},
		"province_code": {"Mã tỉnh", "Tỉnh"},
		"commune_code":  {"Mã xã", "Mã xã/phường"},
		"address":       {"Địa chỉ"},
		"lat":           {"Vĩ độ", "latitude"},
		"lng":           {"Kinh độ", "longitude", "lon"},
		"phone":         {"Điện thoại", "Số điện thoại", "SĐT"},
		"zalo":          {"Zalo"},
		"email":         {"Thư điện tử"},
		"area_m2":       {"Diện tích", "Diện tích (m2)", "Diện tích m2"},
		"hours":         {"Giờ mở cửa", "Thời gian mở cửa"},
		"status":        {"Trạng thái", "Tình trạng"},
		"valid_from":    {"Từ ngày", "Ngày bắt đầu"},
		"valid_to":      {"Đến ngày", "Ngày kết thúc"},
	},
	Dates: []string{"valid_from", "valid_to"},
	Hint:  " (tên cột theo mẫu: code, name, type, province_code…, hoặc tiêu đề tiếng Việt như \"Tên điểm bán\")",
}

// productSpec is the sheet of products carried.
var productSpec = &sheet.Spec{
	Columns:  []string{"showroom_code", "product_name", "producer_name", "province_code", "in_stock"},
	Required: []string{"showroom_code", "product_name", "producer_name"},
	Aliases: map[string][]string{
		"showroom_code": {"Mã điểm bán", "Mã điểm"},
		"product_name":  {"Tên sản phẩm", "Sản phẩm"},
		"producer_name": {"Chủ thể", "Tên chủ thể"},
		"province_code": {"Mã tỉnh"},
		"in_stock":      {"Còn hàng"},
	},
	Hint: " (showroom_code, product_name, producer_name)",
}

// ReadShowrooms reads the department's showroom sheet (.csv or .xlsx).
func ReadShowrooms(path string) (*sheet.Sheet, error) { return sheet.ReadFile(path, showroomSpec) }

// ReadShowroomsFrom reads a showroom sheet in format ("csv" or "xlsx").
func ReadShowroomsFrom(r io.Reader, format string) (*sheet.Sheet, error) {
	return sheet.Read(r, format, showroomSpec)
}

// ReadProducts reads a sheet of products carried.
func ReadProducts(path string) (*sheet.Sheet, error) { return sheet.ReadFile(path, productSpec) }

// ReadProductsFrom reads a sheet of products carried in format.
func ReadProductsFrom(r io.Reader, format string) (*sheet.Sheet, error) {
	return sheet.Read(r, format, productSpec)
}

// ImportOptions tune an import.
type ImportOptions struct {
	// SkipInvalid writes the valid rows and reports the others; without
	// it one invalid row means nothing is written.
	SkipInvalid bool
	// Actor is who imports, for the audit log (zero: the system, as the
	// command line and the demo do); Name the file's name.
	Actor audit.Actor
	Name  string
	// Provinces, when not nil, are the only provinces the sheet may name
	// (an officer imports for the provinces whose trade promotion they
	// serve); a row of another is refused.
	Provinces []string
}

func (o ImportOptions) actingAs() string {
	if o.Actor.ActingAs == "" {
		return audit.AsSystem
	}
	return o.Actor.ActingAs
}

// Summary is what an import did.
type Summary struct {
	Created, Updated, Unchanged, Rejected int
	Errors                                []sheet.RowError
}

func (s Summary) String() string {
	return fmt.Sprintf("tạo mới %d, cập nhật %d, không đổi %d, bị từ chối %d (created/updated/unchanged/rejected)",
		s.Created, s.Updated, s.Unchanged, s.Rejected)
}

// ErrInvalidRows is wrapped when rows were refused and nothing written.
var ErrInvalidRows = errors.New("showroom: the file has invalid rows")

// refuse counts the rejected rows and, unless skip, refuses the file.
func (s *Summary) refuse(rejected map[int]bool, skip bool) error {
	s.Rejected = len(rejected)
	if s.Rejected > 0 && !skip {
		return fmt.Errorf("%w: %d dòng bị từ chối, không ghi gì / %d rows rejected, nothing written", ErrInvalidRows, s.Rejected, s.Rejected)
	}
	return nil
}

// outcome is what an import returns: a refused file counts nothing but
// its rejected rows and their errors.
func (s Summary) outcome(err error) (Summary, error) {
	if errors.Is(err, ErrInvalidRows) {
		return Summary{Rejected: s.Rejected, Errors: s.Errors}, err
	}
	return s, err
}

// row is a valid showroom row.
type row struct {
	line                              int
	code, name, typ, operator, opKind string
	province, commune, address        string
	lat, lng                          *float64
	phone, zalo, email, hours, status string
	area                              *float64
	validFrom, validTo                *time.Time
	week                              Week
	fromCentre                        bool // lat, lng are the commune's centre
}

var typeAliases = map[string]string{
	"trung tam ocop": "ocop_center", "ocop center": "ocop_center",
	"diem gioi thieu va ban": "intro_sales_point", "diem gioi thieu va ban san pham ocop": "intro_sales_point",
	"diem gioi thieu": "intro_sales_point", "diem ban": "intro_sales_point", "cua hang ocop": "intro_sales_point",
	"quay trong sieu thi": "supermarket_counter", "quay ocop trong sieu thi": "supermarket_counter", "quay sieu thi": "supermarket_counter",
	"diem buu dien": "post_office", "buu dien": "post_office", "diem buu dien van hoa xa": "post_office",
	"ki ot san bay tram dung nghi": "transport_hub", "kiot san bay tram dung nghi": "transport_hub", "ki ot": "transport_hub",
	"ki ot san bay": "transport_hub", "tram dung nghi": "transport_hub", "san bay": "transport_hub", "nha ga": "transport_hub",
	"ki ot san bay nha ga tram dung nghi": "transport_hub",
	"diem ban tam thoi":                   "popup", "tam thoi": "popup", "pop up": "popup",
}

var kindAliases = map[string]string{
	"htx": "htx", "hop tac xa": "htx", "cooperative": "htx",
	"doanh nghiep": "company", "cong ty": "company", "company": "company", "enterprise": "company",
	"trung tam xuc tien thuong mai": "trade_promotion", "trung tam xttm": "trade_promotion", "xttm": "trade_promotion",
	"trade promotion": "trade_promotion", "trade promotion centre": "trade_promotion", "trade promotion center": "trade_promotion",
	"vnpost": "vnpost", "vn post": "vnpost", "buu dien": "vnpost", "buu dien viet nam": "vnpost",
}

var statusAliases = map[string]string{
	"dang mo": "open", "dang mo cua": "open", "mo cua": "open", "open": "open",
	"tam dong cua": "temporarily_closed", "tam dong": "temporarily_closed", "tam ngung": "temporarily_closed", "temporarily closed": "temporarily_closed",
	"da dong cua": "closed", "dong cua": "closed", "da dong": "closed", "closed": "closed",
}

// code reads a value as written or as its code: the alias table is keyed
// by fold keys, and codes fold to themselves with "_" as a space.
func code(aliases map[string]string, codes []string, raw string) (string, bool) {
	k := vntext.Fold(raw)
	if c, ok := aliases[k]; ok {
		return c, true
	}
	for _, c := range codes {
		if k == vntext.Fold(strings.ReplaceAll(c, "_", " ")) {
			return c, true
		}
	}
	return "", false
}

func typeCodes() []string {
	out := make([]string, len(Types))
	for i, t := range Types {
		out[i] = t.Code
	}
	return out
}

// validate checks one record; reference data is the communes' provinces.
func validate(rec sheet.Record, line int, communes map[string]string) (row, []sheet.RowError) {
	r := row{line: line}
	var errs []sheet.RowError
	fail := func(col, vi, en string) {
		errs = append(errs, sheet.RowError{Line: line, Column: col, ReasonVI: vi, ReasonEN: en})
	}
	text := func(col string, max int) string {
		v := strings.TrimSpace(vntext.NFC(rec[col]))
		if len([]rune(v)) > max {
			fail(col, fmt.Sprintf("dài quá %d ký tự", max), fmt.Sprintf("longer than %d characters", max))
		}
		return v
	}
	r.code = text("code", 40)
	if r.code == "" || strings.ContainsAny(r.code, " \t") {
		fail("code", "thiếu mã điểm bán, hoặc mã có khoảng trắng", "the code is missing or holds spaces")
	}
	r.name = text("name", 200)
	if r.name == "" {
		fail("name", "thiếu tên điểm bán", "the name is missing")
	}
	var ok bool
	if r.typ, ok = code(typeAliases, typeCodes(), rec["type"]); !ok {
		fail("type", fmt.Sprintf("loại %q không có trong danh mục (trung tâm OCOP, điểm giới thiệu và bán, quầy trong siêu thị, điểm bưu điện, ki-ốt sân bay/trạm dừng nghỉ, điểm bán tạm thời)", clip(rec["type"])),
			fmt.Sprintf("type %q is not one of ocop_center, intro_sales_point, supermarket_counter, post_office, transport_hub, popup", clip(rec["type"])))
	}
	r.operator = text("operator", 200)
	if raw := strings.TrimSpace(rec["operator_kind"]); raw != "" {
		if r.opKind, ok = code(kindAliases, []string{"htx", "company", "trade_promotion", "vnpost"}, raw); !ok {
			fail("operator_kind", fmt.Sprintf("loại đơn vị %q không đọc được (HTX, doanh nghiệp, trung tâm xúc tiến thương mại, VNPost)", clip(raw)),
				fmt.Sprintf("operator kind %q is not htx, company, trade_promotion or vnpost", clip(raw)))
		}
	}
	r.province = strings.TrimSpace(rec["province_code"])
	if len(r.province) == 1 {
		r.province = "0" + r.province // a spreadsheet drops the leading zero
	}
	r.commune = strings.TrimSpace(rec["commune_code"])
	if r.commune != "" {
		for len(r.commune) < 5 && len(r.commune) >= 3 {
			r.commune = "0" + r.commune
		}
		if p, ok := communes[r.commune]; !ok {
			fail("commune_code", fmt.Sprintf("mã xã %s không có (hãy chạy ocop geo import trước)", clip(r.commune)), fmt.Sprintf("commune %s is not loaded", clip(r.commune)))
		} else if p != r.province {
			fail("commune_code", fmt.Sprintf("xã %s không thuộc tỉnh %s", r.commune, r.province), fmt.Sprintf("commune %s is not in province %s", r.commune, r.province))
		}
	}
	r.address = text("address", 300)
	r.lat = number(rec["lat"], "lat", "vĩ độ", 6, 24, fail)
	r.lng = number(rec["lng"], "lng", "kinh độ", 102, 118, fail)
	if (r.lat == nil) != (r.lng == nil) {
		fail("lng", "cần cả vĩ độ và kinh độ, hoặc để trống cả hai", "give both lat and lng, or neither")
	}
	if r.lat == nil && r.commune == "" {
		fail("lat", "không có toạ độ thì cần mã xã (lấy toạ độ trung tâm xã)", "without coordinates a commune code is needed (its centre is used)")
	}
	for _, col := range []string{"phone", "zalo"} {
		raw := strings.TrimSpace(rec[col])
		if raw == "" {
			continue
		}
		p, ok := producer.NormalizePhone(raw)
		if !ok {
			fail(col, fmt.Sprintf("số điện thoại %q không đúng (di động 10 số hoặc cố định 02x…)", clip(raw)), fmt.Sprintf("phone %q is not a Vietnamese number", clip(raw)))
		}
		if col == "phone" {
			r.phone = p
		} else {
			r.zalo = p
		}
	}
	if r.email = strings.TrimSpace(rec["email"]); r.email != "" {
		if a, err := mail.ParseAddress(r.email); err != nil || a.Address != r.email || len(r.email) > 254 {
			fail("email", fmt.Sprintf("thư điện tử %q không đúng", clip(r.email)), fmt.Sprintf("email %q is not valid", clip(r.email)))
		}
	}
	r.area = number(strings.ReplaceAll(rec["area_m2"], ",", "."), "area_m2", "diện tích", 0.1, 1_000_000, fail)
	r.hours = text("hours", 300)
	if w, err := ParseWeek(r.hours); err != nil {
		fail("hours", err.Error(), "opening hours not understood (e.g. T2-T6 07:30-17:30; T7,CN 08:00-12:00)")
	} else {
		r.week = w
		if r.hours != "" {
			r.hours = w.String()
		}
	}
	r.status = Open
	if raw := strings.TrimSpace(rec["status"]); raw != "" {
		if r.status, ok = code(statusAliases, []string{Open, TemporarilyClosed, Closed}, raw); !ok {
			fail("status", fmt.Sprintf("trạng thái %q không đọc được (đang mở, tạm đóng cửa, đã đóng cửa)", clip(raw)), fmt.Sprintf("status %q is not open, temporarily_closed or closed", clip(raw)))
		}
	}
	r.validFrom = date(rec["valid_from"], "valid_from", fail)
	r.validTo = date(rec["valid_to"], "valid_to", fail)
	if r.validFrom != nil && r.validTo != nil && r.validTo.Before(*r.validFrom) {
		fail("valid_to", "ngày kết thúc trước ngày bắt đầu", "valid_to is before valid_from")
	}
	if r.typ == "popup" && (r.validFrom == nil || r.validTo == nil) {
		fail("valid_to", "điểm bán tạm thời cần ngày bắt đầu và ngày kết thúc", "a pop-up needs valid_from and valid_to")
	}
	return r, errs
}

func clip(s string) string {
	if r := []rune(strings.TrimSpace(s)); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return strings.TrimSpace(s)
}

func number(raw, col, label string, lo, hi float64, fail func(col, vi, en string)) *float64 {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsNaN(v) || v < lo || v > hi {
		fail(col, fmt.Sprintf("%s %q không hợp lệ (từ %g đến %g)", label, clip(raw), lo, hi), fmt.Sprintf("%s %q is not a number in %g..%g", col, clip(raw), lo, hi))
		return nil
	}
	return &v
}

func date(raw, col string, fail func(col, vi, en string)) *time.Time {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	for _, layout := range []string{"02/01/2006", "2/1/2006", time.DateOnly} {
		if t, err := time.Parse(layout, raw); err == nil {
			return &t
		}
	}
	fail(col, fmt.Sprintf("ngày %q không đọc được (dd/mm/yyyy)", clip(raw)), fmt.Sprintf("date %q is not dd/mm/yyyy or yyyy-mm-dd", clip(raw)))
	return nil
}

// Import validates every row of s and writes the valid showrooms in one
// transaction, keyed by (province, code): a new code is created, a known
// one updated when something changed (its slug kept), and its hours
// replaced with the sheet's. Without o.SkipInvalid any invalid row means
// nothing is written (ErrInvalidRows).
func (s *Service) Import(ctx context.Context, sh *sheet.Sheet, o ImportOptions) (sum Summary, err error) {
	defer apperr.Wrap(&err, "showroom.Import")
	sum.Errors = append(sum.Errors, sh.Errors...)
	rejected := map[int]bool{}
	for _, e := range sh.Errors {
		rejected[e.Line] = true
	}
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		communes, centres, err := communesOf(ctx, tx)
		if err != nil {
			return err
		}
		var p string
		provinces := map[string]bool{}
		prows, err := tx.Query(ctx, `SELECT code FROM province`)
		if err != nil {
			return err
		}
		if _, err := pgx.ForEachRow(prows, []any{&p}, func() error { provinces[p] = true; return nil }); err != nil {
			return err
		}
		seen := map[string]int{}
		var valid []row
		for i, rec := range sh.Records {
			r, errs := validate(rec, sh.Lines[i], communes)
			if r.province != "" && o.Provinces != nil && !slices.Contains(o.Provinces, r.province) {
				errs = append(errs, sheet.RowError{Line: r.line, Column: "province_code", ReasonVI: fmt.Sprintf("tỉnh %s không thuộc các tỉnh bạn phụ trách xúc tiến thương mại", r.province), ReasonEN: fmt.Sprintf("province %s is not one whose trade promotion you serve", r.province)})
			}
			if r.province != "" && !provinces[r.province] {
				errs = append(errs, sheet.RowError{Line: r.line, Column: "province_code", ReasonVI: fmt.Sprintf("mã tỉnh %q không có", clip(r.province)), ReasonEN: fmt.Sprintf("province %q does not exist", clip(r.province))})
			}
			if r.lat == nil && r.commune != "" && len(errs) == 0 {
				if ctr, ok := centres[r.commune]; ok {
					r.lat, r.lng, r.fromCentre = &ctr.Lat, &ctr.Lng, true
				} else {
					errs = append(errs, sheet.RowError{Line: r.line, Column: "lat", ReasonVI: "xã này chưa có toạ độ trung tâm: hãy ghi vĩ độ, kinh độ (hoặc chạy ocop geo import với tệp commune-centroids.csv)", ReasonEN: "no coordinates and the commune has no centre point loaded"})
				}
			}
			key := r.province + "|" + r.code
			if first, dup := seen[key]; dup && r.code != "" {
				errs = append(errs, sheet.RowError{Line: r.line, Column: "code", ReasonVI: fmt.Sprintf("trùng mã với dòng %d", first), ReasonEN: fmt.Sprintf("same code as line %d", first)})
			} else {
				seen[key] = r.line
			}
			if len(errs) > 0 {
				sum.Errors = append(sum.Errors, errs...)
				rejected[r.line] = true
				continue
			}
			valid = append(valid, r)
		}
		if err := sum.refuse(rejected, o.SkipInvalid); err != nil {
			return err
		}
		for _, r := range valid {
			res, id, err := s.writeRow(ctx, tx, r)
			if err != nil {
				return fmt.Errorf("line %d: %w", r.line, err)
			}
			if res != "unchanged" {
				if err := audit.Record(ctx, tx, audit.Entry{ActorID: o.Actor.UserID, ActingAs: o.actingAs(), Entity: "showroom", EntityID: id,
					Action: map[string]string{"created": "create", "updated": "update"}[res],
					Detail: map[string]any{"province": r.province, "code": r.code, "name": r.name, "file": o.Name}}); err != nil {
					return err
				}
			}
			switch res {
			case "created":
				sum.Created++
			case "updated":
				sum.Updated++
			default:
				sum.Unchanged++
			}
		}
		return nil
	})
	return sum.outcome(err)
}

// writeRow upserts one showroom and its hours; it returns "created",
// "updated" or "unchanged", and the showroom's id.
func (s *Service) writeRow(ctx context.Context, tx pgx.Tx, r row) (string, int64, error) {
	var id int64
	var before string
	err := tx.QueryRow(ctx, `SELECT id, md5(row(name, showroom_type, operator_name, operator_kind, commune_code, address, lat, lng, approximate,
		phone, zalo, email, area_m2, hours_text, status, valid_from, valid_to)::text) FROM showroom WHERE province_code = $1 AND code = $2`,
		r.province, r.code).Scan(&id, &before)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return "", 0, err
	}
	var commune *string
	if r.commune != "" {
		commune = &r.commune
	}
	approx := r.fromCentre
	args := []any{r.province, r.code, r.name, vntext.Fold(r.name), r.typ, r.operator, r.opKind, commune, r.address, *r.lat, *r.lng, approx,
		r.phone, r.zalo, r.email, r.area, r.hours, r.status, r.validFrom, r.validTo}
	result := "unchanged"
	if id == 0 {
		slug, err := s.uniqueSlug(ctx, tx, r.name)
		if err != nil {
			return "", 0, err
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO showroom (province_code, code, name, name_fold, showroom_type, operator_name, operator_kind, commune_code, address,
			                      lat, lng, approximate, phone, zalo, email, area_m2, hours_text, status, valid_from, valid_to, slug)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id`,
			append(args, slug)...).Scan(&id); err != nil {
			return "", 0, err
		}
		result = "created"
	} else {
		var after string
		if err := tx.QueryRow(ctx, `
			UPDATE showroom SET name = $3, name_fold = $4, showroom_type = $5, operator_name = $6, operator_kind = $7, commune_code = $8,
			  address = $9, lat = $10, lng = $11, approximate = $12, phone = $13, zalo = $14, email = $15, area_m2 = $16, hours_text = $17,
			  status = $18, valid_from = $19, valid_to = $20, updated_at = now()
			WHERE province_code = $1 AND code = $2
			RETURNING md5(row(name, showroom_type, operator_name, operator_kind, commune_code, address, lat, lng, approximate,
			  phone, zalo, email, area_m2, hours_text, status, valid_from, valid_to)::text)`, args...).Scan(&after); err != nil {
			return "", 0, err
		}
		if after != before {
			result = "updated"
		}
	}
	changed, err := replaceHours(ctx, tx, id, r.week)
	if err != nil {
		return "", 0, err
	}
	if changed && result == "unchanged" {
		result = "updated"
	}
	return result, id, nil
}

// replaceHours sets the showroom's week; it reports whether it changed.
func replaceHours(ctx context.Context, tx pgx.Tx, id int64, w Week) (bool, error) {
	var days, opens, closes []int32
	for d, ivs := range w {
		for _, iv := range ivs {
			days, opens, closes = append(days, int32(d+1)), append(opens, int32(iv.Opens)), append(closes, int32(iv.Closes))
		}
	}
	var same bool
	if err := tx.QueryRow(ctx, `
		SELECT coalesce(array_agg(weekday::int ORDER BY weekday, opens), '{}') = $2::int[]
		   AND coalesce(array_agg(extract(epoch FROM opens)::int / 60 ORDER BY weekday, opens), '{}') = $3::int[]
		   AND coalesce(array_agg(extract(epoch FROM closes)::int / 60 ORDER BY weekday, opens), '{}') = $4::int[]
		FROM showroom_hours WHERE showroom_id = $1`, id, days, opens, closes).Scan(&same); err != nil {
		return false, err
	}
	if same {
		return false, nil
	}
	if _, err := tx.Exec(ctx, `DELETE FROM showroom_hours WHERE showroom_id = $1`, id); err != nil {
		return false, err
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO showroom_hours (showroom_id, weekday, opens, closes)
		SELECT $1, d, make_time(o / 60, o % 60, 0), make_time(c / 60, c % 60, 0)
		FROM unnest($2::int[], $3::int[], $4::int[]) AS u(d, o, c)`, id, days, opens, closes)
	return true, err
}

// uniqueSlug is the slug of name, with -2, -3… when taken.
func (s *Service) uniqueSlug(ctx context.Context, tx pgx.Tx, name string) (string, error) {
	base := vntext.Slug(name)
	if base == "" {
		base = "diem-ban"
	}
	if len(base) > 80 {
		base = strings.Trim(base[:80], "-")
	}
	return postgres.FreeSlug(ctx, tx, "showroom", base)
}

// ImportProducts writes the products carried of a sheet (showroom_code,
// product_name, producer_name; optional province_code, in_stock) in one
// transaction. A showroom is found by its code (within province_code when
// given; a code two provinces share needs it), a product by the folded
// names of the product and its producer; an unmatched row is a row error.
// Rows are added or updated, never removed.
func (s *Service) ImportProducts(ctx context.Context, sh *sheet.Sheet, o ImportOptions) (sum Summary, err error) {
	defer apperr.Wrap(&err, "showroom.ImportProducts")
	sum.Errors = append(sum.Errors, sh.Errors...)
	rejected := map[int]bool{}
	for _, e := range sh.Errors {
		rejected[e.Line] = true
	}
	type link struct {
		line              int
		showroom, product int64
		inStock           bool
	}
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var links []link
		seen := map[[2]int64]int{}
		for i, rec := range sh.Records {
			line := sh.Lines[i]
			fail := func(col, vi, en string) {
				sum.Errors = append(sum.Errors, sheet.RowError{Line: line, Column: col, ReasonVI: vi, ReasonEN: en})
				rejected[line] = true
			}
			code, province := strings.TrimSpace(rec["showroom_code"]), strings.TrimSpace(rec["province_code"])
			if len(province) == 1 {
				province = "0" + province
			}
			var ids []int64
			rows, err := tx.Query(ctx, `SELECT id FROM showroom WHERE code = $1 AND ($2 = '' OR province_code = $2)`, code, province)
			if err != nil {
				return err
			}
			if ids, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
				return err
			}
			switch len(ids) {
			case 0:
				fail("showroom_code", fmt.Sprintf("không có điểm bán mã %q (nhập danh sách điểm bán trước)", clip(code)), fmt.Sprintf("no showroom with code %q", clip(code)))
				continue
			case 1:
			default:
				fail("province_code", fmt.Sprintf("mã %q có ở nhiều tỉnh: hãy ghi mã tỉnh", clip(code)), fmt.Sprintf("code %q is used in several provinces: give province_code", clip(code)))
				continue
			}
			product, producerName := rec["product_name"], rec["producer_name"]
			rows, err = tx.Query(ctx, `SELECT p.id FROM product p JOIN producer pr ON pr.id = p.producer_id
				WHERE p.name_fold = $1 AND pr.name_fold = $2`, vntext.Fold(product), vntext.Fold(producerName))
			if err != nil {
				return err
			}
			pids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				return err
			}
			if len(pids) != 1 {
				fail("product_name", fmt.Sprintf("không tìm thấy sản phẩm %q của %q trong danh mục", clip(product), clip(producerName)),
					fmt.Sprintf("no product %q of producer %q in the catalog", clip(product), clip(producerName)))
				continue
			}
			inStock := true
			if raw := vntext.Fold(rec["in_stock"]); raw != "" {
				switch raw {
				case "co", "con", "con hang", "yes", "true", "1", "x":
				case "khong", "het", "het hang", "no", "false", "0":
					inStock = false
				default:
					fail("in_stock", fmt.Sprintf("%q: ghi có hoặc không", clip(rec["in_stock"])), fmt.Sprintf("%q: write yes or no", clip(rec["in_stock"])))
					continue
				}
			}
			key := [2]int64{ids[0], pids[0]}
			if first, dup := seen[key]; dup {
				fail("product_name", fmt.Sprintf("trùng dòng %d", first), fmt.Sprintf("duplicate of line %d", first))
				continue
			}
			seen[key] = line
			links = append(links, link{line, ids[0], pids[0], inStock})
		}
		if err := sum.refuse(rejected, o.SkipInvalid); err != nil {
			return err
		}
		for _, l := range links {
			var inserted bool
			err := tx.QueryRow(ctx, `
				INSERT INTO showroom_product AS sp (showroom_id, product_id, in_stock) VALUES ($1, $2, $3)
				ON CONFLICT (showroom_id, product_id) DO UPDATE SET in_stock = excluded.in_stock
				WHERE sp.in_stock IS DISTINCT FROM excluded.in_stock
				RETURNING xmax = 0`, l.showroom, l.product, l.inStock).Scan(&inserted)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				sum.Unchanged++
			case err != nil:
				return fmt.Errorf("line %d: %w", l.line, err)
			case inserted:
				sum.Created++
			default:
				sum.Updated++
			}
		}
		return nil
	})
	return sum.outcome(err)
}
