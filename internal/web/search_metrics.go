package web

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/ocopvn/ocop/internal/searchsync"
	"github.com/prometheus/client_golang/prometheus"
)

// outboxCollector exports the search outbox's backlog, for an alert when
// the index falls behind the catalog (a backend down, a change that keeps
// failing).
type outboxCollector struct{ pool *pgxpool.Pool }

var (
	outboxPending = prometheus.NewDesc("ocop_search_outbox_pending", "Product changes not yet applied to the search index.", nil, nil)
	outboxOldest  = prometheus.NewDesc("ocop_search_outbox_oldest_seconds", "Age of the oldest change not yet applied to the search index.", nil, nil)
	outboxFailing = prometheus.NewDesc("ocop_search_outbox_failing", "Changes whose last attempt failed.", nil, nil)
	outboxDead    = prometheus.NewDesc("ocop_search_outbox_dead", "Changes in the dead letter (retry from /quan-tri/chi-muc).", nil, nil)
)

func (c outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxPending
	ch <- outboxOldest
	ch <- outboxFailing
	ch <- outboxDead
}

func (c outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	b, err := searchsync.Stats(ctx, c.pool)
	if err != nil {
		return // the scrape shows the metric missing; readiness reports the database
	}
	ch <- prometheus.MustNewConstMetric(outboxPending, prometheus.GaugeValue, float64(b.Pending))
	ch <- prometheus.MustNewConstMetric(outboxOldest, prometheus.GaugeValue, b.Oldest)
	ch <- prometheus.MustNewConstMetric(outboxFailing, prometheus.GaugeValue, float64(b.Failing))
	ch <- prometheus.MustNewConstMetric(outboxDead, prometheus.GaugeValue, float64(b.Dead))
}
