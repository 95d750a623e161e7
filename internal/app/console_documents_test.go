package app_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
)

// TestApplicationDocumentsMinIO: documents are checked by content, not
// name or declared type; a refused upload leaves no object and no row;
// accepted ones are stored privately in MinIO.
func TestApplicationDocumentsMinIO(t *testing.T) {
	s, store := newSiteMinIO(t)
	communes(t, s)
	app, uid := applicant(t, s, "docs@example.vn")
	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	html := []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"), bytes.Repeat([]byte{0}, 200)...)
	big := append(append([]byte{}, pdfDoc...), bytes.Repeat([]byte{' '}, 11<<20)...)
	six := make([]filePart, 6)
	for i := range six {
		six[i] = filePart{name: "gcn.pdf", data: pdfDoc}
	}
	tests := []struct {
		name  string
		files []filePart
		msg   string
	}{
		{"svg as png", []filePart{{name: "anh.png", data: svg, ct: "image/png"}}, "không phải PDF"},
		{"html renamed .pdf", []filePart{{name: "giay.pdf", data: html, ct: "application/pdf"}}, "không phải PDF"},
		{"executable", []filePart{{name: "gcn.pdf", data: exe}}, "không phải PDF"},
		{"zero bytes", []filePart{{name: "trong.pdf", data: nil}}, "trống"},
		{"11 MB", []filePart{{name: "lon.pdf", data: big}}, "10 MB"},
		{"six files", six, "tối đa 5"},
		{"a good file with a bad one", []filePart{{name: "gcn.pdf", data: pdfDoc}, {name: "x.pdf", data: html}}, "không phải PDF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := app.uploadDocs("/mo-cua-hang", "/mo-cua-hang", goodApplication(), tt.files)
			if r.status != 422 || !strings.Contains(r.body, `id="documents-error"`) || !strings.Contains(r.body, tt.msg) {
				t.Fatalf("status %d, want 422 with %q next to documents", r.status, tt.msg)
			}
			if keys := s.objects("private/"); len(keys) != 0 {
				t.Errorf("objects left behind: %v", keys)
			}
			if n := s.count(`SELECT count(*) FROM producer_application`) + s.count(`SELECT count(*) FROM application_document`); n != 0 {
				t.Errorf("%d rows left behind", n)
			}
		})
	}
	r := app.uploadDocs("/mo-cua-hang", "/mo-cua-hang", goodApplication(), []filePart{{name: "gcn.pdf", data: pdfDoc}, {name: "anh.jpg", data: pngDoc, ct: "image/jpeg"}})
	if r.status != 303 {
		t.Fatalf("good documents: %d", r.status)
	}
	objs, err := store.List(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 {
		t.Fatalf("objects in the bucket: %v", objs)
	}
	for _, o := range objs {
		if !strings.HasPrefix(o.Key, "private/applications/") {
			t.Errorf("key %s outside private/", o.Key)
		}
	}
	// the PNG named .jpg is stored as what it is
	if n := s.count(`SELECT count(*) FROM application_document WHERE content_type = 'image/png' AND object_key LIKE '%.png'`); n != 1 {
		t.Errorf("png documents: %d", n)
	}
	_ = uid
}

