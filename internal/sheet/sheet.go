// Package sheet reads the spreadsheets staff upload (CSV in UTF-8 or
// UTF-16, comma, semicolon or tab separated, or the first sheet of an XLSX
// workbook) into rows keyed by canonical column names. A Spec names the
// columns, their Vietnamese header aliases (compared on a folded key, so
// case, diacritics and punctuation do not matter), which are required and
// which hold dates (Excel date serials become yyyy-mm-dd). The header may
// sit below a title. Errors about the whole file and about single rows are
// bilingual (Vietnamese for people, English for logs and scripts).
package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/unicode"

	"github.com/ocopvn/ocop/internal/vntext"
)

// Limits on what Read accepts.
const (
	maxFileBytes = 64 << 20 // a 5,000-row catalog is about 2 MB
	maxRows      = 100000
	headerSearch = 20 // rows scanned for the header (titles may sit above it)
)

// Spec describes the columns of a kind of file.
type Spec struct {
	// Columns are the canonical names, in the order of the template.
	Columns []string
	// Required are the columns a file must have.
	Required []string
	// Aliases maps a canonical name to the headers accepted for it.
	Aliases map[string][]string
	// Dates are the columns whose numeric XLSX cells are Excel dates.
	Dates []string
	// Hint ends the message about missing columns (Vietnamese), e.g. an
	// example of an accepted header.
	Hint string

	once   sync.Once
	lookup map[string]string // fold key of every accepted header → canonical name
}

// compile builds the header lookup once.
func (s *Spec) compile() { s.once.Do(s.build) }

func (s *Spec) build() {
	m := make(map[string]string)
	for _, c := range s.Columns {
		m[vntext.Fold(c)] = c
		for _, a := range s.Aliases[c] {
			m[vntext.Fold(a)] = c
		}
	}
	s.lookup = m
}

// minHeader is how many recognised cells make a row the header (fewer
// when the spec has fewer columns).
func (s *Spec) minHeader() int { return min(3, len(s.Required), len(s.Columns)) }

// RowError is one problem with one row of a file.
type RowError struct {
	Line     int    // CSV physical line or spreadsheet row number (1-based)
	Column   string // canonical column name; "" when the whole row is at fault
	ReasonVI string
	ReasonEN string
}

// Error returns "dòng 12, cột star: … / line 12, column star: …".
func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("dòng %d: %s / line %d: %s", e.Line, e.ReasonVI, e.Line, e.ReasonEN)
	}
	return fmt.Sprintf("dòng %d, cột %s: %s / line %d, column %s: %s",
		e.Line, e.Column, e.ReasonVI, e.Line, e.Column, e.ReasonEN)
}

// ErrBadFile is wrapped by errors about a whole file: unreadable, not CSV
// or XLSX, not UTF-8, or missing required columns.
var ErrBadFile = errors.New("sheet: bad file")

// fileError returns a bilingual error wrapping ErrBadFile.
func fileError(vi, en string) error {
	return &badFile{vi: vi, en: en}
}

// badFile is a file that cannot be read, in both languages.
type badFile struct{ vi, en string }

func (e *badFile) Error() string { return fmt.Sprintf("%v: %s / %s", ErrBadFile, e.vi, e.en) }

func (e *badFile) Unwrap() error { return ErrBadFile }

// FileProblem returns why a file could not be read, in Vietnamese, or ""
// when err is not about the file.
func FileProblem(err error) string {
	var b *badFile
	if errors.As(err, &b) {
		return b.vi
	}
	return ""
}

// Record is one data row: canonical column name → raw cell text. Columns
// the file does not have are absent.
type Record map[string]string

// Sheet is a file read into memory, before validation.
type Sheet struct {
	// Header holds the canonical names of the recognised columns, in file
	// order. Unknown columns are left out.
	Header []string
	// Records holds the non-empty data rows; Lines[i] is the line of
	// Records[i] (the physical CSV line, or the spreadsheet row number).
	Records []Record
	Lines   []int
	// Errors lists rows that could not be read at all (a broken quote, a
	// row with the wrong number of cells). Import reports them as rejected.
	Errors []RowError
}

// ReadFile reads a file of spec: .csv or .xlsx, told apart by content (an
// XLSX file is a ZIP archive) and then by extension.
func ReadFile(path string, spec *Spec) (*Sheet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	format := ""
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".txt":
		format = "csv"
	case ".xlsx", ".xlsm":
		format = "xlsx"
	}
	return read(f, format, spec)
}

// Read reads a file of spec in the given format, "csv" or "xlsx". Content that is
// plainly of the other format (an XLSX is a ZIP archive) is read as what it
// is.
func Read(r io.Reader, format string, spec *Spec) (*Sheet, error) {
	format = strings.ToLower(strings.TrimPrefix(format, "."))
	if format != "csv" && format != "xlsx" {
		return nil, fileError(fmt.Sprintf("định dạng %q không được hỗ trợ (chỉ csv hoặc xlsx)", format),
			fmt.Sprintf("format %q is not supported (csv or xlsx only)", format))
	}
	return read(r, format, spec)
}

