package app_test

import (
	"bytes"
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
