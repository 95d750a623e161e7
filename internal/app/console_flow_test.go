package app_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
)

var appIDRE = regexp.MustCompile(`/quan-tri/ho-so/(\d+)"`)

func latestApplication(t *testing.T, s *site, userID int64) (id int64, status string) {
	t.Helper()
	err := s.pool.QueryRow(context.Background(), `SELECT id, status FROM producer_application WHERE user_id = $1 ORDER BY id DESC LIMIT 1`, userID).Scan(&id, &status)
	if err != nil {
		t.Fatal(err)
	}
	return id, status
}

// TestApplyApproveMakesOwner: a signed-up user applies with a document;
// staff of the province sees it in the queue and approves it; the
// producer is created with the application's values, the applicant owns
// it, is signed out by the role change (S-02) and, signed in again, sees
// the back-office link; a second approval is refused.
func TestApplyApproveMakesOwner(t *testing.T) {
	s := newSite(t)
	communes(t, s)
	ctx := context.Background()
	// a producer elsewhere already has the slug the name gives
	catalogtest.Fixture{T: t, Pool: s.pool}.Producer("Hợp tác xã Chè Phú Đô", "91")
	app, uid := applicant(t, s, "lan@example.vn")
	contains(t, app.do("GET", "/tai-khoan", nil).body, `href="/mo-cua-hang"`)
	r := app.do("GET", "/mo-cua-hang", nil)
	if r.status != 200 {
		t.Fatalf("GET /mo-cua-hang: %d", r.status)
	}
	contains(t, r.body, "Gửi hồ sơ", `name="legal_name"`, `name="producer_type"`, `name="documents"`, `enctype="multipart/form-data"`)

	// NFD input is stored NFC; the commune may be given by name
	form := with(goodApplication(), "legal_name", "Ho\u031b\u0323p ta\u0301c xa\u0303 Che\u0300 Phu\u0301 \u0110o\u0302", "commune", "xã phú đô")
	r = app.uploadDocs("/mo-cua-hang", "/mo-cua-hang", form, []filePart{{name: "giấy đăng ký.pdf", data: pdfDoc}, {name: "anh.png", data: pngDoc, ct: "image/png"}})
	if r.status != 303 || r.location != "/mo-cua-hang?da-gui=1" {
		t.Fatalf("apply: %d %s\n%s", r.status, r.location, r.body)
	}
	appID, status := latestApplication(t, s, uid)
	if status != "submitted" {
		t.Fatalf("status %s", status)
	}
	var got struct{ Name, Commune, Phone, Tax string }
	if err := s.pool.QueryRow(ctx, `SELECT legal_name, commune_code, phone_e164, tax_code FROM producer_application WHERE id = $1`, appID).
		Scan(&got.Name, &got.Commune, &got.Phone, &got.Tax); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(struct{ Name, Commune, Phone, Tax string }{"Hợp tác xã Chè Phú Đô", "05800", "+84912345678", "4601234567"}, got); diff != "" {
		t.Errorf("application (-want +got):\n%s", diff)
	}
	keys := s.objects("private/applications/" + strconv.FormatInt(appID, 10) + "/")
	if len(keys) != 2 || s.count(`SELECT count(*) FROM application_document WHERE application_id = $1`, appID) != 2 {
		t.Fatalf("stored documents: %v", keys)
	}
	keyRE := regexp.MustCompile(`^private/applications/\d+/[0-9a-f]{32}\.(pdf|png)$`)
	for _, k := range keys {
		if !keyRE.MatchString(k) {
			t.Errorf("key %q", k)
		}
	}
	// the applicant sees the status, a second application is refused
	r = app.do("GET", "/mo-cua-hang", nil)
	contains(t, r.body, "Chờ duyệt", "giấy đăng ký.pdf")
	if strings.Contains(r.body, `name="legal_name"`) {
		t.Error("form shown while the application waits")
	}
	if r = app.uploadDocs("/mo-cua-hang", "/tai-khoan", goodApplication(), nil); r.status != 409 {
		t.Errorf("second application: %d", r.status)
	}

	// documents: the applicant and the province's staff, nobody else
	var docID int64
	if err := s.pool.QueryRow(ctx, `SELECT id FROM application_document WHERE application_id = $1 AND content_type = 'application/pdf'`, appID).Scan(&docID); err != nil {
		t.Fatal(err)
	}
	doc := strconv.FormatInt(docID, 10)
	resp, body := app.getFull("/mo-cua-hang/tai-lieu/" + doc)
	if resp.StatusCode != 200 || body != string(pdfDoc) {
		t.Fatalf("applicant's document: %d", resp.StatusCode)
	}
	for h, want := range map[string]string{"Content-Type": "application/pdf", "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("Content-Disposition %q", cd)
	}
	other, _ := applicant(t, s, "other@example.vn")
	if r := other.do("GET", "/mo-cua-hang/tai-lieu/"+doc, nil); r.status != 404 {
		t.Errorf("other user's document: %d", r.status)
	}
	staff19, staffID := staffClient(t, s, "staff19@example.vn", "19")
	staff01, _ := staffClient(t, s, "staff01@example.vn", "01")
	docPath := "/quan-tri/ho-so/" + strconv.FormatInt(appID, 10) + "/tai-lieu/" + doc
	if resp, _ := staff19.getFull(docPath); resp.StatusCode != 200 || resp.Header.Get("Content-Disposition") == "" {
		t.Errorf("staff19 document: %d", resp.StatusCode)
	}
	if r := staff01.do("GET", docPath, nil); r.status != 404 {
		t.Errorf("staff01 document: %d", r.status)
	}

	// the queue: staff19 sees it, staff01 does not
	r = staff19.do("GET", "/quan-tri/ho-so", nil)
	if m := appIDRE.FindStringSubmatch(r.body); r.status != 200 || m == nil || m[1] != strconv.FormatInt(appID, 10) {
		t.Fatalf("staff19 queue: %d", r.status)
	}
	if r := staff01.do("GET", "/quan-tri/ho-so", nil); appIDRE.MatchString(r.body) {
		t.Error("staff01 sees province 19's application")
	}
	appPath := "/quan-tri/ho-so/" + strconv.FormatInt(appID, 10)
	if r := staff01.do("GET", appPath, nil); r.status != 404 {
		t.Errorf("staff01 application page: %d", r.status)
	}
	for _, action := range []string{"/duyet", "/tu-choi", "/yeu-cau-bo-sung"} {
		if r := staff01.post(appPath+action, "/tai-khoan", "note", "x"); r.status != 404 {
			t.Errorf("staff01 %s: %d", action, r.status)
		}
	}
	if _, st := latestApplication(t, s, uid); st != "submitted" || s.count(`SELECT count(*) FROM producer WHERE province_code = '19'`) != 0 {
		t.Fatal("staff01 changed the application")
	}

	// forged CSRF: refused, nothing changed
	f := map[string][]string{"_csrf": {"forged"}}
	if r := staff19.do("POST", appPath+"/duyet", f); r.status != 403 {
		t.Errorf("forged CSRF: %d", r.status)
	}
	if _, st := latestApplication(t, s, uid); st != "submitted" {
		t.Fatal("forged CSRF changed the application")
	}

	r = staff19.do("GET", appPath, nil)
	contains(t, r.body, "Hợp tác xã Chè Phú Đô", "Nguyễn Thị Lan", "Xã Phú Đô", "Duyệt hồ sơ", "giấy đăng ký.pdf")
	r = staff19.post(appPath+"/duyet", "/tai-khoan")
	if r.status != 303 {
		t.Fatalf("approve: %d\n%s", r.status, r.body)
	}
	type producerRow struct {
		Name, Fold, Type, Tax, Province, Commune, Street, Slug, Phone, Reg, Rep, Zalo, Status string
	}
	var p producerRow
	var pid int64
	err := s.pool.QueryRow(ctx, `SELECT id, name, name_fold, producer_type, tax_code, province_code, commune_code, street_line, slug,
		coalesce(phone_e164, ''), registration_no, representative, zalo, status FROM producer WHERE province_code = '19'`).
		Scan(&pid, &p.Name, &p.Fold, &p.Type, &p.Tax, &p.Province, &p.Commune, &p.Street, &p.Slug, &p.Phone, &p.Reg, &p.Rep, &p.Zalo, &p.Status)
	if err != nil {
		t.Fatal(err)
	}
	want := producerRow{"Hợp tác xã Chè Phú Đô", "hop tac xa che phu do", "htx", "4601234567", "19", "05800", "Xóm Tân Phú",
		"hop-tac-xa-che-phu-do-2", "", "17G8000123", "Nguyễn Thị Lan", "", "active"}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("producer (-want +got):\n%s", diff)
	}
	// the applicant's phone and Zalo stay private: not on the public
	// page nor in the API (the address is, as on the certificate)
	for _, path := range []string{"/cua-hang/" + p.Slug, "/api/v1/producers/" + p.Slug} {
		r := s.client().do("GET", path, nil)
		if r.status != 200 {
			t.Fatalf("%s: %d", path, r.status)
		}
		for _, phone := range []string{"912345678", "912 345 678", "0912", "tel:"} {
			if strings.Contains(r.body, phone) {
				t.Errorf("%s shows the applicant's phone (%q)", path, phone)
			}
		}
		contains(t, r.body, "Xóm Tân Phú")
	}
	if n := s.count(`SELECT count(*) FROM producer_member WHERE user_id = $1 AND producer_id = $2 AND role = 'owner'`, uid, pid); n != 1 {
		t.Error("applicant is not the owner")
	}
	var appStatus string
	var appProducer, reviewer int64
	if err := s.pool.QueryRow(ctx, `SELECT status, producer_id, reviewed_by FROM producer_application WHERE id = $1`, appID).Scan(&appStatus, &appProducer, &reviewer); err != nil {
		t.Fatal(err)
	}
	if appStatus != "approved" || appProducer != pid || reviewer != staffID {
		t.Errorf("application after approval: %s %d %d", appStatus, appProducer, reviewer)
	}
	if n := s.count(`SELECT count(*) FROM audit_log WHERE actor_id = $1 AND acting_as = 'staff' AND producer_id = $2 AND
		((entity = 'application' AND action = 'approve') OR (entity = 'producer' AND action = 'create'))`, staffID, pid); n != 2 {
		t.Errorf("audit entries of the approval: %d", n)
	}
	if n := s.count(`SELECT count(*) FROM audit_log WHERE actor_id = $1 AND acting_as = 'user' AND entity = 'application' AND action = 'submit'`, uid); n != 1 {
		t.Errorf("audit entries of the submission: %d", n)
	}
	// the role change ended the applicant's session (S-02): the old
	// cookie is signed out and sent to sign in, which works; signed in
	// again, they see the back-office link
	if n := s.count(`SELECT count(*) FROM user_session WHERE user_id = $1`, uid); n != 0 {
		t.Errorf("%d sessions of the applicant after approval", n)
	}
	r = app.do("GET", "/mo-cua-hang", nil)
	if r.status != 303 || !strings.HasPrefix(r.location, "/dang-nhap") {
		t.Fatalf("old session after approval: %d %s", r.status, r.location)
	}
	if r := app.do("GET", r.location, nil); r.status != 200 || !strings.Contains(r.body, `name="password"`) {
		t.Fatalf("sign-in page after approval: %d", r.status)
	}
	if r := app.signIn("lan@example.vn", "mat khau dung"); r.status != 303 {
		t.Fatalf("sign in again: %d", r.status)
	}
	r = app.do("GET", "/mo-cua-hang", nil)
	contains(t, r.body, "/quan-ly/"+strconv.FormatInt(pid, 10))
	contains(t, app.do("GET", "/tai-khoan", nil).body, `href="/quan-ly/`+strconv.FormatInt(pid, 10)+`"`)
	// a stale second click
	r = staff19.post(appPath+"/duyet", "/tai-khoan")
	if r.status != 409 || !strings.Contains(r.body, "đã được xử lý") {
		t.Errorf("second approval: %d", r.status)
	}
	if n := s.count(`SELECT count(*) FROM producer WHERE province_code = '19'`); n != 1 {
		t.Errorf("%d producers after a second approval", n)
	}
	// the audit log page shows the entries in words
	r = staff19.do("GET", "/quan-tri/nhat-ky", nil)
	contains(t, r.body, "Cán bộ staff19@example.vn", "Cán bộ thay mặt", "duyệt")
	if r := staff01.do("GET", "/quan-tri/nhat-ky", nil); strings.Contains(r.body, "Cán bộ staff19@example.vn") {
		t.Error("staff01 sees province 19's audit entries")
	}
}