func read(r io.Reader, format string, spec *Spec) (*Sheet, error) {
	spec.compile()
	data, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileBytes {
		return nil, fileError(fmt.Sprintf("tệp lớn hơn %d MB", maxFileBytes>>20),
			fmt.Sprintf("the file is larger than %d MB", maxFileBytes>>20))
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data, spec)
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")):
		return nil, fileError("tệp Excel .xls (bản cũ) không được hỗ trợ: hãy lưu lại thành .xlsx hoặc CSV UTF-8",
			"old Excel .xls files are not supported: save as .xlsx or CSV UTF-8")
	case format == "xlsx":
		return nil, fileError("tệp không phải là bảng tính .xlsx hợp lệ", "the file is not a valid .xlsx workbook")
	}
	return readCSV(data, spec)
}

// headerMap maps the cells of a header row to canonical names ("" for an
// unknown column). It returns how many cells were recognised and an error
// when a column appears twice.
func headerMap(spec *Spec, cells []string) ([]string, int, error) {
	names := make([]string, len(cells))
	seen := make(map[string]string)
	known := 0
	for i, cell := range cells {
		name := spec.lookup[vntext.Fold(cell)]
		if name == "" {
			continue
		}
		if prev, ok := seen[name]; ok {
			return nil, 0, fileError(fmt.Sprintf("cột %s xuất hiện hai lần (%q và %q)", name, prev, strings.TrimSpace(cell)),
				fmt.Sprintf("column %s appears twice (%q and %q)", name, prev, strings.TrimSpace(cell)))
		}
		seen[name] = strings.TrimSpace(cell)
		names[i] = name
		known++
	}
	return names, known, nil
}

// findHeader picks the header among the first rows: the first with at least
// three recognised columns (a title or blank rows may come first), else the
// first non-empty row. It checks that every required column is there.
func findHeader(spec *Spec, rows [][]string) (index int, names []string, err error) {
	first := -1
	for i, cells := range rows {
		if blank(cells) {
			continue
		}
		if first < 0 {
			first = i
		}
		n, known, err := headerMap(spec, cells)
		if err != nil {
			return 0, nil, err
		}
		if known >= spec.minHeader() {
			return i, n, checkRequired(spec, n, cells)
		}
	}
	if first < 0 {
		return 0, nil, fileError("tệp trống, không có dòng tiêu đề", "the file is empty: no header row")
	}
	n, _, err := headerMap(spec, rows[first])
	if err != nil {
		return 0, nil, err
	}
	return first, n, checkRequired(spec, n, rows[first])
}

