// Package catalog is the public, read side of the certified-product catalog:
// listing with filters, sorting and pagination, product and producer detail,
// provinces and the OCOP product-group tree.
//
// Listing reads an in-memory snapshot of the public products, rebuilt when
// catalog_state.version changes (every committed change to producers,
// products, certificates or provinces bumps it) or when the date in Vietnam
// changes (certificates expire by date). A list request therefore costs one
// tiny SQL statement plus a scan of the snapshot, and page 50 costs what
// page 1 does.
package catalog

import (
	"strconv"
	"time"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/media"
)

// Vietnam is the time zone in which certificate validity dates are read.
var Vietnam = mustLoadLocation("Asia/Ho_Chi_Minh")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.FixedZone("ICT", 7*3600) // UTC+7, no daylight saving
	}
	return loc
}

// Province is a provincial unit (tỉnh or thành phố).
type Province struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	FullName string `json:"full_name"`
	NameEn   string `json:"name_en"`
	Kind     string `json:"kind"`
	Slug     string `json:"slug"`
}

// Group is a node of the OCOP product-group tree of Decision 148.
type Group struct {
	Code         string `json:"code"`
	ParentCode   string `json:"parent_code,omitempty"`
	Level        int    `json:"level"`
	Name         string `json:"name"`
	NameEn       string `json:"name_en,omitempty"`
	LeadMinistry string `json:"lead_ministry,omitempty"`
	Slug         string `json:"slug"`
	IsLeaf       bool   `json:"is_leaf"`
}

// Ref is a short reference to a named thing.
type Ref struct {
	Slug string `json:"slug"`
	Name string `json:"name"`

	fold string // " " + the folded name, for list queries (snapshots only)
}

// CodeRef is a short reference by code.
type CodeRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// ListItem is a product as lists show it.
type ListItem struct {
	ID   int64  `json:"-"`
	Slug string `json:"slug"`
	Name string `json:"name"`
	// Producer, Province and Group are shared by every item of the
	// producer, province and group (never nil, never to be modified).
	Producer    *Ref     `json:"producer"`
	Province    *CodeRef `json:"province"`
	Group       *CodeRef `json:"group"`
	Star        int      `json:"star"`
	PriceVND    int64    `json:"price_vnd"`
	PriceIsDemo bool     `json:"price_is_demo"`
	Unit        string   `json:"unit"`
	InStock     bool     `json:"in_stock"`
	ImageURL    *string  `json:"image_url"`
	// Photo is the first photo (nil without photos), for cards.
	Photo       *Image    `json:"-"`
	CertifiedOn string    `json:"certified_on"` // yyyy-mm-dd
	CreatedAt   time.Time `json:"-"`

	fold        string   // " " + the folded name (the producer's, province's and group's are theirs)
	provinceIdx int16    // index in Reference.Provinces, for facet counting; -1 when unknown
	groupIdx    [3]int16 // indexes in Reference.Groups from the top level down to the leaf, -1 when empty
}

// Sort orders of a list.
const (
	SortNewest    = "newest"
	SortPriceAsc  = "price_asc"
	SortPriceDesc = "price_desc"
	SortStar      = "star"
)

// MaxPerPage is the largest page size.
const MaxPerPage = 100

// Filter selects and orders public products. Province and Group take codes
// (or slugs); Group matches at any level of the tree.
type Filter struct {
	Query    string // words that must all appear in name, producer, province or group (folded)
	Province string
	Group    string
	Stars    []int
	Producer string // producer slug
	PriceMin *int64
	PriceMax *int64
	Sort     string
	Page     int
	PerPage  int
	Facets   bool // also count results per province, group and star
}

// Page is one page of a list.
type Page struct {
	Items   []*ListItem
	Total   int
	Page    int
	PerPage int
	Facets  *Facets // when Filter.Facets

	snap *snapshot // whose items these are (their encoded JSON)
}

// Facets count the products each filter value would give, with every other
// filter applied (so a shopper sees how many results a click leads to).
type Facets struct {
	Province map[string]int // by province code
	Group    map[string]int // by group code, at every level of the tree
	Star     map[int]int
}

// Certificate is an OCOP recognition as a product page shows it.
type Certificate struct {
	Star             int      `json:"star"`
	Score            *float64 `json:"score"`
	DecisionNo       string   `json:"decision_no"`
	DecisionDate     string   `json:"decision_date"`
	IssuingLevel     string   `json:"issuing_level"`
	IssuingAuthority string   `json:"issuing_authority"`
	ValidFrom        string   `json:"valid_from"`
	ValidUntil       string   `json:"valid_until"`
}

// Image is a product photo or a producer's logo or banner: URL is the
// variant about 800 px wide, SrcSet every variant, Width and Height those
// of URL's variant (for the img element's aspect ratio).
type Image struct {
	URL    string `json:"url"`
	Alt    string `json:"alt"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	SrcSet string `json:"-"`
}

// NewImage is the image of variants (smallest first; not empty), with alt
// text, or fallback when alt is empty.
func NewImage(vs []media.Variant, alt, fallback string) Image {
	if alt == "" {
		alt = fallback
	}
	v := media.Pick(vs, 800)
	return Image{URL: media.URLPrefix + v.Key, Alt: alt, Width: v.Width, Height: v.Height, SrcSet: media.SrcSet(vs)}
}

// ProducerCard is the producer as a product page shows it.
type ProducerCard struct {
	Slug     string `json:"slug"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	TypeName string `json:"type_name"`
}

