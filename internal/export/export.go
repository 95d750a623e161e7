// Package export writes tables as CSV or XLSX for staff to download
// (reports, certificate lists), neutralising formula injection (SECURITY.md
// X-06, OWASP "CSV Injection"): a text cell that starts with =, +, -, @, a
// tab or a carriage return is written as text (CSV: prefixed with '; XLSX:
// a string cell), and numbers stay numbers.
package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// A Table is a header and rows of cells: string, int, int64 or float64.
type Table struct {
	Sheet string // the XLSX sheet name (at most 31 characters)
	// Title, when set, is the XLSX sheet's first row (what the table is,
	// and its filters); the header follows it. CSV leaves it out, so
	// scripts read the header first.
	Title string
	// NoBOM leaves out the CSV's byte-order mark (for scripts; Excel
	// needs it to read UTF-8).
	NoBOM  bool
	Header []string
	Rows   [][]any
}

// dangerous reports whether a spreadsheet would read s as a formula.
func dangerous(s string) bool {
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

// text is a cell as CSV text.
func text(v any) string {
	switch x := v.(type) {
	case string:
		if dangerous(x) {
			return "'" + x
		}
		return x
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// CSV writes t as UTF-8 CSV with a byte-order mark, so Excel opens
// Vietnamese text correctly.
func CSV(w io.Writer, t Table) error {
	if !t.NoBOM {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	for _, row := range t.Rows {
		rec := make([]string, len(row))
		for i, v := range row {
			rec[i] = text(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// XLSX writes t as one sheet: text cells as strings (never formulas),
// numbers as numbers.
func XLSX(w io.Writer, t Table) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	sheet := t.Sheet
	if sheet == "" {
		sheet = "Sheet1"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	put := func(col, row int, v any) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		switch x := v.(type) {
		case string:
			// SetCellStr stores a shared string: Excel shows "=…" as text
			return f.SetCellStr(sheet, cell, x)
		case nil:
			return nil
		}
		return f.SetCellValue(sheet, cell, v)
	}
	first := 1
	if t.Title != "" {
		if err := put(1, 1, t.Title); err != nil {
			return err
		}
		first = 2
	}
	for i, h := range t.Header {
		if err := put(i+1, first, h); err != nil {
			return err
		}
	}
	for r, row := range t.Rows {
		for i, v := range row {
			if err := put(i+1, first+r+1, v); err != nil {
				return err
			}
		}
	}
	return f.Write(w)
}
