package showroom_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
	"github.com/ocopvn/ocop/internal/showroom"
)

// Real places: Hoàn Kiếm lake (Hà Nội), and showrooms in Hà Nội, Điện
// Biên (Mường Ảng's market) and Hội An.
var hoanKiem = showroom.Point{Lat: 21.0285, Lng: 105.8542}

const sheetCSV = `code,name,type,operator,operator_kind,province_code,commune_code,address,lat,lng,phone,zalo,email,area_m2,hours,status,valid_from,valid_to
HN-01,Trung tâm OCOP Hà Nội,Trung tâm OCOP,Trung tâm Xúc tiến thương mại Hà Nội,trung tâm xúc tiến thương mại,01,00004,"45 Phan Chu Trinh",21.0245,105.8553,0243 826 5555,0912345678,ocop@hanoi.gov.vn,250,"T2-T6 07:30-17:30; T7,CN 08:00-12:00",đang mở,,
HN-02,Quầy OCOP siêu thị Long Biên,quầy trong siêu thị,Công ty Siêu thị,doanh nghiệp,1,00008,"Khu đô thị",,,,,,"80,5",Hằng ngày 08:00-22:00,Đang mở,,
HN-03,Điểm bán Tết Đống Đa,điểm bán tạm thời,Sở Công Thương,trade promotion,01,00008,"Hồ Đống Đa",21.0170,105.8240,,,,,Hằng ngày 08:00-21:00,đang mở,06/02/2026,11/02/2026
HN-04,Điểm bưu điện cũ,điểm bưu điện,Bưu điện Hà Nội,VNPost,01,00004,"Hàng Trống",21.0290,105.8520,,,,,T2-T6 07:00-17:00,đã đóng cửa,,
DB-01,Điểm OCOP Mường Ảng,điểm giới thiệu và bán,HTX Mường Ảng,HTX,11,,"Chợ trung tâm Mường Ảng",21.5275,103.2170,,,,120,T2-CN 06:00-18:00,,,
QN-01,Trung tâm OCOP Hội An,trung tâm OCOP,HTX nông nghiệp sạch Quê Vườn,htx,48,,"72 Nguyễn Thái Học",15.8770,108.3275,,,,,Hằng ngày 08:00-21:30,,,
`

func setup(t *testing.T, now time.Time) (*pgxpool.Pool, *showroom.Service) {
	t.Helper()
	pool := pgtest.NewDB(t)
	f := catalogtest.Fixture{T: t, Pool: pool}
	f.Exec(`INSERT INTO commune (code, province_code, name, full_name, kind, name_fold, lat, lng) VALUES
		('00004', '01', 'Hoàn Kiếm', 'Phường Hoàn Kiếm', 'phuong', 'hoan kiem', 21.0288, 105.8525),
		('00008', '01', 'Long Biên', 'Phường Long Biên', 'phuong', 'long bien', 21.0470, 105.8900)`)
	svc := showroom.New(pool, func() time.Time { return now })
	sh, err := showroom.ReadShowroomsFrom(strings.NewReader(sheetCSV), "csv")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := svc.Import(context.Background(), sh, showroom.ImportOptions{})
	if err != nil || sum.Created != 6 {
		t.Fatalf("import: %s %v %v", sum, err, sum.Errors)
	}
	return pool, svc
}

