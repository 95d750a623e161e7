package web

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/postgres"
)

var kindStatus = map[apperr.Kind]int{
	apperr.Internal:      fiber.StatusInternalServerError,
	apperr.Invalid:       fiber.StatusBadRequest,
	apperr.NotFound:      fiber.StatusNotFound,
	apperr.Conflict:      fiber.StatusConflict,
	apperr.Unauthorized:  fiber.StatusUnauthorized,
	apperr.Forbidden:     fiber.StatusForbidden,
	apperr.Unavailable:   fiber.StatusServiceUnavailable,
	apperr.TooMany:       fiber.StatusTooManyRequests,
	apperr.TooLarge:      fiber.StatusRequestEntityTooLarge,
	apperr.Unprocessable: fiber.StatusUnprocessableEntity,
}

// RetryAfterSeconds is the Retry-After of a 503 while the database is
// unavailable.
const RetryAfterSeconds = 5

// msgMaintenance is the page and problem text of an outage.
const msgMaintenance = "Hệ thống đang bảo trì trong giây lát. Vui lòng thử lại sau vài giây."

// errUnavailable is a request refused during an outage before it reached
// the database (a signed-in user whose session cannot be read).
var errUnavailable = &apperr.Error{Kind: apperr.Unavailable, Message: msgMaintenance,
	Detail: "the service is briefly unavailable; retry after the Retry-After delay", Err: errDatabaseDown}

var errDatabaseDown = errors.New("database unavailable")

// outageLog logs database outages once per burst: the first failure, then
// at most one line every outageLogEvery with how many failed since. The
// counter is exported as ocop_db_unavailable_total.
type outageLog struct {
	mu         sync.Mutex
	last       time.Time
	suppressed int
	total      atomic.Int64
}

const outageLogEvery = 10 * time.Second

var outages = &outageLog{}

func (o *outageLog) note(log *slog.Logger, err error) {
	o.total.Add(1)
	o.mu.Lock()
	now := time.Now()
	if now.Sub(o.last) < outageLogEvery {
		o.suppressed++
		o.mu.Unlock()
		return
	}
	n := o.suppressed
	o.last, o.suppressed = now, 0
	o.mu.Unlock()
	log.Error("database unavailable: answering 503", "err", err.Error(), "failed_since_last_line", n)
}

// contentSecurityPolicy is every response's CSP.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

// ContentSecurityPolicyWithImages is the site's CSP that also lets images
// load from origins (a page with map tiles). origins are checked by the
// caller (config: an https URL template).
func ContentSecurityPolicyWithImages(origins ...string) string {
	if len(origins) == 0 {
		return contentSecurityPolicy
	}
	return strings.Replace(contentSecurityPolicy, "img-src 'self' data:", "img-src 'self' data: "+strings.Join(origins, " "), 1)
}

