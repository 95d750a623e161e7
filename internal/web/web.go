// Package web builds the HTTP server: hardened Fiber settings, the
// middleware every request goes through (recover, request id, deadline,
// access log, metrics, security headers), the error handler, health and
// readiness, metrics, and the public JSON API v1.
package web

import (
	"crypto/rand"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/valyala/fasthttp"

	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/fair"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/showroom"
	"github.com/ocopvn/ocop/search"
)

// Deps are what the server needs.
type Deps struct {
	Config  config.Config
	Log     *slog.Logger
	Pool    *pgxpool.Pool
	Catalog *catalog.Service
	// Starting reports whether the server is still loading what it keeps
	// in memory (the catalog, the search copy): /readyz answers 503 until
	// it is done, so no traffic comes to a cold process. Nil: never.
	Starting func() bool
	// Search answers /api/v1/search and /api/v1/suggest; nil makes them
	// 503.
	Search search.Index
	// Sessions loads the signed-in user and holds the CSRF key; nil means
	// no accounts (every visitor anonymous) and a random CSRF key.
	Sessions *Sessions
	// Certification answers GET /api/v1/verify/{code} (a product's QR);
	// nil makes it 503. VerifyLimit, shared with the verification page,
	// refuses a client that looks up too many unknown codes.
	Certification *certification.Service
	VerifyLimit   *MissLimiter
	// Producers tells the access rules a route's producer (province, type,
	// status); nil makes every route with a :producer parameter 404.
	Producers *producer.Service
	// ReadTimeout is how long a request may take to arrive (ReadTimeout
	// when 0; tests shorten it).
	ReadTimeout time.Duration
	// Sales, if set, serves the checkout and order API and the payment
	// webhooks.
	Sales *Sales
	// Showrooms, if set, serves /api/v1/showrooms.
	Showrooms *showroom.Service
	// Fairs, if set, serves /api/v1/events.
	Fairs *fair.Service
	// Mount, if set, adds more routes (the storefront) after the API,
	// each with its access rule.
	Mount func(r *Router)
	// HTMLError, if set, renders error pages in the site's style; message
	// is safe to show (Vietnamese).
	HTMLError func(c *fiber.Ctx, status int, message, requestID string) error
}

// Server timeouts (SECURITY.md F-02).
const (
	ReadTimeout  = 15 * time.Second
	WriteTimeout = 30 * time.Second
	IdleTimeout  = 60 * time.Second
)