// TestRequestChangesResubmitReject: changes requested with a note (a
// note is required), the applicant sees it and resubmits with the form
// pre-filled; rejection shows the reason and a new form.
func TestRequestChangesResubmitReject(t *testing.T) {
	s := newSite(t)
	communes(t, s)
	app, uid := applicant(t, s, "0987654321")
	if r := app.uploadDocs("/mo-cua-hang", "/mo-cua-hang", goodApplication(), []filePart{{name: "gcn.pdf", data: pdfDoc}}); r.status != 303 {
		t.Fatalf("apply: %d", r.status)
	}
	appID, _ := latestApplication(t, s, uid)
	appPath := "/quan-tri/ho-so/" + strconv.FormatInt(appID, 10)
	admin, adminID := staffClient(t, s, "admin@example.vn")
	if r := admin.post(appPath+"/yeu-cau-bo-sung", "/tai-khoan", "note", "  "); r.status != 422 || !strings.Contains(r.body, `id="note-changes-error"`) {
		t.Errorf("empty note: %d", r.status)
	}
	if r := admin.post(appPath+"/yeu-cau-bo-sung", "/tai-khoan", "note", "Thiếu giấy chứng nhận đăng ký HTX bản rõ nét."); r.status != 303 {
		t.Fatalf("request changes: %d", r.status)
	}
	if _, st := latestApplication(t, s, uid); st != "changes_requested" {
		t.Fatalf("status %s", st)
	}
	if n := s.count(`SELECT count(*) FROM audit_log WHERE actor_id = $1 AND acting_as = 'admin' AND action = 'request_changes'`, adminID); n != 1 {
		t.Errorf("audit: %d", n)
	}
	r := app.do("GET", "/mo-cua-hang", nil)
	contains(t, r.body, "Thiếu giấy chứng nhận đăng ký HTX bản rõ nét.", `value="Hợp tác xã Chè Phú Đô"`, "Gửi hồ sơ")
	// deciding a non-waiting application is refused
	if r := admin.post(appPath+"/tu-choi", "/tai-khoan", "note", "x"); r.status != 409 {
		t.Errorf("reject while changes are requested: %d", r.status)
	}
	// resubmit: same application, one more document
	if r := app.uploadDocs("/mo-cua-hang", "/mo-cua-hang", with(goodApplication(), "registration_no", "17G8000999"), []filePart{{name: "gcn-ro.png", data: pngDoc}}); r.status != 303 {
		t.Fatalf("resubmit: %d\n%s", r.status, r.body)
	}
	id2, st := latestApplication(t, s, uid)
	if id2 != appID || st != "submitted" || s.count(`SELECT count(*) FROM application_document WHERE application_id = $1`, appID) != 2 {
		t.Fatalf("resubmission: id %d status %s", id2, st)
	}
	if r := admin.post(appPath+"/tu-choi", "/tai-khoan", "note", "Sản phẩm chưa có chứng nhận OCOP."); r.status != 303 {
		t.Fatalf("reject: %d", r.status)
	}
	r = app.do("GET", "/mo-cua-hang", nil)
	contains(t, r.body, "Sản phẩm chưa có chứng nhận OCOP.", "Đã từ chối", `name="legal_name"`)
	if s.count(`SELECT count(*) FROM producer`) != 0 || s.count(`SELECT count(*) FROM producer_member WHERE user_id = $1`, uid) != 0 {
		t.Error("a producer was created")
	}
	// a new application after a rejection
	if r := app.uploadDocs("/mo-cua-hang", "/mo-cua-hang", goodApplication(), nil); r.status != 303 {
		t.Fatalf("new application: %d", r.status)
	}
	if id3, st := latestApplication(t, s, uid); id3 == appID || st != "submitted" {
		t.Errorf("new application: %d %s", id3, st)
	}
}

