package storefront

import "github.com/ocopvn/ocop/internal/web"

// photoPages are the photo pages' templates.
var photoPages = []string{}

// photoMessages are the photo pages' UI strings.
var photoMessages = map[string]string{}

// photoRoutes mounts photo upload and management and the media files.
func (h *Handler) photoRoutes(r *web.Router) {
	_ = r
}
