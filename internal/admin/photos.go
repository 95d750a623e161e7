package admin

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
	"github.com/ocopvn/ocop/storefront/ui"
)

// photoPages are the photo pages' templates.
var photoPages = []string{"photos", "photos_producer", "photos_notice"}

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

// scope returns the route's producer and product ids.
func scope(c *fiber.Ctx) (producerID, productID int64, err error) {
	if producerID, err = idParam(c, "producer"); err != nil {
		return
	}
	productID, err = idParam(c, "product")
	return
}

// photoScope is scope and the route's :photo.
func photoScope(c *fiber.Ctx) (producerID, productID, photoID int64, err error) {
	if producerID, productID, err = scope(c); err != nil {
		return
	}
	photoID, err = idParam(c, "photo")
	return
}

// photosBase is the layout's data of a photo page titled by titleKey
// (the handlers that need it keep the page out of caches).
func (h *Handler) photosBase(c *fiber.Ctx, titleKey string) BasePage {
	return h.site.Form(c, T(titleKey))
}

func (h *Handler) photosPage(c *fiber.Ctx, producerID, productID int64) (*photosPage, error) {
	ctx := c.UserContext()
	prod, err := h.photos.Product(ctx, producerID, productID)
	if err != nil {
		return nil, err
	}
	list, err := h.photos.Photos(ctx, producerID, productID)
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
	p.Message = ui.Flash(c, "ok", map[string]string{"tai": T("photos.uploaded"), "luu": T("photos.saved"), "xoa": T("photos.deleted")})
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return h.site.Render(c, "photos", p)
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

// uploadEach saves each of files (the first max; a warning says when
// there were none or more) with save, after the per-user upload rate
// limit (staff acting for a producer count as themselves) and before any
// file is read. A refusal a person can act on is listed by file, with
// the page's status (422, 409 over a quota, 429 over the rate); any
// other error stops.
func (h *Handler) uploadEach(ctx context.Context, c *fiber.Ctx, files []*multipart.FileHeader, max int, save func([]byte) error) (saved int, refused []FileError, warning string, status int, err error) {
	if len(files) == 0 {
		warning = T("photos.none_chosen")
	}
	if len(files) > max {
		files, warning = files[:max], T("photos.too_many_files")
	}
	status = fiber.StatusUnprocessableEntity
	granted, err := h.photos.ReserveUploads(ctx, web.CurrentUser(c).User.ID, len(files))
	if err != nil && !errors.Is(err, product.ErrTooManyUploads) {
		return 0, nil, "", 0, err
	}
	for _, fh := range files[granted:] {
		refused = append(refused, FileError{Name: displayName(fh), Message: userMessage(product.ErrTooManyUploads)})
		status = fiber.StatusTooManyRequests
	}
	for _, fh := range files[:granted] {
		data, err := readUpload(fh)
		if err == nil {
			err = save(data)
		}
		if err != nil {
			msg := userMessage(err)
			if msg == "" {
				return saved, refused, warning, status, err
			}
			refused = append(refused, FileError{Name: displayName(fh), Message: msg})
			if errors.Is(err, product.ErrQuota) && status != fiber.StatusTooManyRequests {
				status = fiber.StatusConflict
			}
			continue
		}
		saved++
	}
	return saved, refused, warning, status, nil
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

func (h *Handler) savePhotos(c *fiber.Ctx) error {
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
	if _, err := h.photos.Product(ctx, producerID, productID); err != nil {
		return err
	}
	form, err := c.MultipartForm()
	if err != nil {
		return apperr.E(apperr.Invalid, "Không đọc được ảnh gửi lên. Vui lòng thử lại.", "the multipart form could not be read")
	}
	saved, refused, warning, status, err := h.uploadEach(ctx, c, form.File["photos"], product.MaxPerProduct, func(data []byte) error {
		_, err := h.photos.Upload(ctx, actor(c), producerID, productID, data)
		return err
	})
	if err != nil {
		return err
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
	return h.site.Render(c, "photos", p)
}

func (h *Handler) savePhoto(c *fiber.Ctx) error {
	producerID, productID, photoID, err := photoScope(c)
	if err != nil {
		return err
	}
	// position is 1-based in the form; "up"/"down" buttons send move
	list, err := h.photos.Photos(c.UserContext(), producerID, productID)
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
		if _, err := h.photos.Product(c.UserContext(), producerID, productID); err != nil {
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
	err = h.photos.Update(c.UserContext(), actor(c), producerID, productID, photoID, product.PhotoUpdate{Alt: alt, Position: pos})
	if err != nil {
		if userMessage(err) != "" {
			return h.photoNotice(c, producerID, productID, err)
		}
		return err
	}
	return c.Redirect(fmt.Sprintf("/quan-ly/%d/san-pham/%d/anh?ok=luu", producerID, productID), fiber.StatusSeeOther)
}

func (h *Handler) removePhoto(c *fiber.Ctx) error {
	producerID, productID, photoID, err := photoScope(c)
	if err != nil {
		return err
	}
	if err := h.photos.Delete(c.UserContext(), actor(c), producerID, productID, photoID); err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/quan-ly/%d/san-pham/%d/anh?ok=xoa", producerID, productID), fiber.StatusSeeOther)
}

func (h *Handler) removeProduct(c *fiber.Ctx) error {
	producerID, productID, err := scope(c)
	if err != nil {
		return err
	}
	err = h.photos.DeleteProduct(c.UserContext(), actor(c), producerID, productID)
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
	return h.site.Render(c, "photos_notice", p)
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
	limit := int64(h.uploadLimit)
	if limit <= 0 {
		limit = 64 << 20
	}
	return max(limit>>20-1, 1)
}

// photoNav is the back-office header of the photo pages.
func (h *Handler) photoNav(c *fiber.Ctx) (*BackofficeNav, error) {
	nav, err := h.backofficeNav(c, "")
	return &nav, err
}