// Product is a public product with everything its page shows.
type Product struct {
	Slug        string       `json:"slug"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Unit        string       `json:"unit"`
	PriceVND    int64        `json:"price_vnd"`
	PriceIsDemo bool         `json:"price_is_demo"`
	InStock     bool         `json:"in_stock"`
	Star        int          `json:"star"`
	Producer    ProducerCard `json:"producer"`
	Province    CodeRef      `json:"province"`
	Commune     *CodeRef     `json:"commune"`
	GroupPath   []CodeRef    `json:"group_path"`
	Certificate Certificate  `json:"certificate"`
	Images      []Image      `json:"images"`
	// VerifyCode is the code of the product's QR label: its certificate's
	// live status is at /xac-minh/{code} and /api/v1/verify/{code}.
	VerifyCode string `json:"verify_code"`

	// DescriptionHTML is the sanitised rich-text description, for the
	// page (the API keeps the plain Description)
	DescriptionHTML string `json:"-"`
}

// Producer is a producer's public storefront profile.
type Producer struct {
	Slug      string   `json:"slug"`
	Name      string   `json:"name"`
	Type      string   `json:"type"`
	TypeName  string   `json:"type_name"`
	Story     string   `json:"story"`
	Province  CodeRef  `json:"province"`
	Commune   *CodeRef `json:"commune"`
	Address   string   `json:"address"`
	Phone     string   `json:"phone,omitempty"`
	Email     string   `json:"email,omitempty"`
	Website   string   `json:"website,omitempty"`
	CreatedAt string   `json:"member_since"`
	Logo      *Image   `json:"logo"`
	Banner    *Image   `json:"banner"`

	// DisplayName is the storefront's chosen name ("" = Name); Zalo a
	// contact
	DisplayName string `json:"display_name,omitempty"`
	Zalo        string `json:"zalo,omitempty"`
}

// Label is the name the storefront shows: its display name, else the
// legal name.
func (p *Producer) Label() string {
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return p.Name
}

// ProducerTypeNames names each producer type in Vietnamese.
var ProducerTypeNames = map[string]string{
	"htx":            "Hợp tác xã",
	"lien_hiep_htx":  "Liên hiệp hợp tác xã",
	"to_hop_tac":     "Tổ hợp tác",
	"doanh_nghiep":   "Doanh nghiệp",
	"ho_kinh_doanh":  "Hộ kinh doanh",
	"co_so_san_xuat": "Cơ sở sản xuất",
}

// Errors callers branch on.
var (
	ErrProductNotFound  = apperr.E(apperr.NotFound, "Không tìm thấy sản phẩm.", "product not found")
	ErrProducerNotFound = apperr.E(apperr.NotFound, "Không tìm thấy cửa hàng.", "producer not found")
)

func invalid(param, vi, en string) error {
	return apperr.E(apperr.Invalid, vi, param+": "+en)
}

// Normalize validates f, resolves province and group slugs to codes, and
// fills defaults. It returns an apperr.Invalid error naming the bad value.
func (r *Reference) Normalize(f Filter) (Filter, error) {
	if f.Province != "" {
		p, ok := r.Province(f.Province)
		if !ok {
			return f, invalid("province", "Không có tỉnh/thành phố "+strconv.Quote(f.Province)+".", "unknown province "+strconv.Quote(f.Province)+"; see /api/v1/provinces")
		}
		f.Province = p.Code
	}
	if f.Group != "" {
		g, ok := r.Group(f.Group)
		if !ok {
			return f, invalid("group", "Không có nhóm sản phẩm "+strconv.Quote(f.Group)+".", "unknown product group "+strconv.Quote(f.Group)+"; see /api/v1/groups")
		}
		f.Group = g.Code
	}
	for _, s := range f.Stars {
		if s < 3 || s > 5 {
			return f, invalid("star", "Hạng sao OCOP chỉ từ 3 đến 5.", "star must be 3, 4 or 5")
		}
	}
	if f.PriceMin != nil && *f.PriceMin < 0 || f.PriceMax != nil && *f.PriceMax < 0 {
		return f, invalid("price", "Giá phải là số không âm.", "price_min and price_max must be non-negative whole numbers of đồng")
	}
	if f.PriceMin != nil && f.PriceMax != nil && *f.PriceMin > *f.PriceMax {
		return f, invalid("price_min", "Giá thấp nhất lớn hơn giá cao nhất.", "price_min is greater than price_max")
	}
	switch f.Sort {
	case "":
		f.Sort = SortNewest
	case SortNewest, SortPriceAsc, SortPriceDesc, SortStar:
	default:
		return f, invalid("sort", "Cách sắp xếp không hợp lệ.", "sort must be one of newest, price_asc, price_desc, star")
	}
	if f.Page == 0 {
		f.Page = 1
	}
	if f.Page < 1 {
		return f, invalid("page", "Số trang phải từ 1.", "page must be 1 or more")
	}
	if f.PerPage == 0 {
		f.PerPage = 20
	}
	if f.PerPage < 1 || f.PerPage > MaxPerPage {
		return f, invalid("per_page", "Số sản phẩm mỗi trang từ 1 đến 100.", "per_page must be from 1 to 100")
	}
	return f, nil
}
