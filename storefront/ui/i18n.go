package ui

import (
	"fmt"

	"github.com/ocopvn/ocop/internal/apperr"
)

// Messages are UI strings by key, so a second language is a second map.
// Vietnamese is the site's language.
type Messages map[string]string

// T returns the message of key, or the key itself when it has none (so a
// missing string shows in tests rather than as blank text).
func (m Messages) T(key string) string {
	if s, ok := m[key]; ok {
		return s
	}
	return key
}

// Merge is one table of tables; a key defined twice panics (each feature
// keeps its strings in its own file, and a key belongs to one of them).
func Merge(tables ...Messages) Messages {
	out := Messages{}
	for _, t := range tables {
		for k, v := range t {
			if _, dup := out[k]; dup {
				panic(fmt.Sprintf("ui: UI string %s defined twice", k))
			}
			out[k] = v
		}
	}
	return out
}

// Common are the strings of the layout and shared partials, and those
// every screen shows (links between the shop and the back-office).
var Common = Messages{
	apperr.SummaryKey:    "Vui lòng sửa các ô được đánh dấu bên dưới.",
	"site.name":          "Chợ OCOP",
	"site.tagline":       "Mỗi xã một sản phẩm",
	"site.description":   "Mua sản phẩm OCOP 3–5 sao được chứng nhận từ hợp tác xã, doanh nghiệp và hộ sản xuất trên cả nước.",
	"nav.skip":           "Bỏ qua, đến nội dung chính",
	"nav.catalog":        "Sản phẩm",
	"nav.cart":           "Giỏ hàng",
	"nav.cart_units":     "sản phẩm trong giỏ",
	"nav.main":           "Điều hướng chính",
	"nav.breadcrumb":     "Đường dẫn",
	"search.label":       "Tìm sản phẩm OCOP",
	"search.placeholder": "Ví dụ: nước mắm Phú Quốc, chè Thái Nguyên",
	"search.submit":      "Tìm",
	"footer.stats":       "Thống kê sản phẩm OCOP",
	"footer.showrooms":   "Điểm bán sản phẩm OCOP",
	"footer.fairs":       "Hội chợ OCOP",
	"footer.about":       "Sản phẩm OCOP 3–5 sao còn hiệu lực chứng nhận. Dữ liệu giá có ghi \"minh hoạ\" là dữ liệu mẫu.",
	"auth.signin":        "Đăng nhập",
	"product.star":       "sao",
	"page.label":         "Phân trang",
	"page.prev":          "Trang trước",
	"page.next":          "Trang sau",
	"console.title":      "Trang quản trị",
	"apply.open_store":   "Bạn làm sản phẩm OCOP? Mở gian hàng",
	"apply.manage_store": "Quản lý gian hàng của tôi",
	"bo.zalo":            "Zalo",
}