// checkRequired checks that every required column is among names (the
// canonical names of the header's cells, "" for one not recognised). When
// some are missing, the message also lists the header cells it did not
// recognise, each with the closest missing column: a misspelt "Ten san
// pham" becomes a hint to product_name.
func checkRequired(spec *Spec, names, cells []string) error {
	have := make(map[string]bool)
	for _, n := range names {
		have[n] = true
	}
	var missing []string
	for _, c := range spec.Required {
		if !have[c] {
			missing = append(missing, c)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	m := strings.Join(missing, ", ")
	vi, en := "thiếu cột bắt buộc: "+m+spec.Hint, "missing required columns: "+m
	var unknownVI, unknownEN []string
	for i, c := range cells {
		c = strings.TrimSpace(c)
		if i >= len(names) || names[i] != "" || c == "" {
			continue
		}
		if near, ok := closest(spec, c, missing); ok {
			unknownVI = append(unknownVI, fmt.Sprintf("%q (có phải %s?)", clip(c), near))
			unknownEN = append(unknownEN, fmt.Sprintf("%q (did you mean %s?)", clip(c), near))
		} else {
			unknownVI = append(unknownVI, fmt.Sprintf("%q", clip(c)))
			unknownEN = append(unknownEN, fmt.Sprintf("%q", clip(c)))
		}
	}
	if len(unknownVI) > 0 {
		vi += "; cột không nhận ra: " + strings.Join(unknownVI, ", ")
		en += "; columns not recognised: " + strings.Join(unknownEN, ", ")
	}
	return fileError(vi, en)
}

// closest names the missing column whose canonical name or accepted
// header is nearest to cell (edit distance on fold keys, at most a third
// of the longer one, or one holding the other as words): "product_name"
// or "product_name (Tên sản phẩm)".
func closest(spec *Spec, cell string, missing []string) (string, bool) {
	key := vntext.Fold(cell)
	best, bestD, bestLabel := "", -1, ""
	for _, col := range missing {
		for _, label := range append([]string{col}, spec.Aliases[col]...) {
			k := vntext.Fold(label)
			d := levenshtein(key, k)
			if d*3 > max(len(key), len(k)) && !containsWords(key, k) {
				continue
			}
			if bestD < 0 || d < bestD {
				best, bestD, bestLabel = col, d, label
			}
		}
	}
	if bestD < 0 {
		return "", false
	}
	if bestLabel != best {
		return best + " (" + bestLabel + ")", true
	}
	return best, true
}

// containsWords reports whether one fold key holds the other as whole
// words ("group code guess" holds "group code").
func containsWords(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	return len(b) >= 4 && strings.Contains(" "+a+" ", " "+b+" ")
}

// levenshtein is the edit distance of a and b in bytes (fold keys are
// ASCII).
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// clip shortens a header cell for a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// record builds the Record of a data row from its cells.
func record(names, cells []string) Record {
	rec := make(Record, len(names))
	for i, name := range names {
		if name == "" {
			continue
		}
		if i < len(cells) {
			rec[name] = cells[i]
		} else {
			rec[name] = ""
		}
	}
	return rec
}

func (s *Sheet) setHeader(names []string) {
	for _, n := range names {
		if n != "" {
			s.Header = append(s.Header, n)
		}
	}
}

func (s *Sheet) add(line int, rec Record) error {
	if len(s.Records) >= maxRows {
		return fileError(fmt.Sprintf("tệp có hơn %d dòng dữ liệu; hãy chia nhỏ", maxRows),
			fmt.Sprintf("the file has more than %d data rows: split it", maxRows))
	}
	s.Records = append(s.Records, rec)
	s.Lines = append(s.Lines, line)
	return nil
}

// builder turns rows into a Sheet: it buffers the first rows until the
// header is found, then hands each data row to onRow.
type builder struct {
	s       *Sheet
	spec    *Spec
	names   []string // canonical name per cell position, nil until the header is known
	pending [][]string
	lines   []int
	onRow   func(line int, cells []string) error
}

func (b *builder) row(line int, cells []string) error {
	if b.names != nil {
		if blank(cells) {
			return nil
		}
		return b.onRow(line, cells)
	}
	b.pending = append(b.pending, cells)
	b.lines = append(b.lines, line)
	if len(b.pending) < headerSearch {
		if _, known, _ := headerMap(b.spec, cells); known < b.spec.minHeader() {
			return nil
		}
	}
	return b.resolve()
}

// resolve picks the header among the buffered rows and emits the rows after
// it.
func (b *builder) resolve() error {
	hi, names, err := findHeader(b.spec, b.pending)
	if err != nil {
		return err
	}
	b.names = names
	b.s.setHeader(names)
	pending, lines := b.pending[hi+1:], b.lines[hi+1:]
	b.pending, b.lines = nil, nil
	for i, cells := range pending {
		if err := b.row(lines[i], cells); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) finish() error {
	if b.names == nil {
		return b.resolve()
	}
	return nil
}

// readCSV parses UTF-8 (or UTF-16 with a byte-order mark) CSV with a comma,
// semicolon or tab delimiter.
func readCSV(data []byte, spec *Spec) (*Sheet, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		d, err := dec.Bytes(data)
		if err != nil {
			return nil, fileError("không đọc được tệp UTF-16", "cannot decode the UTF-16 file")
		}
		data = d
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, fileError("tệp không phải mã UTF-8: trong Excel hãy chọn Lưu thành \"CSV UTF-8\"",
			"the file is not UTF-8: save it as \"CSV UTF-8\"")
	}

	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sniffDelimiter(data)
	cr.FieldsPerRecord = -1

	s := &Sheet{}
	b := &builder{s: s, spec: spec}
	b.onRow = func(line int, cells []string) error {
		n := len(b.names)
		if len(cells) < n {
			s.Errors = append(s.Errors, RowError{Line: line,
				ReasonVI: fmt.Sprintf("dòng có %d ô, tiêu đề có %d cột (thiếu ô hoặc sai dấu phân cách?)", len(cells), n),
				ReasonEN: fmt.Sprintf("the row has %d cells but the header has %d columns", len(cells), n)})
			return nil
		}
		if len(cells) > n && !blank(cells[n:]) {
			s.Errors = append(s.Errors, RowError{Line: line,
				ReasonVI: fmt.Sprintf("dòng có %d ô, nhiều hơn %d cột của tiêu đề (dấu phân cách thừa, hoặc ô có dấu phẩy mà không đặt trong ngoặc kép?)", len(cells), n),
				ReasonEN: fmt.Sprintf("the row has %d cells, more than the header's %d columns (a stray delimiter, or a cell with a comma that is not quoted?)", len(cells), n)})
			return nil
		}
		return s.add(line, record(b.names, cells))
	}
	for {
		cells, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// Syntax errors above the header (in a title) do not matter.
			if b.names != nil {
				s.Errors = append(s.Errors, quoteError(pe, cr))
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if err := b.row(line, cells); err != nil {
			return nil, err
		}
	}
	if err := b.finish(); err != nil {
		return nil, err
	}
	return s, nil
}

// quoteError describes a CSV syntax error. A quote that is never closed
// swallows the rest of the file, so the reason says so when that happened.
func quoteError(pe *csv.ParseError, cr *csv.Reader) RowError {
	e := RowError{Line: pe.StartLine}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		e.ReasonVI = fmt.Sprintf("dấu ngoặc kép (\") nằm giữa ô không được bao trong ngoặc kép (dòng %d, vị trí %d); hãy bao cả ô trong ngoặc kép và gấp đôi dấu ngoặc bên trong (\"\")", pe.Line, pe.Column)
		e.ReasonEN = fmt.Sprintf("a quote (\") inside a cell that is not quoted (line %d, position %d): quote the whole cell and double the inner quotes (\"\")", pe.Line, pe.Column)
	case errors.Is(pe.Err, csv.ErrQuote):
		if _, err := cr.Read(); err == io.EOF && pe.Line > pe.StartLine {
			e.ReasonVI = fmt.Sprintf("dấu ngoặc kép (\") mở ở dòng %d không được đóng; phần còn lại của tệp (dòng %d–%d) không đọc được", pe.StartLine, pe.StartLine, pe.Line)
			e.ReasonEN = fmt.Sprintf("a quote (\") opened on line %d is never closed: the rest of the file (lines %d–%d) could not be read", pe.StartLine, pe.StartLine, pe.Line)
			return e
		}
		e.ReasonVI = fmt.Sprintf("dấu ngoặc kép (\") thừa hoặc thiếu (dòng %d, vị trí %d)", pe.Line, pe.Column)
		e.ReasonEN = fmt.Sprintf("an extra or missing quote (\") (line %d, position %d)", pe.Line, pe.Column)
	default:
		e.ReasonVI = "dòng CSV không hợp lệ: " + pe.Err.Error()
		e.ReasonEN = "malformed CSV row: " + pe.Err.Error()
	}
	return e
}

// sniffDelimiter picks ',', ';' or tab: the one found most often outside
// quotes in the first lines.
func sniffDelimiter(data []byte) rune {
	counts := map[byte]int{}
	lines, quoted := 0, false
	for _, b := range data {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == '\n':
			lines++
		case b == ',' || b == ';' || b == '\t':
			counts[b]++
		}
		if lines >= headerSearch {
			break
		}
	}
	best := byte(',')
	for _, d := range []byte{';', '\t'} {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return rune(best)
}

var excelNumberRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// readXLSX reads the first worksheet, streaming its rows. Cells are read
// raw (without number formats) so numbers keep their digits; a numeric
// cell of a date column is an Excel date serial and becomes yyyy-mm-dd.
func readXLSX(data []byte, spec *Spec) (*Sheet, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, fileError("không mở được bảng tính .xlsx: "+err.Error(), "cannot open the .xlsx workbook: "+err.Error())
	}
	defer f.Close()
	date1904 := false
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		date1904 = *p.Date1904
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fileError("bảng tính không có trang nào", "the workbook has no sheet")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, fileError("không đọc được trang đầu tiên: "+err.Error(), "cannot read the first sheet: "+err.Error())
	}
	defer rows.Close()

	s := &Sheet{}
	b := &builder{s: s, spec: spec}
	b.onRow = func(line int, cells []string) error {
		for i, name := range b.names {
			if i < len(cells) && slices.Contains(spec.Dates, name) {
				cells[i] = excelDate(cells[i], date1904)
			}
		}
		return s.add(line, record(b.names, cells))
	}
	line := 0
	for rows.Next() {
		line++ // Next visits every row number, blank rows included
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fileError(fmt.Sprintf("lỗi đọc dòng %d: %v", line, err), fmt.Sprintf("error reading row %d: %v", line, err))
		}
		if err := b.row(line, cells); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, fileError("lỗi đọc bảng tính: "+err.Error(), "error reading the workbook: "+err.Error())
	}
	if err := b.finish(); err != nil {
		return nil, err
	}
	return s, nil
}

// excelDate turns an Excel date serial ("45321") into yyyy-mm-dd and leaves
// any other text alone.
func excelDate(v string, date1904 bool) string {
	t := strings.TrimSpace(v)
	if !excelNumberRE.MatchString(t) {
		return v
	}
	serial, err := strconv.ParseFloat(t, 64)
	if err != nil || serial < 1 || serial >= 2958466 { // 2958466 is 10000-01-01
		return v
	}
	d, err := excelize.ExcelDateToTime(serial, date1904)
	if err != nil {
		return v
	}
	return d.Format("2006-01-02")
}
