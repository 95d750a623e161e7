package importer

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// columnHelp says what each column holds, for the template's guide: is it
// required, what it means, and an example.
var columnHelp = map[string]string{
	colProductName:      "Tên sản phẩm như trong quyết định công nhận.",
	colGroupCode:        "Mã nhóm sản phẩm OCOP (bộ tiêu chí), ví dụ I.5.a là chè.",
	colStar:             "Hạng sao: 3, 4 hoặc 5.",
	colScore:            "Điểm đánh giá trên thang 100, nếu quyết định có ghi (3 sao từ 50, 4 sao từ 70, 5 sao từ 90).",
	colProducerName:     "Tên chủ thể (hợp tác xã, doanh nghiệp, hộ kinh doanh…).",
	colProducerType:     "Loại hình: htx, doanh_nghiep, ho_kinh_doanh, to_hop_tac, co_so_san_xuat (hoặc \"Hợp tác xã\", \"Công ty\", \"Hộ kinh doanh\"…).",
	colProvinceCode:     "Mã tỉnh/thành phố (2 chữ số, đơn vị hành chính từ 01/07/2025), ví dụ 19 là Thái Nguyên.",
	colCommuneCode:      "Mã xã/phường (5 chữ số), nếu biết.",
	colAddress:          "Địa chỉ chủ thể như ghi trong quyết định.",
	colDecisionNo:       "Số quyết định công nhận.",
	colDecisionDate:     "Ngày ký quyết định (ngày/tháng/năm).",
	colIssuingLevel:     "Cấp công nhận: province (tỉnh), central (trung ương, cho 5 sao) hoặc district (huyện, trước 01/07/2025).",
	colIssuingAuthority: "Cơ quan ban hành quyết định.",
	colPrice:            "Giá bán, số nguyên đồng (120000 hoặc 120.000).",
	colUnit:             "Đơn vị tính / quy cách, ví dụ Hộp 200 g.",
	colDescription:      "Mô tả ngắn cho người mua.",
	colValidFrom:        "Ngày bắt đầu hiệu lực nếu quyết định ghi ngày khác ngày ký.",
	colMeetsMandatory:   "Đạt các tiêu chí bắt buộc của hạng sao: có/không (mặc định có).",
}

// example is the template's filled row, decided two months before now
// so that it is in force whenever the template is made.
func example(now time.Time) map[string]string {
	return map[string]string{
		colProductName: "Chè búp Tân Cương (ví dụ)", colGroupCode: "I.5.a", colStar: "4", colScore: "78.5",
		colProducerName: "Hợp tác xã Chè Tân Cương (ví dụ)", colProducerType: "htx", colProvinceCode: "19",
		colAddress: "xã Tân Cương, tỉnh Thái Nguyên", colDecisionNo: "1234/QĐ-UBND",
		colDecisionDate: now.AddDate(0, -2, 0).Format("02/01/2006"), colIssuingLevel: "province",
		colIssuingAuthority: "UBND tỉnh Thái Nguyên", colPrice: "250000", colUnit: "Hộp 200 g",
		colDescription: "Chè búp sao tay, nước xanh, vị chát dịu, hậu ngọt.",
	}
}

// WriteTemplate writes an import template in format: "csv" (the column
// names and a filled example row) or "xlsx" (a note, Vietnamese headers
// the importer accepts, the example row, and a guide sheet saying what
// each column holds). Both import as they are.
func WriteTemplate(w io.Writer, format string, now time.Time) error {
	ex := example(now)
	required := map[string]bool{}
	for _, c := range requiredColumns {
		required[c] = true
	}
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		row := make([]string, len(columns))
		for i, c := range columns {
			row[i] = ex[c]
		}
		_ = cw.Write(columns)
		_ = cw.Write(row)
		cw.Flush()
		return cw.Error()
	case "xlsx":
		f := excelize.NewFile()
		defer f.Close()
		const data, guide = "San pham", "Huong dan"
		if err := f.SetSheetName("Sheet1", data); err != nil {
			return err
		}
		if _, err := f.NewSheet(guide); err != nil {
			return err
		}
		note := "Mẫu nhập sản phẩm OCOP: mỗi dòng một sản phẩm, từ dòng 3. Dòng 3 là ví dụ, hãy sửa hoặc xoá trước khi nhập. " +
			"Cột có dấu * là bắt buộc; xem trang \"" + guide + "\"."
		_ = f.SetCellValue(data, "A1", note)
		header := make([]any, len(columns))
		row := make([]any, len(columns))
		for i, c := range columns {
			label := headerAliases[c][0]
			if required[c] {
				label += " *"
			}
			header[i] = label
			row[i] = ex[c]
		}
		if err := f.SetSheetRow(data, "A2", &header); err != nil {
			return err
		}
		if err := f.SetSheetRow(data, "A3", &row); err != nil {
			return err
		}
		bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E6F4EA"}}})
		if err != nil {
			return err
		}
		last, _ := excelize.CoordinatesToCellName(len(columns), 2)
		_ = f.SetCellStyle(data, "A2", last, bold)
		_ = f.SetColWidth(data, "A", lastColumn(len(columns)), 22)
		_ = f.SetPanes(data, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
		_ = f.SetSheetRow(guide, "A1", &[]any{"Cột (tiêu đề tiếng Việt)", "Tên cột theo mẫu CSV", "Bắt buộc", "Nội dung", "Ví dụ"})
		for i, c := range columns {
			req := "không"
			if required[c] {
				req = "có"
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			_ = f.SetSheetRow(guide, cell, &[]any{headerAliases[c][0], c, req, columnHelp[c], ex[c]})
		}
		_ = f.SetCellStyle(guide, "A1", "E1", bold)
		_ = f.SetColWidth(guide, "A", "C", 24)
		_ = f.SetColWidth(guide, "D", "D", 80)
		_ = f.SetColWidth(guide, "E", "E", 36)
		return f.Write(w)
	}
	return fmt.Errorf("template format %q: want csv or xlsx", format)
}

func lastColumn(n int) string {
	name, _ := excelize.ColumnNumberToName(n)
	return strings.TrimSpace(name)
}