// TestApproveDuplicateName: a producer of the same name (folded) in the
// province → a clear refusal, nothing changed.
func TestApproveDuplicateName(t *testing.T) {
	s := newSite(t)
	communes(t, s)
	catalogtest.Fixture{T: t, Pool: s.pool}.Producer("HỢP TÁC XÃ CHÈ PHÚ ĐÔ", "19")
	app, uid := applicant(t, s, "dup@example.vn")
	if r := app.uploadDocs("/mo-cua-hang", "/mo-cua-hang", goodApplication(), nil); r.status != 303 {
		t.Fatalf("apply: %d", r.status)
	}
	appID, _ := latestApplication(t, s, uid)
	staff, _ := staffClient(t, s, "s19@example.vn", "19")
	appPath := "/quan-tri/ho-so/" + strconv.FormatInt(appID, 10)
	r := staff.post(appPath+"/duyet", "/tai-khoan")
	if r.status != 409 || !strings.Contains(r.body, "đã có một chủ thể cùng tên") {
		t.Errorf("duplicate: %d", r.status)
	}
	if _, st := latestApplication(t, s, uid); st != "submitted" || s.count(`SELECT count(*) FROM producer`) != 1 ||
		s.count(`SELECT count(*) FROM producer_member`) != 0 || s.count(`SELECT count(*) FROM audit_log WHERE action = 'approve'`) != 0 {
		t.Error("something changed")
	}
}

