package app_test

import (
	"bytes"
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
)

func init() {
	staffOnly := func(s01, s19, admin int) map[string]int {
		return map[string]int{"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": s01, "staff19": s19, "admin": admin}
	}
	staffPost := func(s01, s19, admin int) map[string]int {
		return map[string]int{"anon": 401, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": s01, "staff19": s19, "admin": admin}
	}
	// withTrade adds what trade19 (trade promotion of province 19) gets
	withTrade := func(m map[string]int, trade int) map[string]int {
		m["trade19"] = trade
		return m
	}
	addMatrix(map[string]map[string]int{
		"GET /mo-cua-hang": {"anon": 303, "shopper": 200, "producerA": 200, "producerB": 200, "staff01": 200, "staff19": 200, "admin": 200},
		// an empty form: invalid (the shopper's own application is waiting: 409)
		"POST /mo-cua-hang":                   {"anon": 401, "shopper": 409, "producerA": 422, "producerB": 422, "staff01": 422, "staff19": 422, "admin": 422},
		"GET /mo-cua-hang/tai-lieu/:document": {"anon": 303, "shopper": 200, "producerA": 404, "producerB": 404, "staff01": 404, "staff19": 404, "admin": 404},
		// the shopper's application is waiting, not open for changes: 409
		"POST /mo-cua-hang/tai-lieu/:document/xoa":            {"anon": 401, "shopper": 409, "producerA": 404, "producerB": 404, "staff01": 404, "staff19": 404, "admin": 404},
		"GET /mo-cua-hang/xa":                                 {"anon": 303, "shopper": 200, "producerA": 200, "producerB": 200, "staff01": 200, "staff19": 200, "admin": 200},
		"GET /quan-tri/ho-so":                                 staffOnly(200, 200, 200),
		"GET /quan-tri/ho-so/:application":                    staffOnly(404, 200, 200),
		"GET /quan-tri/ho-so/:application/tai-lieu/:document": staffOnly(404, 200, 200),
		// approving is a real decision: not sent for the allowed roles
		"POST /quan-tri/ho-so/:application/duyet":                      staffPost(404, 0, 0),
		"POST /quan-tri/ho-so/:application/yeu-cau-bo-sung":            staffPost(404, 422, 422),
		"POST /quan-tri/ho-so/:application/tu-choi":                    staffPost(404, 422, 422),
		"POST /quan-tri/ho-so/:application/gan-chu-the":                staffPost(404, 422, 422),
		"GET /quan-tri/chu-the":                                        staffOnly(200, 200, 200),
		"GET /quan-tri/chu-the/:producer":                              staffOnly(403, 200, 200),
		"POST /quan-tri/chu-the/:producer/tam-ngung":                   staffPost(403, 422, 422),
		"POST /quan-tri/chu-the/:producer/mo-lai":                      staffPost(403, 409, 409),
		"GET /quan-tri/chu-the/:producer/san-pham/:product/chung-nhan": staffOnly(403, 200, 200),
		// trade promotion may see the page but not record: 403 on sending
		"POST /quan-tri/chu-the/:producer/san-pham/:product/chung-nhan": withTrade(staffPost(403, 422, 422), 0),
		"GET /quan-tri/nhat-ky":         staffOnly(200, 200, 200),
		"GET /quan-tri/nhap-quyet-dinh": withTrade(staffOnly(200, 200, 200), 200),
		// an empty multipart form: no file (422); trade promotion may not import (403)
		"POST /quan-tri/nhap-quyet-dinh":     withTrade(staffPost(0, 0, 0), 0),
		"POST /quan-tri/nhap-quyet-dinh/ghi": withTrade(staffPost(422, 422, 422), 403),
		"GET /quan-tri/han-chung-nhan":       withTrade(staffOnly(200, 200, 200), 200),
		"GET /quan-tri/thu-hoi":              withTrade(staffOnly(200, 200, 200), 200),
		// an empty form: no decision, no product
		"POST /quan-tri/thu-hoi": withTrade(staffPost(422, 422, 422), 422),
		"GET /quan-tri/can-bo":   staffOnly(403, 403, 200),
		"POST /quan-tri/can-bo":  staffPost(403, 403, 422),
	})
	matrixParams["application"] = func(t *testing.T, s *site, p principals) string {
		id, _ := matrixApplication(t, s, p)
		return strconv.FormatInt(id, 10)
	}
	matrixParams["document"] = func(t *testing.T, s *site, p principals) string {
		_, doc := matrixApplication(t, s, p)
		return strconv.FormatInt(doc, 10)
	}
	if matrixParams["product"] == nil {
		matrixParams["product"] = func(t *testing.T, s *site, p principals) string {
			f := catalogtest.Fixture{T: t, Pool: s.pool}
			return strconv.FormatInt(f.Product(p.producerA, catalogtest.Product{Name: "Chè búp A", Group: "I.5.a", Price: 100000, Star: 3}), 10)
		}
	}
}

var matrixApps sync.Map // *site -> [2]int64

// matrixApplication is the shopper's waiting application in province 19
// (producerA's province) with one document.
func matrixApplication(t *testing.T, s *site, p principals) (app, doc int64) {
	t.Helper()
	if v, ok := matrixApps.Load(s); ok {
		ids := v.([2]int64)
		return ids[0], ids[1]
	}
	ctx := context.Background()
	err := s.pool.QueryRow(ctx, `INSERT INTO producer_application (user_id, legal_name, producer_type, tax_code, representative, province_code, phone_e164)
		VALUES ($1, 'HTX Ma Trận', 'htx', '4600000001', 'Người Đại Diện', '19', '+84912345678') RETURNING id`, p.users["shopper"]).Scan(&app)
	if err != nil {
		t.Fatal(err)
	}
	key := "private/applications/" + strconv.FormatInt(app, 10) + "/0123456789abcdef0123456789abcdef.pdf"
	if err := s.a.Media.Put(ctx, key, bytes.NewReader(pdfDoc), int64(len(pdfDoc)), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	err = s.pool.QueryRow(ctx, `INSERT INTO application_document (application_id, object_key, file_name, content_type, size_bytes)
		VALUES ($1, $2, 'gcn.pdf', 'application/pdf', $3) RETURNING id`, app, key, len(pdfDoc)).Scan(&doc)
	if err != nil {
		t.Fatal(err)
	}
	matrixApps.Store(s, [2]int64{app, doc})
	return app, doc
}
