package export

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestFormulaInjection: SECURITY.md X-06 with its own examples.
func TestFormulaInjection(t *testing.T) {
	tb := Table{Sheet: "Chứng nhận", Header: []string{"Sản phẩm", "Giá"}, Rows: [][]any{
		{`=HYPERLINK("http://evil","x")`, int64(120000)},
		{"@SUM(1+1)", 95.64},
		{"-2+3", 1},
		{"\tcmd", 0},
		{"Chè Tân Cương", int64(250000)},
	}}
	var b bytes.Buffer
	if err := CSV(&b, tb); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "\uFEFF") {
		t.Error("no byte-order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{`'=HYPERLINK("http://evil","x")`, "'@SUM(1+1)", "'-2+3", "'\tcmd", "Chè Tân Cương"} {
		if recs[i+1][0] != want {
			t.Errorf("csv row %d = %q, want %q", i+1, recs[i+1][0], want)
		}
	}
	if recs[1][1] != "120000" || recs[2][1] != "95.64" {
		t.Errorf("numbers: %v", recs)
	}

	b.Reset()
	if err := XLSX(&b, tb); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, cell := range []string{"A2", "A3", "A4"} {
		ty, _ := f.GetCellType("Chứng nhận", cell)
		formula, _ := f.GetCellFormula("Chứng nhận", cell)
		if ty != excelize.CellTypeSharedString || formula != "" {
			t.Errorf("%s: type %v, formula %q", cell, ty, formula)
		}
	}
	if v, _ := f.GetCellValue("Chứng nhận", "A2"); v != `=HYPERLINK("http://evil","x")` {
		t.Errorf("A2 = %q", v)
	}
	if ty, _ := f.GetCellType("Chứng nhận", "B2"); ty != excelize.CellTypeNumber && ty != excelize.CellTypeUnset {
		t.Errorf("B2 type %v, want a number", ty)
	}
	if v, _ := f.GetCellValue("Chứng nhận", "B2"); v != "120000" {
		t.Errorf("B2 = %q", v)
	}
}
