package storefront

import "github.com/ocopvn/ocop/internal/web"

// consolePages are the staff console's page templates (templates/<name>.html).
var consolePages = []string{}

// consoleMessages are the staff console's UI strings.
var consoleMessages = map[string]string{}

// consoleRoutes mounts the onboarding pages and the staff console
// (/quan-tri/…).
func (h *Handler) consoleRoutes(r *web.Router) {
	_ = r
}
