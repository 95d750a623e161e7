package product

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/sanitize"
	"github.com/ocopvn/ocop/internal/vntext"
)

// Product statuses a producer may choose. "suspended" is set by staff only.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
	StatusArchived  = "archived"
	StatusSuspended = "suspended"
)

// Statuses are the statuses of the form's select, in order.
var Statuses = []string{StatusDraft, StatusPublished, StatusArchived}

// StatusNames name the statuses in Vietnamese.
var StatusNames = map[string]string{
	StatusDraft:     "Bản nháp",
	StatusPublished: "Đang bán",
	StatusArchived:  "Ngừng bán",
	StatusSuspended: "Tạm ngừng (bị đình chỉ)",
}

// Limits of a product's fields.
const (
	MaxName  = 200
	MaxUnit  = 100
	MaxPrice = vntext.MaxVND
	MaxStock = 1_000_000_000
)

// ProductInput is the product form as typed: every field a string, so a
// refused form is shown again exactly as the user left it.
type ProductInput struct {
	Name        string
	Group       string
	Description string
	Unit        string
	Price       string
	Stock       string
	Status      string
	// Version is the updated_at (Unix microseconds) of the row the edit
	// form was made from; empty on create.
	Version string
}

// productValues is a validated ProductInput.
type productValues struct {
	name, nameFold, group, descHTML, desc, unit, status string
	price                                               int64
	stock                                               int32
}

// validate checks what can be checked without the database.
func (in ProductInput) validate() (productValues, apperr.FieldErrors) {
	fe := apperr.FieldErrors{}
	v := productValues{name: vntext.NFC(in.Name), group: strings.TrimSpace(in.Group), unit: vntext.NFC(in.Unit), status: in.Status}
	v.nameFold = vntext.Fold(v.name)
	switch {
	case v.name == "" || v.nameFold == "":
		fe["name"] = "Vui lòng nhập tên sản phẩm."
	case runes(v.name) > MaxName:
		fe["name"] = fmt.Sprintf("Tên sản phẩm dài tối đa %d ký tự (hiện có %d).", MaxName, runes(v.name))
	}
	if v.group == "" {
		fe["group"] = "Vui lòng chọn nhóm sản phẩm."
	}
	if runes(in.Description) > maxRichInput {
		fe["description"] = fmt.Sprintf("Mô tả dài tối đa %d ký tự.", maxRichInput)
	} else {
		v.descHTML, v.desc = sanitize.Rich(in.Description)
		if len(v.descHTML) > maxRichHTML || runes(v.desc) > maxRichInput {
			fe["description"] = "Mô tả quá dài, vui lòng rút gọn."
		}
	}
	if runes(v.unit) > MaxUnit {
		fe["unit"] = fmt.Sprintf("Đơn vị tính dài tối đa %d ký tự.", MaxUnit)
	}
	var msg string
	if v.price, msg = ParsePrice(in.Price); msg != "" {
		fe["price"] = msg
	}
	if v.stock, msg = parseStock(in.Stock); msg != "" {
		fe["stock"] = msg
	}
	// "suspended" comes back from the form of a product staff suspended;
	// the services refuse it otherwise
	if _, ok := StatusNames[v.status]; !ok {
		fe["status"] = errStatusChoice
	}
	if len(fe) > 0 {
		return v, fe
	}
	return v, nil
}

var (
	digitsRE     = regexp.MustCompile(`^[0-9]+$`)
	groupedDotRE = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{3})+$`)
)

// ParsePrice reads a price in đồng as people type it (vntext.ParseVND):
// "120000", "120.000", "120,000", "120.000 ₫", "120.000đ". It returns the
// amount, or a message saying what is wrong.
func ParsePrice(raw string) (int64, string) {
	n, err := vntext.ParseVND(raw)
	switch {
	case err == nil:
		return n, ""
	case errors.Is(err, vntext.ErrAmountEmpty):
		return 0, "Vui lòng nhập giá bán (số đồng, ví dụ 120.000)."
	case errors.Is(err, vntext.ErrAmountNegative):
		return 0, "Giá bán không được âm."
	case errors.Is(err, vntext.ErrAmountTooLarge):
		return 0, "Giá bán tối đa là 1.000.000.000 ₫."
	}
	return 0, "Giá bán phải là số đồng, ví dụ 120000 hoặc 120.000."
}

func parseStock(raw string) (int32, string) {
	v := strings.TrimSpace(raw)
	if v == "" {
		return 0, "Vui lòng nhập số lượng còn trong kho (0 nếu đã hết)."
	}
	if groupedDotRE.MatchString(v) {
		v = strings.ReplaceAll(v, ".", "")
	}
	if strings.HasPrefix(v, "-") {
		return 0, "Số lượng trong kho không được âm."
	}
	if !digitsRE.MatchString(v) {
		return 0, "Số lượng trong kho phải là số nguyên, ví dụ 25."
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n > MaxStock {
		return 0, "Số lượng trong kho quá lớn."
	}
	return int32(n), ""
}
