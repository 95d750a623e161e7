package storefront

import "github.com/ocopvn/ocop/internal/web"

// backofficePages are the producer back-office's page templates.
var backofficePages = []string{}

// backofficeMessages are the back-office's UI strings.
var backofficeMessages = map[string]string{}

// backofficeRoutes mounts the producer back-office (/quan-ly/…).
func (h *Handler) backofficeRoutes(r *web.Router) {
	_ = r
}
