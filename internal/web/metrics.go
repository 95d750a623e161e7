package web

import (
	"crypto/subtle"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ocopvn/ocop/search"
)

type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry, pool *pgxpool.Pool) *metrics {
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ocop_http_requests_total",
			Help: "HTTP requests by method, route pattern and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ocop_http_request_duration_seconds",
			Help:    "HTTP request latency by method and route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "ocop_db_unavailable_total",
			Help: "Requests answered 503 because the database was unavailable."}, func() float64 { return float64(outages.total.Load()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "ocop_search_fallbacks_total",
			Help: "Searches answered by the fallback backend (PostgreSQL) because the primary (Meilisearch) failed."}, func() float64 { return float64(search.Fallbacks()) }))
	if pool != nil {
		reg.MustRegister(poolCollector{pool}, outboxCollector{pool}, businessCollector{pool})
	}
	return m
}

// handler serves the metrics to a scraper that sends the bearer token
// (OCOP_METRICS_TOKEN) or, without one configured, to loopback clients
// only; anyone else gets 404, as if there were no such page.
func (m *metrics) handler(token string) fiber.Handler {
	serve := adaptor.HTTPHandler(promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	return func(c *fiber.Ctx) error {
		if !metricsAllowed(c, token) {
			return errNotFound
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return serve(c)
	}
}

// metricsAllowed: the right bearer token, or (no token set) a loopback
// client.
func metricsAllowed(c *fiber.Ctx, token string) bool {
	if token != "" {
		got, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
		return ok && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
	}
	ip := net.ParseIP(c.IP())
	return ip != nil && ip.IsLoopback()
}

// middleware records count and latency per route pattern (never the raw
// path, which would explode the label set) and writes the access log.
func (m *metrics) middleware(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		if err != nil {
			// let the error handler set the status now, so it is logged
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		// JSON always says its charset (Fiber's c.JSON does not)
		if string(c.Response().Header.ContentType()) == fiber.MIMEApplicationJSON {
			c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		}
		status := c.Response().StatusCode()
		route := c.Route().Path
		if status == fiber.StatusNotFound && route == "/" && c.Path() != "/" {
			route = "unmatched"
		}
		d := time.Since(start)
		method := c.Method()
		m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
		m.latency.WithLabelValues(method, route).Observe(d.Seconds())
		if log.Enabled(c.UserContext(), slog.LevelInfo) {
			log.Info("request", "request_id", RequestID(c), "method", method, "path", c.Path(),
				"route", route, "status", status, "duration_ms", float64(d.Microseconds())/1000, "bytes", len(c.Response().Body()))
		}
		return nil
	}
}

// poolCollector exports pgxpool statistics.
type poolCollector struct{ pool *pgxpool.Pool }

var (
	poolAcquired = prometheus.NewDesc("ocop_db_pool_acquired_conns", "Connections in use.", nil, nil)
	poolIdle     = prometheus.NewDesc("ocop_db_pool_idle_conns", "Idle connections.", nil, nil)
	poolTotal    = prometheus.NewDesc("ocop_db_pool_total_conns", "Open connections.", nil, nil)
	poolMax      = prometheus.NewDesc("ocop_db_pool_max_conns", "Pool size limit.", nil, nil)
	poolAcquires = prometheus.NewDesc("ocop_db_pool_acquires_total", "Successful acquires.", nil, nil)
	poolWaits    = prometheus.NewDesc("ocop_db_pool_empty_acquires_total", "Acquires that had to wait for a connection.", nil, nil)
	poolWaitSecs = prometheus.NewDesc("ocop_db_pool_acquire_wait_seconds_total", "Time spent waiting to acquire.", nil, nil)
)

func (p poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolAcquired, poolIdle, poolTotal, poolMax, poolAcquires, poolWaits, poolWaitSecs} {
		ch <- d
	}
}

func (p poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := p.pool.Stat()
	ch <- prometheus.MustNewConstMetric(poolAcquired, prometheus.GaugeValue, float64(s.AcquiredConns()))
	ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(s.IdleConns()))
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(s.TotalConns()))
	ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(s.MaxConns()))
	ch <- prometheus.MustNewConstMetric(poolAcquires, prometheus.CounterValue, float64(s.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolWaits, prometheus.CounterValue, float64(s.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolWaitSecs, prometheus.CounterValue, s.AcquireDuration().Seconds())
}