// vincenty is the WGS84 ellipsoidal distance in km (Vincenty's inverse
// formula): the reference the spherical distances are held to.
func vincenty(a, b showroom.Point) float64 {
	const (
		A = 6378137.0
		F = 1 / 298.257223563
		B = A * (1 - F)
	)
	rad := math.Pi / 180
	L := (b.Lng - a.Lng) * rad
	U1 := math.Atan((1 - F) * math.Tan(a.Lat*rad))
	U2 := math.Atan((1 - F) * math.Tan(b.Lat*rad))
	sinU1, cosU1, sinU2, cosU2 := math.Sin(U1), math.Cos(U1), math.Sin(U2), math.Cos(U2)
	lambda := L
	var sinSigma, cosSigma, sigma, cos2Alpha, cos2SigmaM float64
	for range 200 {
		sinL, cosL := math.Sin(lambda), math.Cos(lambda)
		sinSigma = math.Sqrt(math.Pow(cosU2*sinL, 2) + math.Pow(cosU1*sinU2-sinU1*cosU2*cosL, 2))
		if sinSigma == 0 {
			return 0
		}
		cosSigma = sinU1*sinU2 + cosU1*cosU2*cosL
		sigma = math.Atan2(sinSigma, cosSigma)
		sinAlpha := cosU1 * cosU2 * sinL / sinSigma
		cos2Alpha = 1 - sinAlpha*sinAlpha
		cos2SigmaM = cosSigma - 2*sinU1*sinU2/cos2Alpha
		C := F / 16 * cos2Alpha * (4 + F*(4-3*cos2Alpha))
		prev := lambda
		lambda = L + (1-C)*F*sinAlpha*(sigma+C*sinSigma*(cos2SigmaM+C*cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)))
		if math.Abs(lambda-prev) < 1e-12 {
			break
		}
	}
	u2 := cos2Alpha * (A*A - B*B) / (B * B)
	bigA := 1 + u2/16384*(4096+u2*(-768+u2*(320-175*u2)))
	bigB := u2 / 1024 * (256 + u2*(-128+u2*(74-47*u2)))
	dSigma := bigB * sinSigma * (cos2SigmaM + bigB/4*(cosSigma*(-1+2*cos2SigmaM*cos2SigmaM)-
		bigB/6*cos2SigmaM*(-3+4*sinSigma*sinSigma)*(-3+4*cos2SigmaM*cos2SigmaM)))
	return B * bigA * (sigma - dSigma) / 1000
}

func names(p *showroom.Page) []string {
	var out []string
	for _, s := range p.Items {
		out = append(out, s.Code)
	}
	return out
}

// TestNearMe: distances within 0.5 % of the ellipsoidal reference, sorted
// by distance, limited by the radius; a pop-up outside its dates and a
// showroom closed for good are left out; a commune's centre stands in for
// missing coordinates, marked approximate.
func TestNearMe(t *testing.T) {
	_, svc := setup(t, time.Date(2026, 12, 7, 10, 0, 0, 0, showroom.Vietnam))
	ctx := context.Background()
	p, err := svc.Search(ctx, showroom.Filter{Near: &hoanKiem, RadiusKm: 500})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names(p), ","); got != "HN-01,HN-02,DB-01" {
		t.Fatalf("within 500 km of Hoàn Kiếm: %s", got)
	}
	for _, s := range p.Items {
		ref := vincenty(hoanKiem, showroom.Point{Lat: s.Lat, Lng: s.Lng})
		if s.DistanceKm == nil || math.Abs(*s.DistanceKm-ref) > 0.005*ref {
			t.Errorf("%s: %v km, reference %.3f km", s.Code, s.DistanceKm, ref)
		}
	}
	if d := *p.Items[2].DistanceKm; d < 250 || d > 300 {
		t.Errorf("Mường Ảng is %.1f km from Hoàn Kiếm", d)
	}
	long := p.Items[1]
	if !long.Approximate || long.Lat != 21.0470 || long.AreaM2 == nil || *long.AreaM2 != 80.5 {
		t.Errorf("from the commune's centre: %+v", long)
	}
	if p, _ := svc.Search(ctx, showroom.Filter{Near: &hoanKiem, RadiusKm: 5}); strings.Join(names(p), ",") != "HN-01,HN-02" {
		t.Errorf("within 5 km: %v", names(p))
	}
	// pages of two: the second has the third; a page past the end is
	// empty but still counts them all
	for page, want := range map[int]string{1: "HN-01,HN-02", 2: "DB-01", 3: ""} {
		p, err := svc.Search(ctx, showroom.Filter{Near: &hoanKiem, RadiusKm: 500, Page: page, PerPage: 2})
		if err != nil || strings.Join(names(p), ",") != want || p.Total != 3 {
			t.Errorf("page %d: %v of %d (%v), want %s of 3", page, names(p), p.Total, err, want)
		}
	}
	hoiAn := showroom.Point{Lat: 15.88, Lng: 108.33}
	if p, _ := svc.Search(ctx, showroom.Filter{Near: &hoiAn}); strings.Join(names(p), ",") != "QN-01" {
		t.Errorf("near Hội An: %v", names(p))
	}
	if p, _ := svc.Search(ctx, showroom.Filter{Province: "01", Type: "supermarket_counter"}); strings.Join(names(p), ",") != "HN-02" {
		t.Errorf("by province and type: %v", names(p))
	}
	for _, f := range []showroom.Filter{
		{Near: &showroom.Point{Lat: 48.85, Lng: 2.35}},
		{Near: &hoanKiem, RadiusKm: 501},
		{Near: &hoanKiem, RadiusKm: 0.5},
		{Near: &showroom.Point{Lat: math.NaN(), Lng: 105}},
	} {
		if _, err := svc.Search(ctx, f); !errors.Is(err, showroom.ErrPosition) && !errors.Is(err, showroom.ErrRadius) {
			t.Errorf("%+v: %v", f, err)
		}
	}
	// during its dates the pop-up shows
	_, svc = setup(t, time.Date(2026, 2, 8, 10, 0, 0, 0, showroom.Vietnam))
	if p, _ := svc.Search(ctx, showroom.Filter{Near: &hoanKiem, RadiusKm: 10}); strings.Join(names(p), ",") != "HN-01,HN-03,HN-02" {
		t.Errorf("during the pop-up's dates: %v", names(p))
	}
}