// TestApplyValidation: each bad field gives 422 with the user's input and
// a message next to the field; nothing is stored.
func TestApplyValidation(t *testing.T) {
	s := newSite(t)
	communes(t, s)
	app, _ := applicant(t, s, "val@example.vn")
	tests := []struct {
		name, field string
		form        map[string]string
	}{
		{"tax code short", "tax_code", with(goodApplication(), "tax_code", "12345")},
		{"tax code letters", "tax_code", with(goodApplication(), "tax_code", "46012345AB")},
		{"tax code missing for a cooperative", "tax_code", with(goodApplication(), "tax_code", "")},
		{"phone", "phone", with(goodApplication(), "phone", "12345")},
		{"phone letters", "phone", with(goodApplication(), "phone", "09123abc78")},
		{"commune outside the province", "commune", with(goodApplication(), "commune", "00004")},
		{"commune unknown", "commune", with(goodApplication(), "commune", "Xã Không Có")},
		{"commune missing", "commune", with(goodApplication(), "commune", "")},
		{"representative missing", "representative", with(goodApplication(), "representative", " ")},
		{"legal name missing", "legal_name", with(goodApplication(), "legal_name", "")},
		{"type unknown", "producer_type", with(goodApplication(), "producer_type", "llc")},
		{"province unknown", "province", with(goodApplication(), "province", "99")},
		{"legal name too long", "legal_name", with(goodApplication(), "legal_name", strings.Repeat("Chè ", 100))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := app.uploadDocs("/mo-cua-hang", "/mo-cua-hang", tt.form, nil)
			if r.status != 422 {
				t.Fatalf("status %d", r.status)
			}
			contains(t, r.body, `id="`+tt.field+`-error"`, `aria-describedby="`, `value="17G8000123"`)
		})
	}
	// the commune list of a province, for the form's script
	r := app.do("GET", "/mo-cua-hang/xa?tinh=19", nil)
	if r.status != 200 || !strings.Contains(r.body, `{"code":"05800","name":"Xã Phú Đô"}`) || strings.Contains(r.body, "Ba Đình") {
		t.Errorf("communes of 19: %d %s", r.status, r.body)
	}
	if r := app.do("GET", "/mo-cua-hang/xa?tinh=x'", nil); r.status != 200 || r.body != "[]" {
		t.Errorf("communes of a bad code: %d %s", r.status, r.body)
	}
	// optional tax code for a household, landline phone, commune by "code name"
	r = app.uploadDocs("/mo-cua-hang", "/mo-cua-hang", with(goodApplication(), "producer_type", "ho_kinh_doanh", "tax_code", "",
		"phone", "(0208) 3 855 123", "commune", "05801 Xã Tân Cương"), nil)
	if r.status != 303 {
		t.Fatalf("household: %d\n%s", r.status, r.body)
	}
	var phone, commune string
	var tax *string
	if err := s.pool.QueryRow(context.Background(), `SELECT phone_e164, commune_code, tax_code FROM producer_application`).Scan(&phone, &commune, &tax); err != nil {
		t.Fatal(err)
	}
	if phone != "+842083855123" || commune != "05801" || tax != nil {
		t.Errorf("household application: %s %s %v", phone, commune, tax)
	}
	if s.count(`SELECT count(*) FROM producer_application`) != 1 {
		t.Error("invalid applications were stored")
	}
}

