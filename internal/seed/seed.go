// Package seed loads the demo catalog: the 50 real certified products of
// data/ocop-products-sample.csv plus generated ones, through the same
// import path as a province's spreadsheet. Every price it sets is flagged
// as a demo price. Seeding twice changes nothing.
package seed

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/importer"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/vntext"
)

//go:embed data/ocop-products-sample.csv
var sampleCSV []byte

// Options says how big a catalog to build.
type Options struct {
	// Products is the total number of products wanted (at least the 50 real
	// ones). Zero means the default demo size.
	Products int
	// Now is the clock; nil means time.Now. Generated certificates are
	// dated from it, so the demo is alive on whatever day it is seeded.
	Now func() time.Time
	// Photos, when set, gives every product this run seeds a drawn,
	// illustrative photo through the real photo pipeline and media store.
	Photos *product.Photos
	// ImportProgress, when set, follows the import of the demo rows
	// (importer.Options.Progress).
	ImportProgress func(done, total int)
	// Progress, when set, is told how many photos are done of how many:
	// once with 0 before any, then from the workers, concurrently.
	Progress func(done, total int)
}

// DefaultProducts is the size of the demo catalog of `make run`.
const DefaultProducts = 360

// Result reports what Run did.
type Result struct {
	Import  importer.Summary
	Revoked int
	// Skipped are demo products seeded before (left as they are).
	Skipped int
	// Photos is the number of illustrative photos added.
	Photos int
}

// demoKey is the key a demo product is seeded under.
func demoKey(r map[string]string) string {
	return r["province_code"] + "|" + vntext.Fold(r["producer_name"]) + "|" + vntext.Fold(r["product_name"])
}

// demoKeys are the keys of the demo products already seeded.
func demoKeys(ctx context.Context, pool *pgxpool.Pool) (map[string]bool, error) {
	rows, err := pool.Query(ctx, `SELECT demo_key FROM product WHERE demo_key IS NOT NULL`)
	if err != nil {
		return nil, err
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		out[k] = true
	}
	return out, err
}

var importColumns = []string{"product_name", "group_code", "star", "score", "producer_name", "producer_type",
	"province_code", "commune_code", "address_as_issued", "decision_no", "decision_date", "issuing_level",
	"issuing_authority", "price_vnd", "unit", "description"}

