package importer

import (
	"io"

	"github.com/ocopvn/ocop/internal/sheet"
)

// Canonical column names, in the order errors are reported within a line.
const (
	colProductName      = "product_name"
	colGroupCode        = "group_code"
	colStar             = "star"
	colScore            = "score"
	colProducerName     = "producer_name"
	colProducerType     = "producer_type"
	colProvinceCode     = "province_code"
	colCommuneCode      = "commune_code"
	colAddress          = "address_as_issued"
	colDecisionNo       = "decision_no"
	colDecisionDate     = "decision_date"
	colIssuingLevel     = "issuing_level"
	colIssuingAuthority = "issuing_authority"
	colPrice            = "price_vnd"
	colUnit             = "unit"
	colDescription      = "description"
	// optional: a later start of validity the decision states, and
	// whether the product meets its star's mandatory criteria (yes when
	// absent: an annex lists certified products)
	colValidFrom      = "valid_from"
	colMeetsMandatory = "meets_mandatory"
)

// columns lists the canonical column names a catalog file may have, in the
// order of the template.
var columns = []string{
	colProductName, colGroupCode, colStar, colScore, colProducerName, colProducerType,
	colProvinceCode, colCommuneCode, colAddress, colDecisionNo, colDecisionDate,
	colIssuingLevel, colIssuingAuthority, colPrice, colUnit, colDescription, colValidFrom, colMeetsMandatory,
}

// requiredColumns lists the columns a catalog file must have.
var requiredColumns = []string{
	colProductName, colGroupCode, colStar, colProducerName, colProducerType,
	colProvinceCode, colDecisionNo, colDecisionDate, colIssuingLevel,
	colIssuingAuthority, colPrice,
}

// headerAliases maps Vietnamese header labels to canonical names; headers
// are compared on their vntext.Fold key, so case, diacritics and
// punctuation do not matter.
var headerAliases = map[string][]string{
	colProductName:      {"Tên sản phẩm", "Sản phẩm", "Tên sản phẩm OCOP"},
	colGroupCode:        {"Mã nhóm", "Nhóm sản phẩm", "Mã nhóm sản phẩm", "Nhóm", "Phân nhóm"},
	colStar:             {"Số sao", "Hạng sao", "Hạng", "Xếp hạng", "Sao"},
	colScore:            {"Điểm", "Điểm số", "Tổng điểm"},
	colProducerName:     {"Chủ thể", "Tên chủ thể", "Chủ thể OCOP"},
	colProducerType:     {"Loại hình chủ thể", "Loại hình", "Loại chủ thể"},
	colProvinceCode:     {"Mã tỉnh", "Tỉnh", "Tỉnh/thành phố", "Mã tỉnh/thành phố"},
	colCommuneCode:      {"Mã xã", "Mã xã/phường"},
	colAddress:          {"Địa chỉ", "Địa chỉ chủ thể"},
	colDecisionNo:       {"Số quyết định", "Số QĐ", "Quyết định"},
	colDecisionDate:     {"Ngày quyết định", "Ngày QĐ", "Ngày công nhận", "Ngày ban hành"},
	colIssuingLevel:     {"Cấp công nhận", "Cấp"},
	colIssuingAuthority: {"Cơ quan công nhận", "Cơ quan ban hành", "Đơn vị công nhận"},
	colPrice:            {"Giá (VNĐ)", "Giá bán", "Giá", "Giá bán (VNĐ)", "Giá (đồng)"},
	colUnit:             {"Đơn vị tính", "Quy cách", "ĐVT"},
	colDescription:      {"Mô tả", "Mô tả sản phẩm"},
	colValidFrom:        {"Hiệu lực từ ngày", "Ngày hiệu lực", "Có hiệu lực từ"},
	colMeetsMandatory:   {"Đạt tiêu chí bắt buộc", "Tiêu chí bắt buộc"},
}

// spec is a catalog file's columns for the sheet reader.
var spec = &sheet.Spec{Columns: columns, Required: requiredColumns, Aliases: headerAliases, Dates: []string{colDecisionDate, colValidFrom},
	Hint: " (tên cột theo mẫu hoặc tiêu đề tiếng Việt như \"Tên sản phẩm\")"}

// ErrBadFile is wrapped by errors about a whole file: unreadable, not CSV
// or XLSX, not UTF-8, or missing required columns.
var ErrBadFile = sheet.ErrBadFile

// Sheet is a catalog file read into memory, before validation; Record one
// of its rows (canonical column name → raw cell text).
type (
	Sheet  = sheet.Sheet
	Record = sheet.Record
)

// FileProblem returns why a file could not be read, in Vietnamese, or ""
// when err is not about the file.
func FileProblem(err error) string { return sheet.FileProblem(err) }

// ReadFile reads a catalog file: .csv or .xlsx.
func ReadFile(path string) (*Sheet, error) { return sheet.ReadFile(path, spec) }

// Read reads a catalog in the given format, "csv" or "xlsx".
func Read(r io.Reader, format string) (*Sheet, error) { return sheet.Read(r, format, spec) }
