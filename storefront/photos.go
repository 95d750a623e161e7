package storefront

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/web"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/photo"
)

// photoPages are the photo pages' templates.
var photoPages = []string{"photos", "photos_producer", "photos_notice"}

// photoMessages are the photo pages' UI strings.
var photoMessages = map[string]string{
	"photos.title":               "Ảnh sản phẩm",
	"photos.intro":               "Tối đa 10 ảnh. Ảnh đầu tiên là ảnh đại diện của sản phẩm. Nhận ảnh JPEG, PNG hoặc WebP, mỗi ảnh tối đa 15 MB.",
	"photos.per_upload":          "Mỗi lần tải lên tối đa (MB)",
	"photos.js_total":            "Các ảnh đã chọn nặng quá mức cho một lần tải. Hãy chọn ít ảnh hơn và tải làm nhiều lần.",
	"photos.js_file":             "Có ảnh nặng hơn 15 MB. Hãy chọn ảnh nhỏ hơn (chụp ở chất lượng thấp hơn hoặc thu nhỏ ảnh).",
	"photos.count":               "Số ảnh",
	"photos.none":                "Sản phẩm chưa có ảnh nào.",
	"photos.upload":              "Tải ảnh lên",
	"photos.choose":              "Chọn ảnh từ máy",
	"photos.drop":                "Hoặc kéo thả ảnh vào đây",
	"photos.alt":                 "Mô tả ảnh (cho người khiếm thị)",
	"photos.alt_hint":            "Ví dụ: Hộp chè xanh 200 g nhìn từ trên xuống. Để trống thì dùng tên sản phẩm.",
	"photos.position":            "Vị trí",
	"photos.save":                "Lưu",
	"photos.up":                  "Lên trước",
	"photos.down":                "Xuống sau",
	"photos.delete":              "Xoá ảnh",
	"photos.photo":               "Ảnh",
	"photos.saved":               "Đã lưu thay đổi.",
	"photos.deleted":             "Đã xoá ảnh.",
	"photos.uploaded":            "Đã tải lên ảnh mới.",
	"photos.refused":             "Một số ảnh không tải lên được:",
	"photos.none_chosen":         "Bạn chưa chọn ảnh nào. Hãy bấm \"Chọn ảnh từ máy\".",
	"photos.too_many_files":      "Mỗi lần chỉ tải tối đa 10 ảnh; các ảnh sau đã bị bỏ qua.",
	"photos.back":                "Quay lại sản phẩm",
	"photos.back_list":           "Về danh sách sản phẩm",
	"photos.full":                "Sản phẩm đã có đủ 10 ảnh.",
	"photos.product_delete":      "Xoá sản phẩm",
	"photos.product_delete_help": "Chỉ xoá được sản phẩm chưa từng được chứng nhận OCOP. Sản phẩm và toàn bộ ảnh sẽ bị xoá hẳn.",
	"photos.product_deleted":     "Đã xoá sản phẩm.",
	"photos.shop_title":          "Logo và ảnh bìa cửa hàng",
	"photos.shop_intro":          "Logo và ảnh bìa hiện trên trang cửa hàng của bạn. Nhận ảnh JPEG, PNG hoặc WebP, tối đa 15 MB.",
	"photos.back_office":         "Về trang quản lý",
	"photos.logo":                "Logo",
	"photos.banner":              "Ảnh bìa",
	"photos.logo_hint":           "Nên dùng ảnh vuông.",
	"photos.banner_hint":         "Nên dùng ảnh ngang, rộng gấp khoảng 3 lần chiều cao.",
	"photos.no_logo":             "Chưa có logo.",
	"photos.no_banner":           "Chưa có ảnh bìa.",
	"photos.choose_one":          "Chọn ảnh",
	"photos.remove":              "Xoá",
	"photos.shop_saved":          "Đã cập nhật ảnh cửa hàng.",
	"photos.shop_removed":        "Đã xoá ảnh.",
	"photos.notice_title":        "Không thực hiện được",
}