// Run loads the demo catalog into pool.
func Run(ctx context.Context, pool *pgxpool.Pool, o Options) (Result, error) {
	if o.Products <= 0 {
		o.Products = DefaultProducts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	today := o.Now().In(certification.Vietnam)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	var res Result
	provinces, err := loadProvinces(ctx, pool)
	if err != nil {
		return res, err
	}
	var communes int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM commune`).Scan(&communes); err != nil {
		return res, err
	}
	real, revoked, err := sampleRecords(provinces, communes > 0)
	if err != nil {
		return res, err
	}
	records := append(real, generated(provinces, o.Products-len(real), today)...)
	// only what is missing: a demo product seeded before keeps whatever
	// its producer changed since (name, price, stock)
	seeded, err := demoKeys(ctx, pool)
	if err != nil {
		return res, err
	}
	missing := records[:0:0]
	for _, r := range records {
		if !seeded[demoKey(r)] {
			missing = append(missing, r)
		}
	}
	res.Skipped = len(records) - len(missing)
	records = missing
	if len(records) == 0 {
		return res, nil
	}

	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(importColumns)
	for _, r := range records {
		row := make([]string, len(importColumns))
		for i, c := range importColumns {
			row[i] = r[c]
		}
		_ = w.Write(row)
	}
	w.Flush()
	sheet, err := importer.Read(&buf, "csv")
	if err != nil {
		return res, fmt.Errorf("seed: %w", err)
	}
	res.Import, err = importer.Import(ctx, pool, sheet, importer.Options{Publish: true, Now: o.Now, Progress: o.ImportProgress})
	if err != nil {
		for _, e := range res.Import.Errors {
			err = fmt.Errorf("%w\n%s", err, e.Error())
		}
		return res, fmt.Errorf("seed: %w", err)
	}

	err = postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		keys := make([]string, 0, len(records))
		for _, r := range records {
			keys = append(keys, demoKey(r))
		}
		// Sources give no prices: every seeded price is a demo price, and
		// demo stock is derived from the slug so a re-run changes nothing.
		if err := product.MarkDemo(ctx, tx, keys); err != nil {
			return fmt.Errorf("seed demo prices: %w", err)
		}
		for _, r := range revoked {
			// revoked 400 days after the decision
			rows, err := tx.Query(ctx, `
				SELECT c.id, c.decision_date + 400 FROM certificate c
				JOIN product p ON p.id = c.product_id JOIN producer pr ON pr.id = p.producer_id
				WHERE pr.province_code = $1 AND p.name_fold = $2 AND c.status <> 'revoked'`,
				r.province, vntext.Fold(r.product))
			if err != nil {
				return fmt.Errorf("seed revocation: %w", err)
			}
			var rs []certification.Revocation
			var rv certification.Revocation
			if _, err := pgx.ForEachRow(rows, []any{&rv.CertificateID, &rv.On}, func() error {
				rv.Reason = r.reason
				rs = append(rs, rv)
				return nil
			}); err != nil {
				return fmt.Errorf("seed revocation: %w", err)
			}
			n, err := certification.Revoke(ctx, tx, rs)
			if err != nil {
				return fmt.Errorf("seed revocation: %w", err)
			}
			res.Revoked += int(n)
		}
		return nil
	})
	if err != nil || o.Photos == nil {
		return res, err
	}
	keys := make([]string, 0, len(records))
	for _, r := range records {
		keys = append(keys, demoKey(r))
	}
	res.Photos, err = addPhotos(ctx, pool, o.Photos, keys, o.Progress)
	return res, err
}

// addPhotos gives the demo products of keys that have no photo a drawn
// one, uploaded as the system through the photo pipeline, with an alt
// text that says it is illustrative. Two run at once (the pipeline's own
// concurrency).
func addPhotos(ctx context.Context, pool *pgxpool.Pool, photos *product.Photos, keys []string, progress func(done, total int)) (int, error) {
	type item struct {
		id, producer int64
		name, group  string
		star         int
	}
	rows, err := pool.Query(ctx, `
		SELECT p.id, p.producer_id, p.name, p.group_code,
		       coalesce((SELECT max(c.star) FROM certificate c WHERE c.product_id = p.id AND c.status = 'active'), 0)
		FROM product p
		WHERE p.demo_key = ANY($1) AND NOT EXISTS (SELECT 1 FROM product_photo ph WHERE ph.product_id = p.id)
		ORDER BY p.id`, keys)
	if err != nil {
		return 0, fmt.Errorf("seed photos: %w", err)
	}
	var items []item
	var it item
	if _, err := pgx.ForEachRow(rows, []any{&it.id, &it.producer, &it.name, &it.group, &it.star}, func() error {
		items = append(items, it)
		return nil
	}); err != nil {
		return 0, fmt.Errorf("seed photos: %w", err)
	}
	if progress != nil {
		progress(0, len(items)) // before the workers start
	}
	system := product.Actor{ActingAs: audit.AsSystem}
	var done atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(2)
	for _, it := range items {
		g.Go(func() error {
			jpg, err := DemoPhoto(it.name, it.group, it.star)
			if err != nil {
				return err
			}
			ph, err := photos.Upload(gctx, system, it.producer, it.id, jpg)
			if err != nil {
				return fmt.Errorf("seed photo of %q: %w", it.name, err)
			}
			if err := photos.Update(gctx, system, it.producer, it.id, ph.ID, product.PhotoUpdate{Alt: "Ảnh minh hoạ (không phải ảnh chụp sản phẩm): " + it.name}); err != nil {
				return fmt.Errorf("seed photo of %q: %w", it.name, err)
			}
			n := done.Add(1)
			if progress != nil {
				progress(int(n), len(items))
			}
			return nil
		})
	}
	err = g.Wait()
	return int(done.Load()), err
}

func loadProvinces(ctx context.Context, pool *pgxpool.Pool) (map[string]string, error) {
	rows, err := pool.Query(ctx, `SELECT code, full_name FROM province`)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			return nil, err
		}
		m[code] = name
	}
	return m, rows.Err()
}

type revocation struct{ province, product, reason string }

var (
	reDecisionNo = regexp.MustCompile(`\d+/QĐ-[A-ZĐ]+`)
	reDate       = regexp.MustCompile(`(\d{1,2})/(\d{1,2})/(\d{4})`)
	reScore      = regexp.MustCompile(`(\d{2,3}(?:,\d{1,2})?)(?:/100| điểm)`)
	reAuthority  = regexp.MustCompile(`UBND (?:tỉnh|TP|huyện) [^–,()]+`)
	reCommune    = regexp.MustCompile(`code (\d{5})`)
)

// sampleRecords turns the real sample rows into import records.
func sampleRecords(provinces map[string]string, withCommunes bool) ([]map[string]string, []revocation, error) {
	rows, err := csv.NewReader(bytes.NewReader(sampleCSV)).ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("sample data: %w", err)
	}
	head := map[string]int{}
	for i, h := range rows[0] {
		head[h] = i
	}
	var out []map[string]string
	var revoked []revocation
	for _, row := range rows[1:] {
		get := func(c string) string { return strings.TrimSpace(row[head[c]]) }
		name, ref, notes := get("product_name"), get("recognition_ref"), get("notes")
		star, _ := strconv.Atoi(get("star"))
		year, _ := strconv.Atoi(get("year"))
		province := get("province_code_2025")

		producer, ptype := get("producer"), get("producer_type")
		if ptype == "unknown" || producer == "" || strings.HasPrefix(producer, "(") {
			producer, ptype = "Cơ sở sản xuất "+name, "co_so_san_xuat"
		}
		date := time.Date(year, 12, 15, 0, 0, 0, 0, time.UTC)
		if year >= 2025 {
			date = time.Date(year, 6, 1, 0, 0, 0, 0, time.UTC)
		}
		if m := reDate.FindStringSubmatch(ref + " " + notes); m != nil {
			d, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			y, _ := strconv.Atoi(m[3])
			if t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC); t.Day() == d {
				date = t
			}
		}
		decision := reDecisionNo.FindString(ref)
		if decision == "" {
			decision = vntext.Truncate(ref, 120)
		}
		level, authority := "province", provincialAuthority(provinces[province], get("address_in_source (pre-2025 units)"), date)
		switch {
		case star == 5:
			level, authority = "central", centralAuthority(date)
		case strings.Contains(ref, "huyện") && star == 3 && date.Before(certification.DistrictsAbolished):
			level = "district"
			if a := reAuthority.FindString(ref); a != "" {
				authority = strings.TrimSpace(a)
			}
		default:
			if a := reAuthority.FindString(ref); a != "" && !strings.Contains(a, "huyện") {
				authority = strings.TrimSpace(a)
			}
		}
		score := ""
		if m := reScore.FindStringSubmatch(ref); m != nil {
			if v, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", "."), 64); err == nil && v <= 100 && v*100 >= float64(floorOf(star)) {
				score = strconv.FormatFloat(v, 'f', -1, 64)
			}
		}
		commune := ""
		if m := reCommune.FindStringSubmatch(notes); m != nil && withCommunes {
			commune = m[1]
		}
		leaf := get("group_code_guess")
		price, unit := demoPrice(leaf, name)
		out = append(out, map[string]string{
			"product_name": name, "group_code": leaf, "star": strconv.Itoa(star), "score": score,
			"producer_name": producer, "producer_type": ptype, "province_code": province, "commune_code": commune,
			"address_as_issued": get("address_in_source (pre-2025 units)"), "decision_no": decision,
			"decision_date": date.Format("02/01/2006"), "issuing_level": level, "issuing_authority": authority,
			"price_vnd": strconv.FormatInt(price, 10), "unit": unit,
			"description": "Sản phẩm OCOP " + strconv.Itoa(star) + " sao. Nguồn: " + get("source_url"),
		})
		if get("cert_status") == "revoked" {
			revoked = append(revoked, revocation{province, name, vntext.Truncate(ref, 300)})
		}
	}
	return out, revoked, nil
}

// provincialAuthority is the provincial authority as a decision of date
// names it: "UBND tỉnh Hậu Giang" for a 2021 decision of a province that
// merged on 01/07/2025 (the province of the address as issued, when it
// names one), else the current province, "UBND tỉnh Thái Nguyên" (lower
// case "tỉnh", as decisions write it).
func provincialAuthority(current, addressAsIssued string, date time.Time) string {
	if date.Before(certification.DistrictsAbolished) {
		if m := reOldProvince.FindStringSubmatch(addressAsIssued); m != nil {
			return "UBND " + strings.ToLower(m[1]) + " " + strings.TrimSpace(m[2])
		}
	}
	for _, prefix := range []string{"Tỉnh ", "Thành phố "} {
		if rest, ok := strings.CutPrefix(current, prefix); ok {
			return "UBND " + strings.ToLower(prefix) + rest
		}
	}
	return "UBND " + current
}

// reOldProvince finds the province at the end of an address as issued:
// "…, tỉnh Trà Vinh", "…, thành phố Cần Thơ".
var reOldProvince = regexp.MustCompile(`(?i)(tỉnh|thành phố)\s+([^,]+)$`)

// decisionSuffix is how a decision number of level ends: the ministry's
// coordination office numbered 5★ decisions …/QĐ-BNN-VPĐP until the
// ministries merged in 03/2025, …/QĐ-BNNMT since.
func decisionSuffix(level string, date time.Time) string {
	if level != "central" {
		return "UBND"
	}
	if date.Before(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)) {
		return "BNN-VPĐP"
	}
	return "BNNMT"
}

// centralAuthority names the ministry that certified 5★ products on date:
// the agriculture ministry merged with the environment ministry in 03/2025.
func centralAuthority(date time.Time) string {
	if date.Before(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)) {
		return "Bộ Nông nghiệp và Phát triển nông thôn"
	}
	return "Bộ Nông nghiệp và Môi trường"
}

// floorOf is the least score of star in hundredths (that of 3 stars for
// an unknown star).
func floorOf(star int) int64 {
	if h, ok := certification.MinScore(star); ok {
		return h
	}
	h, _ := certification.MinScore(3)
	return h
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// demoPrice returns a plausible price and unit for a product of leaf group.
func demoPrice(leaf, name string) (int64, string) {
	p, ok := leafPrices[leaf]
	if !ok {
		p = leafPrices["I.3.c"]
	}
	steps := (p.max - p.min) / 5000
	price := p.min + int64(hash(name)%uint64(steps+1))*5000
	return price, p.unit
}

type priceRange struct {
	min, max int64
	unit     string
}

var leafPrices = map[string]priceRange{
	"I.1.a": {40000, 180000, "Hộp 1 kg"}, "I.1.b": {60000, 350000, "Hộp 10 quả"},
	"I.2.a": {35000, 150000, "Túi 2 kg"}, "I.2.b": {120000, 450000, "Chai 500 ml"},
	"I.3.a": {30000, 120000, "Gói 200 g"}, "I.3.b": {35000, 140000, "Gói 500 g"},
	"I.3.c": {45000, 250000, "Hộp 250 g"}, "I.3.d": {80000, 650000, "Hộp 500 g"},
	"I.4.a": {45000, 260000, "Chai 500 ml"}, "I.4.b": {30000, 150000, "Hũ 100 g"},
	"I.5.a": {90000, 900000, "Hộp 200 g"}, "I.5.b": {60000, 260000, "Hộp 100 g"},
	"I.6": {90000, 600000, "Túi 500 g"}, "II.1.a": {120000, 650000, "Chai 750 ml"},
	"II.1.b": {150000, 850000, "Chai 500 ml"}, "II.2.a": {8000, 30000, "Chai 500 ml"},
	"II.2.b": {25000, 120000, "Chai 330 ml"}, "III.1": {150000, 1500000, "Hộp 60 viên"},
	"III.2": {90000, 450000, "Lọ 100 ml"}, "III.3": {80000, 550000, "Lọ 50 ml"},
	"IV.1": {150000, 2500000, "Chiếc"}, "IV.2": {250000, 1800000, "Chiếc"},
	"V.1": {80000, 600000, "Chậu"}, "V.2": {250000, 3500000, "Cây"}, "V.3": {150000, 1500000, "Con"},
	"VI.1": {250000, 1500000, "Vé/người"},
}

// stems are generated product names by leaf group.
var stems = []struct{ leaf, name string }{
	{"I.1.a", "Cam sành"}, {"I.1.a", "Bưởi da xanh"}, {"I.1.a", "Nhãn lồng"}, {"I.1.a", "Khoai lang mật"},
	{"I.1.b", "Trứng gà ta"}, {"I.1.b", "Tôm càng xanh"}, {"I.2.a", "Gạo ST25"}, {"I.2.a", "Gạo nếp cái hoa vàng"},
	{"I.2.b", "Mật ong hoa cà phê"}, {"I.2.b", "Mật ong bạc hà"}, {"I.3.a", "Bánh tráng trộn"}, {"I.3.b", "Bún gạo lứt"},
	{"I.3.b", "Bánh đa nem"}, {"I.3.b", "Miến dong"}, {"I.3.c", "Mứt gừng"}, {"I.3.c", "Chuối sấy dẻo"},
	{"I.3.c", "Hạt điều rang muối"}, {"I.3.d", "Chả cá"}, {"I.3.d", "Khô bò"}, {"I.3.d", "Nem chua"},
	{"I.4.a", "Nước mắm cá cơm"}, {"I.4.a", "Tương bần"}, {"I.4.b", "Muối tôm"}, {"I.4.b", "Tiêu đen"},
	{"I.5.a", "Chè Shan tuyết"}, {"I.5.a", "Chè búp"}, {"I.5.b", "Trà hoa vàng"}, {"I.5.b", "Trà atiso"},
	{"I.6", "Cà phê Robusta rang xay"}, {"I.6", "Ca cao nguyên chất"}, {"II.1.a", "Rượu ngô men lá"},
	{"II.1.a", "Rượu nếp cẩm"}, {"II.1.b", "Rượu vang sim"}, {"II.2.a", "Nước khoáng"}, {"II.2.b", "Nước cốt gừng"},
	{"II.2.b", "Nước ép chanh dây"}, {"III.1", "Cao actiso"}, {"III.1", "Viên tinh nghệ"}, {"III.2", "Dầu gội bồ kết"},
	{"III.2", "Xà phòng thảo dược"}, {"III.3", "Tinh dầu sả chanh"}, {"III.3", "Tinh dầu quế"},
	{"IV.1", "Giỏ mây tre đan"}, {"IV.1", "Bình gốm men lam"}, {"IV.1", "Nón lá"}, {"IV.2", "Khăn thổ cẩm"},
	{"IV.2", "Áo lụa tơ tằm"}, {"V.1", "Lan hồ điệp"}, {"V.1", "Hoa cúc mâm xôi"}, {"V.2", "Bonsai sam hương"},
	{"V.2", "Mai vàng"}, {"V.3", "Cá chép Koi"}, {"VI.1", "Du lịch cộng đồng bản"}, {"VI.1", "Trải nghiệm làng nghề"},
}

// places are real localities of each demo province (2025 boundaries), so
// generated producers sit where such products come from.
var places = map[string][]string{
	"01": {"Bát Tràng", "Ba Vì", "Vạn Phúc", "Đông Anh"},
	"04": {"Trùng Khánh", "Hà Quảng", "Nguyên Bình", "Quảng Hoà"},
	"08": {"Đồng Văn", "Hồng Thái", "Na Hang", "Hoàng Su Phì"},
	"11": {"Mường Ảng", "Mường Thanh", "Tủa Chùa", "Điện Biên Đông"},
	"15": {"Sa Pa", "Bắc Hà", "Văn Chấn", "Mù Cang Chải"},
	"19": {"Tân Cương", "Phú Lương", "Ba Bể", "Định Hoá"},
	"22": {"Ba Chẽ", "Tiên Yên", "Bình Liêu", "Vân Đồn"},
	"24": {"Lục Ngạn", "Yên Thế", "Đông Hồ", "Tiên Du"},
	"25": {"Thanh Sơn", "Cao Phong", "Tam Đảo", "Mai Châu"},
	"31": {"Thanh Hà", "Chí Linh", "Cát Hải", "Tiên Lãng"},
	"37": {"Kim Sơn", "Nho Quan", "Hải Hậu", "Lý Nhân"},
	"38": {"Như Thanh", "Thọ Xuân", "Bá Thước", "Quảng Xương"},
	"40": {"Nam Đàn", "Quỳ Hợp", "Con Cuông", "Diễn Châu"},
	"42": {"Hương Khê", "Lộc Hà", "Vũ Quang", "Hồng Lĩnh"},
	"44": {"Khe Sanh", "Gio Linh", "Minh Hoá", "Bố Trạch"},
	"46": {"Phong Điền", "Hương Trà", "A Lưới", "Phú Vang"},
	"48": {"Hoà Vang", "Hội An", "Quế Sơn", "Trà My"},
	"51": {"Lý Sơn", "Ba Tơ", "Ngọc Linh", "Đăk Tô"},
	"52": {"Đak Pơ", "Chư Sê", "Tuy Phước", "Hoài Nhơn"},
	"56": {"Cam Lâm", "Ninh Hoà", "Phan Rang", "Vạn Ninh"},
	"66": {"Buôn Ma Thuột", "Krông Pắc", "Ea H'leo", "Tuy An"},
	"68": {"Bảo Lộc", "Di Linh", "Đắk Mil", "Phan Thiết"},
	"75": {"Xuân Lộc", "Long Khánh", "Bù Đăng", "Tân Phú"},
	"79": {"Củ Chi", "Cần Giờ", "Lái Thiêu", "Long Điền"},
	"80": {"Trảng Bàng", "Gò Dầu", "Cần Giuộc", "Đức Hoà"},
	"82": {"Sa Đéc", "Lai Vung", "Cái Bè", "Tân Phước"},
	"86": {"Cầu Kè", "Chợ Lách", "Mỏ Cày", "Bình Minh"},
	"91": {"Tịnh Biên", "Châu Đốc", "Phú Quốc", "U Minh Thượng"},
	"92": {"Phong Điền", "Kế Sách", "Vị Thanh", "Cù Lao Dung"},
	"96": {"Năm Căn", "Đất Mũi", "Giá Rai", "Hồng Dân"},
}

var producerKinds = []struct{ prefix, kind string }{
	{"Hợp tác xã", "htx"}, {"Hợp tác xã nông nghiệp", "htx"}, {"Công ty TNHH", "doanh_nghiep"},
	{"Công ty Cổ phần", "doanh_nghiep"}, {"Hộ kinh doanh", "ho_kinh_doanh"}, {"Tổ hợp tác", "to_hop_tac"},
	{"Cơ sở sản xuất", "co_so_san_xuat"},
}

var demoProvinces = []string{"01", "04", "08", "11", "15", "19", "22", "24", "25", "31", "37", "38", "40", "42",
	"44", "46", "48", "51", "52", "56", "66", "68", "75", "79", "80", "82", "86", "91", "92", "96"}

// generated returns n plausible generated products, always the same ones
// for the same n (a fixed random source), the demo producer's first.
// Their certificates are dated from today: decided between 1 and 29
// months ago, so each has at least 6 of its 36 months left on the day
// the demo is seeded, and their decision numbers say they are
// illustrative (real decisions are only those of the sample).
func generated(provinces map[string]string, n int, today time.Time) []map[string]string {
	rng := rand.New(rand.NewPCG(2026, 148))
	const days = 1720 // the spread of the draw (kept: it fixes the names drawn after it)
	out := demoProducerProducts(provinces, today)
	if len(out) > n {
		out = out[:max(n, 0)]
	}
	perProducer := 4
	for i := 0; len(out) < n; i++ {
		province := demoProvinces[i%len(demoProvinces)]
		round := i / len(demoProvinces)
		local := places[province]
		place := local[round%len(local)]
		pk := producerKinds[(round/len(local))%len(producerKinds)]
		producer := pk.prefix + " " + place
		if r := round / (len(local) * len(producerKinds)); r > 0 {
			producer += " " + strconv.Itoa(r+1)
		}
		for j := 0; j < perProducer && len(out) < n; j++ {
			st := stems[rng.IntN(len(stems))]
			name := st.name + " " + place
			if j > 0 {
				name += " loại " + strconv.Itoa(j+1)
			}
			r := rng.IntN(100)
			star, score := 4, 70+rng.Float64()*19.9
			switch {
			case r < 30:
				star, score = 3, 50+rng.Float64()*19.9
			case r >= 85:
				star, score = 5, 90+rng.Float64()*10
			}
			date := today.AddDate(0, 0, -(30 + rng.IntN(days)%870))
			level, authority := "province", provincialAuthority(provinces[province], "", date)
			switch {
			case star == 5:
				level, authority = "central", centralAuthority(date)
			case star == 3 && !date.Before(certification.Decision148) && date.Before(certification.DistrictsAbolished) && rng.IntN(2) == 0:
				level, authority = "district", "UBND huyện "+place
			}
			price, unit := demoPrice(st.leaf, name)
			out = append(out, map[string]string{
				"product_name": name, "group_code": st.leaf, "star": strconv.Itoa(star),
				"score":         strconv.FormatFloat(float64(int(score*100))/100, 'f', 2, 64),
				"producer_name": producer, "producer_type": pk.kind, "province_code": province,
				"decision_no":   fmt.Sprintf("%d/QĐ-%s (minh hoạ)", 100+rng.IntN(3900), decisionSuffix(level, date)),
				"decision_date": date.Format("02/01/2006"), "issuing_level": level, "issuing_authority": authority,
				"price_vnd": strconv.FormatInt(price, 10), "unit": unit,
				"description": st.name + " của " + producer + ", sản phẩm OCOP " + strconv.Itoa(star) + " sao (dữ liệu minh hoạ).",
			})
		}
	}
	return out
}

// DemoProducer is the producer the demo owner account runs: a generated
// household of Đắk Lắk (the demo officers' province, whose staff may act
// on a household's behalf) with several products on sale whatever the
// day.
const DemoProducer = "Hộ kinh doanh Nông sản Ea Kao"

// demoProducerProducts are the demo producer's products.
func demoProducerProducts(provinces map[string]string, today time.Time) []map[string]string {
	items := []struct {
		leaf, name string
		star       int
		score      string
		monthsAgo  int
	}{
		{"I.6", "Cà phê Robusta rang xay Ea Kao", 4, "78.50", 14},
		{"I.2.b", "Mật ong hoa cà phê Ea Kao", 4, "81.25", 8},
		{"I.3.c", "Hạt điều rang muối Ea Kao", 3, "66.00", 20},
		{"I.4.b", "Tiêu đen Ea Kao", 3, "62.75", 3},
		{"I.6", "Ca cao nguyên chất Ea Kao", 5, "91.40", 5},
	}
	var out []map[string]string
	for i, it := range items {
		date := today.AddDate(0, -it.monthsAgo, 0)
		level, authority := "province", provincialAuthority(provinces["66"], "", date)
		if it.star == 5 {
			level, authority = "central", centralAuthority(date)
		}
		price, unit := demoPrice(it.leaf, it.name)
		out = append(out, map[string]string{
			"product_name": it.name, "group_code": it.leaf, "star": strconv.Itoa(it.star), "score": it.score,
			"producer_name": DemoProducer, "producer_type": "ho_kinh_doanh", "province_code": "66",
			"address_as_issued": "Ea Kao, tỉnh Đắk Lắk",
			"decision_no":       fmt.Sprintf("%d/QĐ-%s (minh hoạ)", 2100+i*37, decisionSuffix(level, date)),
			"decision_date":     date.Format("02/01/2006"), "issuing_level": level, "issuing_authority": authority,
			"price_vnd": strconv.FormatInt(price, 10), "unit": unit,
			"description": it.name + " của " + DemoProducer + ", sản phẩm OCOP " + strconv.Itoa(it.star) + " sao (dữ liệu minh hoạ).",
		})
	}
	return out
}
