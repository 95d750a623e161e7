package storefront

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/media"
)

var errMediaNotFound = apperr.E(apperr.NotFound, "Không tìm thấy ảnh.", "media not found")

// showMedia streams a public object (product photos, producers' logos and
// banners) from the media store, whichever backend it is, so the bucket
// stays private. Keys are content-addressed, so a response never changes:
// it is cached for a year, and its ETag is the key's hash. Keys outside
// the public prefixes (private/ documents) are 404.
func (h *Handler) showMedia(c *fiber.Ctx) error {
	key := c.Params("*")
	ctype := media.ContentTypeOf(key)
	if !media.Public(key) || ctype == "" {
		return errMediaNotFound
	}
	sum := sha256.Sum256([]byte(key))
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderETag, etag)
	// an image needs no script, styles or frames of its own (SECURITY.md W-06)
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	// the key names the bytes: a client holding this ETag has them
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	rc, err := h.media.Open(c.UserContext(), key)
	if err != nil {
		c.Response().Header.Del(fiber.HeaderCacheControl)
		c.Response().Header.Del(fiber.HeaderETag)
		if apperr.KindOf(err) == apperr.Invalid {
			return errMediaNotFound
		}
		return err
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderContentDisposition, "inline")
	size := media.SizeOf(rc)
	if c.Method() == fiber.MethodHead {
		rc.Close()
		if size >= 0 {
			c.Response().Header.SetContentLength(int(size))
		}
		c.Response().SkipBody = true
		return nil
	}
	// fasthttp closes rc once the body is sent
	if size >= 0 {
		return c.SendStream(rc, int(size))
	}
	return c.SendStream(rc)
}