// TestOpenNow: the filter reads each showroom's hours at the service's
// clock, in Vietnam's time.
func TestOpenNow(t *testing.T) {
	// Sunday 13 December 2026, 14:00 in Vietnam (07:00 UTC)
	_, svc := setup(t, time.Date(2026, 12, 13, 7, 0, 0, 0, time.UTC))
	p, err := svc.Search(context.Background(), showroom.Filter{OpenNow: true})
	if err != nil {
		t.Fatal(err)
	}
	// HN-01 closes at 12:00 on Sundays; the others are open
	if got := strings.Join(names(p), ","); got != "HN-02,DB-01,QN-01" {
		t.Errorf("open now: %s", got)
	}
	s, err := svc.Get(context.Background(), p.Items[0].Slug)
	if err != nil || !s.OpenAt(svc.Now()) || s.Hours.Week[6][0].String() != "08:00-22:00" {
		t.Errorf("get: %+v %v", s, err)
	}
}

// TestImportRules: row-numbered errors and nothing written; a re-import
// changes nothing; a change is an update that keeps the slug.
func TestImportRules(t *testing.T) {
	pool, svc := setup(t, time.Now())
	ctx := context.Background()
	sh, _ := showroom.ReadShowroomsFrom(strings.NewReader(sheetCSV), "csv")
	if sum, err := svc.Import(ctx, sh, showroom.ImportOptions{}); err != nil || sum.Unchanged != 6 {
		t.Errorf("re-import: %s %v", sum, err)
	}
	changed := strings.Replace(sheetCSV, `"T2-T6 07:30-17:30; T7,CN 08:00-12:00"`, "T2-T6 07:30-18:00", 1)
	sh, _ = showroom.ReadShowroomsFrom(strings.NewReader(changed), "csv")
	if sum, err := svc.Import(ctx, sh, showroom.ImportOptions{}); err != nil || sum.Updated != 1 || sum.Unchanged != 5 {
		t.Errorf("changed hours: %s %v", sum, err)
	}
	var slug string
	_ = pool.QueryRow(ctx, `SELECT slug FROM showroom WHERE code = 'HN-01'`).Scan(&slug)
	if slug != "trung-tam-ocop-ha-noi" {
		t.Errorf("slug %q", slug)
	}
	bad := "code,name,type,province_code,commune_code,lat,lng,phone,hours,status,valid_from,valid_to\n" +
		"X-1,Điểm A,chợ đêm,01,,21,105.8,,,,,\n" + // unknown type
		"X-2,Điểm B,điểm bán,01,,,,,,,,\n" + // no position at all
		"X-3,Điểm C,điểm bán,01,00004,21,105.8,12345,T2-T6 7:30,mở mãi,,\n" + // phone, hours, status
		"X-4,Điểm D,điểm bán tạm thời,01,00004,,,,,,,\n" + // pop-up without dates
		"X-5,Điểm E,điểm bán,01,00004,48.8,2.3,,,,,\n" // out of Vietnam
	sh, _ = showroom.ReadShowroomsFrom(strings.NewReader(bad), "csv")
	sum, err := svc.Import(ctx, sh, showroom.ImportOptions{})
	if !errors.Is(err, showroom.ErrInvalidRows) || sum.Rejected != 5 {
		t.Fatalf("bad sheet: %s %v", sum, err)
	}
	var msgs []string
	for _, e := range sum.Errors {
		msgs = append(msgs, e.Error())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"dòng 2, cột type", "dòng 3, cột lat", "dòng 4, cột phone", "dòng 4, cột hours", "dòng 4, cột status", "dòng 5, cột valid_to", "dòng 6, cột lat"} {
		if !strings.Contains(all, want) {
			t.Errorf("no %q in:\n%s", want, all)
		}
	}
	var n int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM showroom`).Scan(&n)
	if n != 6 {
		t.Errorf("%d showrooms after a refused sheet", n)
	}
}

// TestProductsCarried: products are matched by folded names; an unknown
// one is a row error; only products whose certificate is in force show.
func TestProductsCarried(t *testing.T) {
	pool, svc := setup(t, time.Now())
	ctx := context.Background()
	f := catalogtest.Fixture{T: t, Pool: pool}
	pid := f.Producer("HTX Chè Tân Cương", "19")
	f.Product(pid, catalogtest.Product{Name: "Chè búp Tân Cương", Group: "I.5.a", Price: 1000, Star: 4})
	f.Product(pid, catalogtest.Product{Name: "Chè hết hạn", Group: "I.5.a", Price: 1000, Star: 3, Cert: "revoked"})
	csv := "showroom_code,product_name,producer_name,province_code\n" +
		"HN-01,che bup tan cuong,HTX CHÈ TÂN CƯƠNG,01\n" +
		"HN-01,Chè hết hạn,HTX Chè Tân Cương,01\n" +
		"HN-01,Chè không có,HTX Chè Tân Cương,01\n"
	sh, err := showroom.ReadProductsFrom(strings.NewReader(csv), "csv")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := svc.ImportProducts(ctx, sh, showroom.ImportOptions{})
	if !errors.Is(err, showroom.ErrInvalidRows) || sum.Rejected != 1 || !strings.Contains(sum.Errors[0].Error(), "dòng 4, cột product_name") {
		t.Fatalf("unknown product: %s %v %v", sum, err, sum.Errors)
	}
	sum, err = svc.ImportProducts(ctx, sh, showroom.ImportOptions{SkipInvalid: true})
	if err != nil || sum.Created != 2 {
		t.Fatalf("skip invalid: %s %v", sum, err)
	}
	if sum, err = svc.ImportProducts(ctx, sh, showroom.ImportOptions{SkipInvalid: true}); err != nil || sum.Unchanged != 2 {
		t.Errorf("again: %s %v", sum, err)
	}
	s, _ := svc.Get(ctx, "trung-tam-ocop-ha-noi")
	carried, err := svc.Products(ctx, s.ID)
	if err != nil || len(carried) != 1 || carried[0].Name != "Chè búp Tân Cương" || s.Products != 1 {
		t.Errorf("carried: %+v (%d) %v", carried, s.Products, err)
	}
	p, err := svc.Search(ctx, showroom.Filter{Product: "che-bup-tan-cuong"})
	if err != nil || strings.Join(names(p), ",") != "HN-01" {
		t.Errorf("carrying the product: %v %v", names(p), err)
	}
}
