package seed

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/showroom"
)

// demoShowroom is a showroom of the demo, in the department's sheet
// layout.
type demoShowroom struct {
	code, name, typ, operator, kind, province, address, lat, lng, phone, hours string
	popup                                                                      bool
}

// demoShowrooms are showrooms in several provinces, at places such points
// really stand (a city centre, a market, a post office, a rest stop, a
// supermarket), with the demo's products; one is a pop-up around the day
// the demo is seeded.
var demoShowrooms = []demoShowroom{
	{"DEMO-DL-01", "Trung tâm OCOP Buôn Ma Thuột", "trung tâm OCOP", "Trung tâm Xúc tiến thương mại Đắk Lắk", "trung tâm xúc tiến thương mại",
		"66", "Số 1 Lê Duẩn, Buôn Ma Thuột", "12.6675", "108.0378", "0262 3852 555", "T2-CN 07:30-21:00", false},
	{"DEMO-DL-02", "Điểm bưu điện văn hoá xã Ea Kao", "điểm bưu điện", "Bưu điện tỉnh Đắk Lắk", "VNPost",
		"66", "Buôn Ea Kao", "12.6230", "108.0710", "", "T2-T6 07:00-11:30, 13:30-17:00; T7 07:00-11:30", false},
	{"DEMO-HN-01", "Trung tâm giới thiệu sản phẩm OCOP Hà Nội", "trung tâm OCOP", "Trung tâm Xúc tiến thương mại Hà Nội", "trung tâm xúc tiến thương mại",
		"01", "45 Phan Chu Trinh, Hoàn Kiếm", "21.0245", "105.8553", "0243 826 5555", "T2-T6 08:00-17:30; T7,CN 08:00-21:00", false},
	{"DEMO-HN-02", "Quầy OCOP siêu thị Ba Đình", "quầy trong siêu thị", "Công ty Cổ phần Siêu thị Thủ đô", "doanh nghiệp",
		"01", "Phố Liễu Giai, Ba Đình", "21.0359", "105.8129", "", "Hằng ngày 08:00-22:00", false},
	{"DEMO-HN-03", "Điểm bán OCOP dịp Tết, hồ Đống Đa", "điểm bán tạm thời", "Sở Công Thương Hà Nội", "trung tâm xúc tiến thương mại",
		"01", "Hồ Đống Đa", "21.0170", "105.8240", "", "Hằng ngày 08:00-21:00", true},
	{"DEMO-HCM-01", "Điểm giới thiệu sản phẩm OCOP Thành phố Hồ Chí Minh", "điểm giới thiệu và bán", "Trung tâm Xúc tiến Thương mại và Đầu tư TP.HCM", "trung tâm xúc tiến thương mại",
		"79", "Đường Lê Lợi, Bến Thành", "10.7735", "106.7009", "0283 823 6738", "Hằng ngày 08:00-21:00", false},
	{"DEMO-DN-01", "Trung tâm OCOP Hội An", "trung tâm OCOP", "HTX nông nghiệp sạch Quê Vườn", "HTX",
		"48", "72 Nguyễn Thái Học, Hội An", "15.8770", "108.3275", "", "Hằng ngày 08:00-21:30", false},
	{"DEMO-TN-01", "Ki-ốt OCOP trạm dừng nghỉ Tân Cương", "ki-ốt sân bay/trạm dừng nghỉ", "HTX Chè Tân Cương", "HTX",
		"19", "Quốc lộ 3, Tân Cương", "21.5800", "105.8000", "", "Hằng ngày 06:00-22:00", false},
}

// Showrooms seeds the demo showrooms that are missing (a showroom seeded
// before keeps what staff changed) with the demo products of their
// province, the demo producer's in Đắk Lắk's. It returns how many
// showrooms it added.
func Showrooms(ctx context.Context, pool *pgxpool.Pool, now func() time.Time) (int, error) {
	if now == nil {
		now = time.Now
	}
	today := now().In(showroom.Vietnam)
	rows, err := pool.Query(ctx, `SELECT code FROM showroom WHERE code LIKE 'DEMO-%'`)
	if err != nil {
		return 0, err
	}
	have, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, err
	}
	seeded := map[string]bool{}
	for _, c := range have {
		seeded[c] = true
	}
	var sheetBuf, productBuf bytes.Buffer
	w := csv.NewWriter(&sheetBuf)
	_ = w.Write([]string{"code", "name", "type", "operator", "operator_kind", "province_code", "address", "lat", "lng", "phone", "hours", "valid_from", "valid_to"})
	pw := csv.NewWriter(&productBuf)
	_ = pw.Write([]string{"showroom_code", "province_code", "product_name", "producer_name"})
	added := 0
	for _, d := range demoShowrooms {
		if seeded[d.code] {
			continue
		}
		from, to := "", ""
		if d.popup {
			from, to = today.AddDate(0, 0, -2).Format("02/01/2006"), today.AddDate(0, 0, 12).Format("02/01/2006")
		}
		_ = w.Write([]string{d.code, d.name, d.typ, d.operator, d.kind, d.province, d.address, d.lat, d.lng, d.phone, d.hours, from, to})
		added++
		// up to 8 public products of the province, the demo producer's first
		prows, err := pool.Query(ctx, `
			SELECT p.name, pr.name FROM public_product p JOIN producer pr ON pr.id = p.producer_id
			WHERE pr.province_code = $1
			ORDER BY pr.name = $2 DESC, p.id LIMIT 8`, d.province, DemoProducer)
		if err != nil {
			return 0, err
		}
		var product, producerName string
		if _, err := pgx.ForEachRow(prows, []any{&product, &producerName}, func() error {
			return pw.Write([]string{d.code, d.province, product, producerName})
		}); err != nil {
			return 0, err
		}
	}
	if added == 0 {
		return 0, nil
	}
	w.Flush()
	pw.Flush()
	svc := showroom.New(pool, now)
	sh, err := showroom.ReadShowroomsFrom(&sheetBuf, "csv")
	if err != nil {
		return 0, fmt.Errorf("demo showrooms: %w", err)
	}
	if sum, err := svc.Import(ctx, sh, showroom.ImportOptions{}); err != nil {
		return 0, fmt.Errorf("demo showrooms: %w %v", err, sum.Errors)
	}
	ps, err := showroom.ReadProductsFrom(&productBuf, "csv")
	if err != nil {
		return 0, fmt.Errorf("demo showroom products: %w", err)
	}
	if len(ps.Records) > 0 {
		// a product two producers of the same name make is left out
		if sum, err := svc.ImportProducts(ctx, ps, showroom.ImportOptions{SkipInvalid: true}); err != nil {
			return 0, fmt.Errorf("demo showroom products: %w %v", err, sum.Errors)
		}
	}
	return added, nil
}
