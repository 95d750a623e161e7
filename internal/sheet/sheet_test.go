package sheet_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ocopvn/ocop/internal/sheet"
)

var spec = &sheet.Spec{Columns: []string{"name", "count", "day"}, Required: []string{"name", "count"},
	Aliases: map[string][]string{"name": {"Tên"}, "count": {"Số lượng"}, "day": {"Ngày"}}, Dates: []string{"day"}, Hint: " (ví dụ: Tên, Số lượng)"}

// TestReadCSVAndXLSX: a spec's aliases, a title above the header, a
// semicolon CSV, an XLSX whose date column holds Excel serials, unknown
// columns ignored, and a missing required column named.
func TestReadCSVAndXLSX(t *testing.T) {
	s, err := sheet.Read(strings.NewReader("DANH SÁCH\n\nTÊN;số lượng;Ghi chú\nChè;3;x\n;;\nMắm;4;y\n"), "csv", spec)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(s.Header, ",") != "name,count" || len(s.Records) != 2 || s.Records[1]["name"] != "Mắm" || s.Lines[1] != 6 {
		t.Errorf("csv: %+v", s)
	}
	f := excelize.NewFile()
	_ = f.SetSheetRow("Sheet1", "A1", &[]any{"Tên", "Số lượng", "Ngày"})
	_ = f.SetSheetRow("Sheet1", "A2", &[]any{"Chè", 3, 45658}) // 2025-01-01
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	s, err = sheet.Read(&b, "xlsx", spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Records) != 1 || s.Records[0]["day"] != "2025-01-01" || s.Records[0]["count"] != "3" {
		t.Errorf("xlsx: %+v", s.Records)
	}
	_, err = sheet.Read(strings.NewReader("Tên,Ghi chú\nChè,x\n"), "csv", spec)
	if !errors.Is(err, sheet.ErrBadFile) || !strings.Contains(sheet.FileProblem(err), "thiếu cột bắt buộc: count (ví dụ: Tên, Số lượng)") {
		t.Errorf("missing column: %v", err)
	}
}
