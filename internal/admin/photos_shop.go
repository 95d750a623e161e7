package admin

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/web"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/storefront/ui"
)

// shopImagesPage is the shop images page (/quan-ly/{producer}/cua-hang/anh):
// the producer's logo and banner.
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
	im, err := h.photos.ProducerImages(c.UserContext(), producerID)
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
	p.Message = ui.Flash(c, "ok", map[string]string{"luu": T("photos.shop_saved"), "xoa": T("photos.shop_removed")})
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return h.site.Render(c, "photos_producer", p)
}

func (h *Handler) saveShopImage(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error { return h.putShopImage(c, kind) }
}

func (h *Handler) putShopImage(c *fiber.Ctx, kind string) error {
	producerID, err := idParam(c, "producer")
	if err != nil {
		return err
	}
	ctx, cancel := uploadContext(c)
	defer cancel()
	c.SetUserContext(ctx) // as in savePhotos
	form, err := c.MultipartForm()
	if err != nil {
		return apperr.E(apperr.Invalid, "Không đọc được ảnh gửi lên. Vui lòng thử lại.", "the multipart form could not be read")
	}
	var msg string
	status := fiber.StatusUnprocessableEntity
	if files := form.File["image"]; len(files) == 0 {
		msg = T("photos.none_chosen")
	} else {
		_, err := h.photos.ReserveUploads(ctx, web.CurrentUser(c).User.ID, 1)
		var data []byte
		if err == nil {
			data, err = readUpload(files[0])
		}
		if err == nil {
			err = h.photos.SetProducerImage(ctx, actor(c), producerID, kind, data)
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
	return h.site.Render(c, "photos_producer", p)
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
	if err := h.photos.RemoveProducerImage(c.UserContext(), actor(c), producerID, kind); err != nil {
		return err
	}
	return c.Redirect(fmt.Sprintf("/quan-ly/%d/cua-hang/anh?ok=xoa", producerID), fiber.StatusSeeOther)
}