// New returns the Fiber app with every route mounted.
func New(d Deps) *fiber.App {
	readTimeout := d.ReadTimeout
	if readTimeout <= 0 {
		readTimeout = ReadTimeout
	}
	reg := prometheus.NewRegistry()
	m := newMetrics(reg, d.Pool)
	app := fiber.New(fiber.Config{
		AppName:      "ocop",
		ReadTimeout:  readTimeout,
		WriteTimeout: WriteTimeout,
		IdleTimeout:  IdleTimeout,
		// upload routes take up to UploadLimit; every other POST is held
		// to BodyLimit by its Content-Length before the body is read
		// (Router.guardBody), which streaming makes possible
		BodyLimit:         max(d.Config.UploadLimit, d.Config.BodyLimit),
		StreamRequestBody: true,
		// fasthttp would otherwise read a whole multipart body before
		// any handler runs; it is read when a handler asks for it
		DisablePreParseMultipartForm: true,
		Immutable:                    true, // ctx strings may outlive a handler (SECURITY.md F-03)
		DisableStartupMessage:        true,
		EnableTrustedProxyCheck:      true, // X-Forwarded-* only from OCOP_TRUSTED_PROXIES
		TrustedProxies:               d.Config.TrustedProxies,
		ProxyHeader:                  proxyHeader(d.Config),
		ErrorHandler:                 errorHandler(d.Log, d.HTMLError, hstsMaxAge(d.Config)),
		ReduceMemoryUsage:            false,
	})
	app.Use(recoverer(d.Log)) // last resort, should the middleware below panic
	app.Use(requestContext(d.Config.RequestTimeout))
	app.Use(m.middleware(d.Log))
	app.Use(recoverer(d.Log)) // a handler's panic becomes a logged, counted 500
	app.Use(helmet.New(helmet.Config{
		ReferrerPolicy:            "strict-origin-when-cross-origin", // CSRF checks need a same-host Referer
		CrossOriginEmbedderPolicy: "unsafe-none",
		ContentSecurityPolicy:     contentSecurityPolicy,
		HSTSMaxAge:                hstsMaxAge(d.Config),
	}))
	app.Use(compressResponses())
	sess := d.Sessions
	if sess == nil {
		sess = &Sessions{}
	}
	if len(sess.Key) == 0 {
		sess.Key = make([]byte, 32)
		_, _ = rand.Read(sess.Key)
	}
	r := NewRouter(app)
	if d.Producers != nil {
		r.producer = d.Producers.FindScope
	}
	r.bodyLimit, r.uploadLimit = d.Config.BodyLimit, max(d.Config.UploadLimit, d.Config.BodyLimit)
	r.readTimeout = readTimeout
	r.sess = sess
	sess.router = r
	app.Server().HeaderReceived = r.readConfig
	app.Use(sess.loadSession)
	app.Use(r.guardBody) // before the CSRF check reads a body
	app.Use(sess.checkCSRF)

	h := &handler{catalog: d.Catalog, pool: d.Pool, search: d.Search, starting: d.Starting, suggestions: newSuggestCache(nil),
		certification: d.Certification, verifyLimit: d.VerifyLimit, showrooms: d.Showrooms, fairs: d.Fairs}
	r.Get("/healthz", Public, h.healthz)
	r.Get("/readyz", Public, h.readyz)
	r.Get("/metrics", Public, m.handler(d.Config.MetricsToken))
	const api = "/api/v1"
	r.Get(api+"/openapi.json", Public, serveOpenAPI)
	r.Get(api+"/products", Public, h.listProducts)
	r.Get(api+"/products/:slug", Public, h.showProduct)
	r.Get(api+"/producers/:slug", Public, h.showProducer)
	r.Get(api+"/provinces", Public, h.listProvinces)
	r.Get(api+"/groups", Public, h.listGroups)
	r.Get(api+"/search", Public, h.searchProducts)
	r.Get(api+"/suggest", Public, h.suggest)
	r.Get(api+"/verify/:code", Public, h.verify)
	if d.Showrooms != nil {
		r.Get(api+"/showrooms", Public, h.listShowrooms)
		r.Get(api+"/showrooms/:slug", Public, h.showShowroom)
	}
	if d.Fairs != nil {
		r.Get(api+"/events", Public, h.listEvents)
		r.Get(api+"/events/:slug", Public, h.showEvent)
	}
	if d.Sales != nil {
		d.Sales.mount(r, api)
	}
	if d.Mount != nil {
		d.Mount(r)
	}
	return app
}

func proxyHeader(c config.Config) string {
	if len(c.TrustedProxies) == 0 {
		return ""
	}
	return fiber.HeaderXForwardedFor
}

func hstsMaxAge(c config.Config) int {
	if c.Production() {
		return 31536000
	}
	return 0
}

// compressResponses gzips what handlers send, at level 6, when the client
// accepts it. Measured on the catalog page (25 KB of HTML): gzip 6 gives
// 5,264 B in 0.10 ms, smaller than gzip 1 (6,000 B, 0.07 ms) and than
// brotli up to level 3 (6,118 B at level 0, 5,459 B at 3, 0.22 ms); brotli
// does better only from level 4, at 0.5 ms a page. Fingerprinted static
// assets are compressed once, at the best levels (storefront/static); a
// body that already has a Content-Encoding, an image or a small body is
// left as it is.
func compressResponses() fiber.Handler {
	gz := fasthttp.CompressHandlerLevel(func(*fasthttp.RequestCtx) {}, fasthttp.CompressDefaultCompression)
	return func(c *fiber.Ctx) error {
		if err := c.Next(); err != nil {
			return err
		}
		gz(c.Context())
		return nil
	}
}