// TestLinkExistingProducer: when the applicant's producer exists already
// in the province (imported), the officer links the application to it:
// the applicant becomes its owner (signed out, S-02), the application is
// approved with that producer, audited; no producer is created. A
// producer with an owner, one of another province, and the officer's own
// application are refused.
func TestLinkExistingProducer(t *testing.T) {
	s := newSite(t)
	communes(t, s)
	fx := catalogtest.Fixture{T: t, Pool: s.pool}
	pid := fx.Producer("HỢP TÁC XÃ CHÈ PHÚ ĐÔ", "19")
	owned := fx.Producer("HTX Có Chủ", "19")
	elsewhere := fx.Producer("HTX Chè Nơi Khác", "01")
	var elsewhereSlug string
	if err := s.pool.QueryRow(context.Background(), `SELECT slug FROM producer WHERE id = $1`, elsewhere).Scan(&elsewhereSlug); err != nil {
		t.Fatal(err)
	}
	app, uid := applicant(t, s, "link@example.vn")
	if r := app.uploadDocs("/mo-cua-hang", "/mo-cua-hang", goodApplication(), nil); r.status != 303 {
		t.Fatalf("apply: %d", r.status)
	}
	appID, _ := latestApplication(t, s, uid)
	appPath := "/quan-tri/ho-so/" + strconv.FormatInt(appID, 10)
	staff, staffID := staffClient(t, s, "link19@example.vn", "19")
	r := staff.do("GET", appPath, nil)
	contains(t, r.body, "Gắn với chủ thể đã có", `name="existing" value="`+strconv.FormatInt(pid, 10)+`"`, "HỢP TÁC XÃ CHÈ PHÚ ĐÔ")
	// refusals: nothing chosen, another province's producer, a producer with an owner
	if r := staff.post(appPath+"/gan-chu-the", "/tai-khoan", "existing", ""); r.status != 422 || !strings.Contains(r.body, `id="existing-error"`) {
		t.Errorf("nothing chosen: %d", r.status)
	}
	if r := staff.post(appPath+"/gan-chu-the", "/tai-khoan", "existing", elsewhereSlug); r.status != 422 {
		t.Errorf("another province's producer: %d", r.status)
	}
	other := s.user("owner@example.vn", "Chủ cũ", "mat khau dung")
	fx.Exec(`INSERT INTO producer_member (user_id, producer_id, role) VALUES ($1, $2, 'owner')`, other.ID, owned)
	if r := staff.post(appPath+"/gan-chu-the", "/tai-khoan", "existing", strconv.FormatInt(owned, 10)); r.status != 409 || !strings.Contains(r.body, "đã có chủ sở hữu") {
		t.Errorf("producer with an owner: %d", r.status)
	}
	if _, st := latestApplication(t, s, uid); st != "submitted" || s.count(`SELECT count(*) FROM producer_member WHERE user_id = $1`, uid) != 0 {
		t.Fatal("a refused link changed something")
	}
	// by slug, as a pasted address
	var slug string
	if err := s.pool.QueryRow(context.Background(), `SELECT slug FROM producer WHERE id = $1`, pid).Scan(&slug); err != nil {
		t.Fatal(err)
	}
	r = staff.post(appPath+"/gan-chu-the", "/tai-khoan", "existing", " /cua-hang/"+slug+" ")
	if r.status != 303 || r.location != appPath+"?xong=linked" {
		t.Fatalf("link: %d %s\n%s", r.status, r.location, r.body)
	}
	var status string
	var linked, reviewer int64
	if err := s.pool.QueryRow(context.Background(), `SELECT status, producer_id, reviewed_by FROM producer_application WHERE id = $1`, appID).
		Scan(&status, &linked, &reviewer); err != nil {
		t.Fatal(err)
	}
	if status != "approved" || linked != pid || reviewer != staffID {
		t.Errorf("application after the link: %s %d %d", status, linked, reviewer)
	}
	if s.count(`SELECT count(*) FROM producer_member WHERE user_id = $1 AND producer_id = $2 AND role = 'owner'`, uid, pid) != 1 {
		t.Error("the applicant is not the owner")
	}
	if n := s.count(`SELECT count(*) FROM producer`); n != 3 {
		t.Errorf("%d producers, want 3 (none created)", n)
	}
	if n := s.count(`SELECT count(*) FROM user_session WHERE user_id = $1`, uid); n != 0 {
		t.Errorf("%d sessions of the applicant after the link", n)
	}
	if n := s.count(`SELECT count(*) FROM audit_log WHERE actor_id = $1 AND producer_id = $2 AND
		((entity = 'application' AND action = 'link_existing') OR (entity = 'producer' AND action = 'add_owner'))`, staffID, pid); n != 2 {
		t.Errorf("audit entries of the link: %d", n)
	}
	contains(t, staff.do("GET", r.location, nil).body, "Đã gắn người nộp hồ sơ", "gắn với chủ thể đã có")
	// an officer's own application
	self, selfID := staffClient(t, s, "self19@example.vn", "19")
	if r := self.uploadDocs("/mo-cua-hang", "/mo-cua-hang", with(goodApplication(), "legal_name", "HTX Có Chủ"), nil); r.status != 303 {
		t.Fatalf("officer applies: %d", r.status)
	}
	selfApp, _ := latestApplication(t, s, selfID)
	r = self.do("GET", "/quan-tri/ho-so/"+strconv.FormatInt(selfApp, 10), nil)
	contains(t, r.body, "cần cán bộ khác xử lý")
	if strings.Contains(r.body, "/duyet") {
		t.Error("the officer's own application offers the decision forms")
	}
	fx.Exec(`DELETE FROM producer_member WHERE producer_id = $1`, owned)
	if r := self.post("/quan-tri/ho-so/"+strconv.FormatInt(selfApp, 10)+"/gan-chu-the", "/tai-khoan", "existing", strconv.FormatInt(owned, 10)); r.status != 409 ||
		!strings.Contains(r.body, "cần cán bộ khác xử lý") {
		t.Errorf("own application: %d", r.status)
	}
}