// photoRoutes mounts photo upload and management and the media files.
func (h *Handler) photoRoutes(r *web.Router) {
	r.Get("/media/*", web.Public, h.serveMedia)
	const productPath = "/quan-ly/:producer/san-pham/:product"
	r.Get(productPath+"/anh", web.ProducerMember, h.showPhotos)
	r.Upload(productPath+"/anh", web.ProducerMember, h.uploadPhotos)
	r.Post(productPath+"/anh/:photo", web.ProducerMember, h.savePhoto)
	r.Post(productPath+"/anh/:photo/xoa", web.ProducerMember, h.removePhoto)
	r.Post(productPath+"/xoa", web.ProducerMember, h.removeProduct)
	const shop = "/quan-ly/:producer/cua-hang/anh"
	r.Get(shop, web.ProducerMember, h.showShopImages)
	for _, kind := range []string{product.Logo, product.Banner} {
		r.Upload(shop+"/"+kind, web.ProducerMember, h.uploadShopImage(kind))
		r.Post(shop+"/"+kind+"/xoa", web.ProducerMember, h.removeShopImage(kind))
	}
}

// FileError is a refused file and why.
type FileError struct {
	Name    string
	Message string
}

type photosPage struct {
	BasePage
	Nav        *BackofficeNav // the back-office header, with its on-behalf and suspended notices
	ProducerID int64
	Product    *product.ProductRef
	Photos     []photoRow
	Full       bool
	Max        int
	Message    string
	Refused    []FileError
	Warning    string
	// UploadMB is the most one upload may carry, in MB (the server's
	// OCOP_UPLOAD_LIMIT less room for the form), for the page and the
	// script's check before sending
	UploadMB int64
}

type photoRow struct {
	product.Photo
	Image
	Number  int // 1-based
	First   bool
	Last    bool
	AltText string
}

// idParam parses a positive id route parameter; anything else is 404.
func idParam(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.E(apperr.NotFound, "Không tìm thấy trang bạn cần.", "bad :"+name)
	}
	return id, nil
}

// scope returns the route's producer and product ids.
func scope(c *fiber.Ctx) (producerID, productID int64, err error) {
	if producerID, err = idParam(c, "producer"); err != nil {
		return
	}
	productID, err = idParam(c, "product")
	return
}

func (h *Handler) photosBase(c *fiber.Ctx, titleKey string) BasePage {
	b := h.authBase(c, titleKey)
	return b
}

func (h *Handler) photosPage(c *fiber.Ctx, producerID, productID int64) (*photosPage, error) {
	ctx := c.UserContext()
	prod, err := h.Photos.Product(ctx, producerID, productID)
	if err != nil {
		return nil, err
	}
	list, err := h.Photos.Photos(ctx, producerID, productID)
	if err != nil {
		return nil, err
	}
	p := &photosPage{BasePage: h.photosBase(c, "photos.title"), ProducerID: producerID, Product: prod, UploadMB: h.uploadMB(),
		Full: len(list) >= product.MaxPerProduct, Max: product.MaxPerProduct}
	p.Title = T("photos.title") + ": " + prod.Name + " – " + T("site.name")
	if p.Nav, err = h.photoNav(c); err != nil {
		return nil, err
	}
	for i, ph := range list {
		p.Photos = append(p.Photos, photoRow{Photo: ph, Image: imageOf(ph.Variants, ph.Alt, prod.Name),
			Number: i + 1, First: i == 0, Last: i == len(list)-1, AltText: ph.Alt})
	}
	return p, nil
}

func (h *Handler) showPhotos(c *fiber.Ctx) error {
	producerID, productID, err := scope(c)
	if err != nil {
		return err
	}
	p, err := h.photosPage(c, producerID, productID)
	if err != nil {
		return err
	}
	switch c.Query("ok") {
	case "tai":
		p.Message = T("photos.uploaded")
	case "luu":
		p.Message = T("photos.saved")
	case "xoa":
		p.Message = T("photos.deleted")
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return h.render(c, "photos", p)
}

// displayName is a file's name as the producer chose it, safe to show.
func displayName(fh *multipart.FileHeader) string {
	n := strings.ToValidUTF8(filepath.Base(strings.ReplaceAll(fh.Filename, "\\", "/")), "")
	if utf8.RuneCountInString(n) > 80 {
		n = string([]rune(n)[:80]) + "…"
	}
	if n == "" || n == "." || n == "/" {
		n = T("photos.photo")
	}
	return n
}

// readUpload reads one uploaded file, refusing one over photo.MaxBytes
// before reading it.
func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	if fh.Size > photo.MaxBytes {
		return nil, photo.ErrTooLarge
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, photo.MaxBytes+1))
}

