package importer_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ocopvn/ocop/internal/importer"
)

// TestTemplates: both templates hold every column, read back with nothing
// unrecognised, and import as they are (the example row is valid on the
// day the template is made); the XLSX carries a note and a guide sheet.
func TestTemplates(t *testing.T) {
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := importer.WriteTemplate(&b, format, now()); err != nil {
				t.Fatal(err)
			}
			raw := b.Bytes()
			sh, err := importer.Read(bytes.NewReader(raw), format)
			if err != nil {
				t.Fatal(err)
			}
			if len(sh.Header) != 18 || len(sh.Records) != 1 || sh.Records[0]["product_name"] != "Chè búp Tân Cương (ví dụ)" {
				t.Fatalf("read back: %v, %d records", sh.Header, len(sh.Records))
			}
			sum, err := importer.Import(context.Background(), newDB(t), sh, importer.Options{Now: now, Publish: true})
			if err != nil || sum.Created != 1 || len(sum.Warnings) != 0 {
				t.Fatalf("import: %s %v %v", sum, err, sum.Warnings)
			}
			if format == "csv" {
				if !strings.HasPrefix(string(raw), "product_name,group_code,star,") {
					t.Errorf("csv header: %.60s", raw)
				}
				return
			}
			f, err := excelize.OpenReader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			note, _ := f.GetCellValue("San pham", "A1")
			guide, _ := f.GetRows("Huong dan")
			if !strings.Contains(note, "Dòng 3 là ví dụ") || len(guide) != 19 || guide[1][1] != "product_name" || guide[1][2] != "có" {
				t.Errorf("note %q, guide %v", note, guide)
			}
		})
	}
	if err := importer.WriteTemplate(&bytes.Buffer{}, "ods", now()); err == nil {
		t.Error("ods template written")
	}
}