// TestReplaceDocumentsAfterChangesRequested: a refused form asks to
// choose the files again; while changes are requested the applicant may
// delete a document (audited, its object gone) and so replace a full
// set of five; the form shows the commune by name; nobody else may
// delete, nor anyone while the application waits.
func TestReplaceDocumentsAfterChangesRequested(t *testing.T) {
	s := newSite(t)
	communes(t, s)
	ctx := context.Background()
	app, uid := applicant(t, s, "docs@example.vn")
	// a refused form with files: "choose them again"
	r := app.uploadDocs("/mo-cua-hang", "/mo-cua-hang", with(goodApplication(), "phone", "x"), []filePart{{name: "a.pdf", data: pdfDoc}})
	if r.status != 422 || !strings.Contains(r.body, "Vui lòng chọn lại tệp") {
		t.Errorf("refused form with files: %d", r.status)
	}
	if r := app.uploadDocs("/mo-cua-hang", "/mo-cua-hang", with(goodApplication(), "phone", "x"), nil); strings.Contains(r.body, "Vui lòng chọn lại tệp") {
		t.Error("asks to choose files again when none were sent")
	}
	five := make([]filePart, 5)
	for i := range five {
		five[i] = filePart{name: "giay-" + strconv.Itoa(i) + ".pdf", data: pdfDoc}
	}
	if r := app.uploadDocs("/mo-cua-hang", "/mo-cua-hang", goodApplication(), five); r.status != 303 {
		t.Fatalf("apply: %d\n%s", r.status, r.body)
	}
	appID, _ := latestApplication(t, s, uid)
	prefix := "private/applications/" + strconv.FormatInt(appID, 10) + "/"
	var docID int64
	var key string
	if err := s.pool.QueryRow(ctx, `SELECT id, object_key FROM application_document WHERE application_id = $1 ORDER BY id LIMIT 1`, appID).Scan(&docID, &key); err != nil {
		t.Fatal(err)
	}
	del := "/mo-cua-hang/tai-lieu/" + strconv.FormatInt(docID, 10) + "/xoa"
	// while it waits: refused
	if r := app.post(del, "/tai-khoan"); r.status != 409 {
		t.Errorf("delete while waiting: %d", r.status)
	}
	admin, _ := staffClient(t, s, "admin-docs@example.vn")
	if r := admin.post("/quan-tri/ho-so/"+strconv.FormatInt(appID, 10)+"/yeu-cau-bo-sung", "/tai-khoan", "note", "Giấy 1 bị mờ."); r.status != 303 {
		t.Fatalf("request changes: %d", r.status)
	}
	r = app.do("GET", "/mo-cua-hang", nil)
	contains(t, r.body, `value="Xã Phú Đô"`, `action="`+del+`"`)
	// a sixth file is refused, nothing stored
	if r := app.uploadDocs("/mo-cua-hang", "/mo-cua-hang", goodApplication(), []filePart{{name: "moi.pdf", data: pdfDoc}}); r.status != 422 {
		t.Errorf("sixth document: %d", r.status)
	}
	if n := len(s.objects(prefix)); n != 5 {
		t.Errorf("%d objects after a refused sixth document", n)
	}
	// another user cannot delete it
	other, _ := applicant(t, s, "other-docs@example.vn")
	if r := other.post(del, "/tai-khoan"); r.status != 404 {
		t.Errorf("other user's delete: %d", r.status)
	}
	r = app.post(del, "/mo-cua-hang")
	if r.status != 303 || r.location != "/mo-cua-hang?da-xoa=1" {
		t.Fatalf("delete: %d %s", r.status, r.location)
	}
	if n := s.count(`SELECT count(*) FROM application_document WHERE application_id = $1`, appID); n != 4 {
		t.Errorf("%d documents after the delete", n)
	}
	for _, k := range s.objects(prefix) {
		if k == key {
			t.Error("the deleted document's object is still stored")
		}
	}
	if n := s.count(`SELECT count(*) FROM audit_log WHERE actor_id = $1 AND entity = 'application' AND entity_id = $2 AND action = 'delete_document'
		AND detail->>'document' = 'giay-0.pdf'`, uid, appID); n != 1 {
		t.Errorf("audit entries of the delete: %d", n)
	}
	contains(t, app.do("GET", "/mo-cua-hang?da-xoa=1", nil).body, "Đã xoá tệp")
	// the replacement fits; the commune sent back by name is understood
	r = app.uploadDocs("/mo-cua-hang", "/mo-cua-hang", with(goodApplication(), "commune", "Xã Phú Đô"), []filePart{{name: "giay-0-ro.pdf", data: pdfDoc}})
	if r.status != 303 {
		t.Fatalf("resubmit: %d\n%s", r.status, r.body)
	}
	if n := s.count(`SELECT count(*) FROM application_document WHERE application_id = $1`, appID); n != 5 || len(s.objects(prefix)) != 5 {
		t.Errorf("after the replacement: %d documents, %d objects", n, len(s.objects(prefix)))
	}
}