// userMessage is the Vietnamese message of a refusal a producer can act on
// (Invalid, Conflict, NotFound), or "" for another error.
func userMessage(err error) string {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return ""
	}
	switch ae.Kind {
	case apperr.Invalid, apperr.Conflict, apperr.TooLarge, apperr.TooMany:
		return ae.Message
	}
	return ""
}

// UploadTimeout bounds an upload request's work instead of the ordinary
// request deadline: ten 12-megapixel photos take a few seconds each when
// other uploads hold the decode slots.
const UploadTimeout = 2 * time.Minute

// uploadContext is the context of an upload's work.
func uploadContext(c *fiber.Ctx) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(c.UserContext()), UploadTimeout)
}

func (h *Handler) uploadPhotos(c *fiber.Ctx) error {
	producerID, productID, err := scope(c)
	if err != nil {
		return err
	}
	ctx, cancel := uploadContext(c)
	defer cancel()
	// the page answering the upload is built within the upload's deadline
	// too: the ordinary one may have passed while the photos waited for a
	// decode slot
	c.SetUserContext(ctx)
	// the product must be this producer's before the body is read
	if _, err := h.Photos.Product(ctx, producerID, productID); err != nil {
		return err
	}
	form, err := c.MultipartForm()
	if err != nil {
		return apperr.E(apperr.Invalid, "Không đọc được ảnh gửi lên. Vui lòng thử lại.", "the multipart form could not be read")
	}
	files := form.File["photos"]
	var refused []FileError
	warning := ""
	if len(files) == 0 {
		warning = T("photos.none_chosen")
	}
	if len(files) > product.MaxPerProduct {
		files, warning = files[:product.MaxPerProduct], T("photos.too_many_files")
	}
	// the rate limit, per signed-in user (staff acting for the producer
	// count as themselves), before any file is read or decoded
	status := fiber.StatusUnprocessableEntity
	granted, err := h.Photos.ReserveUploads(ctx, web.CurrentUser(c).User.ID, len(files))
	if err != nil && !errors.Is(err, product.ErrTooManyUploads) {
		return err
	}
	for _, fh := range files[granted:] {
		refused = append(refused, FileError{Name: displayName(fh), Message: userMessage(product.ErrTooManyUploads)})
		status = fiber.StatusTooManyRequests
	}
	files = files[:granted]
	saved := 0
	for _, fh := range files {
		data, err := readUpload(fh)
		if err == nil {
			_, err = h.Photos.Upload(ctx, actor(c), producerID, productID, data)
		}
		if err != nil {
			msg := userMessage(err)
			if msg == "" {
				return err
			}
			refused = append(refused, FileError{Name: displayName(fh), Message: msg})
			if errors.Is(err, product.ErrQuota) && status != fiber.StatusTooManyRequests {
				status = fiber.StatusConflict
			}
			continue
		}
		saved++
	}
	if len(refused) == 0 && warning == "" {
		return c.Redirect(fmt.Sprintf("/quan-ly/%d/san-pham/%d/anh?ok=tai", producerID, productID), fiber.StatusSeeOther)
	}
	p, err := h.photosPage(c, producerID, productID)
	if err != nil {
		return err
	}
	p.Refused, p.Warning = refused, warning
	if saved > 0 {
		p.Message = T("photos.uploaded")
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Status(status)
	return h.render(c, "photos", p)
}

func (h *Handler) savePhoto(c *fiber.Ctx) error {
	producerID, productID, err := scope(c)
	if err != nil {
		return err
	}
	photoID, err := idParam(c, "photo")
	if err != nil {
		return err
	}
	// position is 1-based in the form; "up"/"down" buttons send move
	list, err := h.Photos.Photos(c.UserContext(), producerID, productID)
	if err != nil {
		return err
	}
	cur := -1
	for i, ph := range list {
		if ph.ID == photoID {
			cur = i
		}
	}
	if cur < 0 {
		if _, err := h.Photos.Product(c.UserContext(), producerID, productID); err != nil {
			return err
		}
		return product.ErrPhotoNotFound
	}
	pos := cur
	switch c.FormValue("move") {
	case "up":
		pos = cur - 1
	case "down":
		pos = cur + 1
	default:
		if v := strings.TrimSpace(c.FormValue("position")); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return h.photoNotice(c, producerID, productID, apperr.E(apperr.Invalid, "Vị trí ảnh phải là một số từ 1 đến 10.", "bad position"))
			}
			pos = n - 1
		}
	}
	alt := list[cur].Alt // a form without the alt field keeps it
	if c.Request().PostArgs().Has("alt") {
		alt = c.FormValue("alt")
	}
	err = h.Photos.Update(c.UserContext(), actor(c), producerID, productID, photoID, product.PhotoUpdate{Alt: alt, Position: pos})
	if err != nil {
		if userMessage(err) != "" {
			return h.photoNotice(c, producerID, productID, err)
		}
		return err
	}
	return c.Redirect(fmt.Sprintf("/quan-ly/%d/san-pham/%d/anh?ok=luu", producerID, productID), fiber.StatusSeeOther)
}