// securityHeaders sets the headers the helmet middleware sets, where they
// are missing (an error answered before the middleware ran).
func securityHeaders(c *fiber.Ctx, hsts int) {
	h := &c.Response().Header
	set := func(k, v string) {
		if len(h.Peek(k)) == 0 {
			h.Set(k, v)
		}
	}
	set(fiber.HeaderXContentTypeOptions, "nosniff")
	set(fiber.HeaderXFrameOptions, "SAMEORIGIN")
	set(fiber.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
	set(fiber.HeaderContentSecurityPolicy, contentSecurityPolicy)
	set("Cross-Origin-Opener-Policy", "same-origin")
	set("Cross-Origin-Resource-Policy", "same-origin")
	if hsts > 0 && c.Protocol() == "https" {
		set(fiber.HeaderStrictTransportSecurity, "max-age="+strconv.Itoa(hsts)+"; includeSubDomains")
	}
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	MessageVI string `json:"message_vi,omitempty"`
	Instance  string `json:"instance,omitempty"`
	RequestID string `json:"request_id,omitempty"`
	// Errors are a refused form's messages by field (422), in Vietnamese.
	Errors map[string]string `json:"errors,omitempty"`
}

// Status is the HTTP status of err: by its apperr kind (a FieldErrors is
// 422), 500 for any other error. Screens that re-show a refused form set
// it themselves.
func Status(err error) int { return kindStatus[apperr.KindOf(err)] }

// errorHandler is the one place an error becomes a response: API paths get
// application/problem+json, pages get HTML. Only 5xx errors are logged, and
// their bodies never carry the internal error.
func errorHandler(log *slog.Logger, htmlError func(c *fiber.Ctx, status int, message, requestID string) error, hsts int) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		// a request fasthttp could not parse (400, 431) never went through
		// the middleware: its answer gets the same security headers
		securityHeaders(c, hsts)
		status := fiber.StatusInternalServerError
		detail, vi := "The server could not complete the request; it has been logged.", "Đã có lỗi ở máy chủ. Vui lòng thử lại sau."
		var fe *fiber.Error
		var fields apperr.FieldErrors
		if ae := apperr.As(err); ae != nil {
			status = kindStatus[ae.Kind]
			if ae.Kind != apperr.Internal {
				detail, vi = ae.Detail, ae.Message
			}
		} else if errors.As(err, &fields) {
			status = kindStatus[apperr.Unprocessable]
			detail, vi = fields.Error(), "Một số thông tin chưa hợp lệ. Vui lòng kiểm tra lại."
		} else if errors.As(err, &fe) {
			status = fe.Code
			if status < 500 {
				detail, vi = fe.Message, fiberMessageVI(status)
			}
		} else if errors.Is(c.UserContext().Err(), context.DeadlineExceeded) {
			status = fiber.StatusServiceUnavailable
			detail, vi = "The request took too long; try again.", "Yêu cầu mất quá nhiều thời gian, vui lòng thử lại."
		}
		unavailable := postgres.IsUnavailable(err) || errors.Is(err, errDatabaseDown)
		if unavailable {
			// the database is down or restarting: say when to come back, and
			// log the outage once per burst rather than once per request
			status = fiber.StatusServiceUnavailable
			detail, vi = "The service is briefly unavailable; retry after the Retry-After delay.", msgMaintenance
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(RetryAfterSeconds))
			outages.note(log, err)
		}
		if status >= 500 && !unavailable {
			log.Error("request failed", "request_id", RequestID(c), "method", c.Method(), "path", c.Path(), "status", status, "err", err.Error())
		}
		if strings.HasPrefix(c.Path(), "/api/") || !acceptsHTML(c) {
			return sendProblem(c, Problem{Title: http.StatusText(status), Status: status, Detail: detail, MessageVI: vi, Errors: fields})
		}
		if htmlError != nil {
			if err := htmlError(c, status, vi, RequestID(c)); err == nil {
				return nil
			}
		}
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		var b strings.Builder
		if err := errorPage.Execute(&b, struct {
			Status           int
			Message, Request string
		}{status, vi, RequestID(c)}); err != nil {
			return err
		}
		return c.Status(status).SendString(b.String())
	}
}

func sendProblem(c *fiber.Ctx, p Problem) error {
	if p.Type == "" {
		p.Type = "about:blank"
	}
	p.Instance = c.OriginalURL()
	if len(p.Instance) > 512 {
		p.Instance = p.Instance[:512]
	}
	p.RequestID = RequestID(c)
	b, _ := json.Marshal(p)
	c.Set(fiber.HeaderContentType, "application/problem+json; charset=utf-8")
	return c.Status(p.Status).Send(b)
}

func acceptsHTML(c *fiber.Ctx) bool {
	a := c.Get(fiber.HeaderAccept)
	return a == "" || strings.Contains(a, "text/html") || strings.Contains(a, "*/*")
}

func fiberMessageVI(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return "Không tìm thấy trang bạn cần."
	case fiber.StatusMethodNotAllowed:
		return "Phương thức không được hỗ trợ."
	case fiber.StatusRequestEntityTooLarge:
		return "Dữ liệu gửi lên quá lớn."
	case fiber.StatusTooManyRequests:
		return "Bạn gửi quá nhiều yêu cầu, vui lòng đợi một lát."
	}
	return "Yêu cầu không hợp lệ."
}

// errorPage is the plain error page for when the site's own cannot be
// rendered: html/template like every page (SECURITY.md X-01), no inline
// style (the CSP forbids it).
var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Lỗi {{.Status}} · Chợ OCOP</title></head>
<body><main><h1>{{.Message}}</h1><p><a href="/">Về trang chủ</a></p><p>Mã lỗi {{.Status}} · mã yêu cầu {{.Request}}</p></main>
</body></html>`))