func (h *Handler) removePhoto(c *fiber.Ctx) error {
	producerID, productID, err := scope(c)
	if err != nil {
		return err
	}
	photoID, err := idParam(c, "photo")
	if err != nil {
		return err
	}
	if err := h.Photos.Delete(c.UserContext(), actor(c), producerID, productID, photoID); err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/quan-ly/%d/san-pham/%d/anh?ok=xoa", producerID, productID), fiber.StatusSeeOther)
}

func (h *Handler) removeProduct(c *fiber.Ctx) error {
	producerID, productID, err := scope(c)
	if err != nil {
		return err
	}
	err = h.Photos.DeleteProduct(c.UserContext(), actor(c), producerID, productID)
	if errors.Is(err, product.ErrCertified) {
		return h.photoNotice(c, producerID, productID, err)
	}
	if err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/quan-ly/%d/san-pham?ok=xoa", producerID), fiber.StatusSeeOther)
}

type noticePage struct {
	BasePage
	Message string
	Back    string
	BackKey string
}

// photoNotice shows a refusal with a way back to the product's photos.
func (h *Handler) photoNotice(c *fiber.Ctx, producerID, productID int64, err error) error {
	status := fiber.StatusUnprocessableEntity
	if apperr.KindOf(err) == apperr.Conflict {
		status = fiber.StatusConflict
	}
	p := noticePage{BasePage: h.photosBase(c, "photos.notice_title"), Message: userMessage(err),
		Back: fmt.Sprintf("/quan-ly/%d/san-pham/%d/anh", producerID, productID), BackKey: T("photos.title")}
	c.Status(status)
	return h.render(c, "photos_notice", p)
}

type shopImagesPage struct {
	BasePage
	Nav        *BackofficeNav
	ProducerID int64
	Message    string
	Sections   []*shopSection
}

// shopSection is the logo's or the banner's part of the page.
type shopSection struct {
	Kind, Label, Hint, Empty string
	Image                    *Image
	Error                    string
	ProducerID               int64
	CSRF                     string
}

func (h *Handler) shopImagesPage(c *fiber.Ctx, producerID int64) (*shopImagesPage, error) {
	im, err := h.Photos.ProducerImages(c.UserContext(), producerID)
	if err != nil {
		return nil, err
	}
	p := &shopImagesPage{BasePage: h.photosBase(c, "photos.shop_title"), ProducerID: producerID}
	if p.Nav, err = h.photoNav(c); err != nil {
		return nil, err
	}
	for _, s := range []struct {
		kind string
		vs   []media.Variant
	}{{product.Logo, im.Logo}, {product.Banner, im.Banner}} {
		sec := &shopSection{Kind: s.kind, Label: T("photos." + s.kind), Hint: T("photos." + s.kind + "_hint"),
			Empty: T("photos.no_" + s.kind), ProducerID: producerID, CSRF: p.CSRF}
		if len(s.vs) > 0 {
			i := imageOf(s.vs, T("photos."+s.kind), "")
			sec.Image = &i
		}
		p.Sections = append(p.Sections, sec)
	}
	return p, nil
}

func (h *Handler) showShopImages(c *fiber.Ctx) error {
	producerID, err := idParam(c, "producer")
	if err != nil {
		return err
	}
	p, err := h.shopImagesPage(c, producerID)
	if err != nil {
		return err
	}
	switch c.Query("ok") {
	case "luu":
		p.Message = T("photos.shop_saved")
	case "xoa":
		p.Message = T("photos.shop_removed")
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return h.render(c, "photos_producer", p)
}

func (h *Handler) uploadShopImage(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error { return h.saveShopImage(c, kind) }
}

func (h *Handler) saveShopImage(c *fiber.Ctx, kind string) error {
	producerID, err := idParam(c, "producer")
	if err != nil {
		return err
	}
	ctx, cancel := uploadContext(c)
	defer cancel()
	c.SetUserContext(ctx) // as in uploadPhotos
	form, err := c.MultipartForm()
	if err != nil {
		return apperr.E(apperr.Invalid, "Không đọc được ảnh gửi lên. Vui lòng thử lại.", "the multipart form could not be read")
	}
	var msg string
	status := fiber.StatusUnprocessableEntity
	if files := form.File["image"]; len(files) == 0 {
		msg = T("photos.none_chosen")
	} else {
		_, err := h.Photos.ReserveUploads(ctx, web.CurrentUser(c).User.ID, 1)
		var data []byte
		if err == nil {
			data, err = readUpload(files[0])
		}
		if err == nil {
			err = h.Photos.SetProducerImage(ctx, actor(c), producerID, kind, data)
		}
		if err != nil {
			if msg = userMessage(err); msg == "" {
				return err
			}
			msg = displayName(files[0]) + ": " + msg
			switch {
			case errors.Is(err, product.ErrTooManyUploads):
				status = fiber.StatusTooManyRequests
			case errors.Is(err, product.ErrQuota):
				status = fiber.StatusConflict
			}
		}
	}
	if msg == "" {
		return c.Redirect(fmt.Sprintf("/quan-ly/%d/cua-hang/anh?ok=luu", producerID), fiber.StatusSeeOther)
	}
	p, err := h.shopImagesPage(c, producerID)
	if err != nil {
		return err
	}
	for _, sec := range p.Sections {
		if sec.Kind == kind {
			sec.Error = msg
		}
	}
	c.Status(status)
	return h.render(c, "photos_producer", p)
}

func (h *Handler) removeShopImage(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		producerID, err := idParam(c, "producer")
		if err != nil {
			return err
		}
		return h.deleteShopImage(c, producerID, kind)
	}
}

func (h *Handler) deleteShopImage(c *fiber.Ctx, producerID int64, kind string) error {
	if err := h.Photos.RemoveProducerImage(c.UserContext(), actor(c), producerID, kind); err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/quan-ly/%d/cua-hang/anh?ok=xoa", producerID), fiber.StatusSeeOther)
}

// Image is a photo as pages show it.
type Image = catalog.Image

// imageOf is the image of variants with alt text (or fallback).
func imageOf(vs []media.Variant, alt, fallback string) Image {
	return catalog.NewImage(vs, alt, fallback)
}

// uploadMB is the upload size the pages announce and the script checks:
// the server's limit less 1 MB for the rest of the form.
func (h *Handler) uploadMB() int64 {
	limit := int64(h.UploadLimit)
	if limit <= 0 {
		limit = 64 << 20
	}
	return max(limit>>20-1, 1)
}

// photoNav is the back-office header of the photo pages (nil without the
// back-office feature).
func (h *Handler) photoNav(c *fiber.Ctx) (*BackofficeNav, error) {
	if h.Backoffice == nil {
		return nil, nil
	}
	nav, err := h.backofficeNav(c, "")
	return &nav, err
}
