package web

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// businessCollector exports what the trade department and the operators
// watch, read from PostgreSQL at scrape time, so every replica reports
// the same figures (aggregate with max, not sum): orders placed and paid,
// payments failed, certificates expiring within 30 days.
type businessCollector struct{ pool *pgxpool.Pool }

var (
	ordersPlaced   = prometheus.NewDesc("ocop_orders_placed_total", "Orders placed (one per producer of a checkout), ever.", nil, nil)
	ordersPaid     = prometheus.NewDesc("ocop_orders_paid_total", "Orders paid (cards, VietQR transfers, cash collected), ever.", nil, nil)
	paymentsFailed = prometheus.NewDesc("ocop_payments_failed_total", "Payments that failed or expired unpaid, ever.", nil, nil)
	certsExpiring  = prometheus.NewDesc("ocop_certificates_expiring_30d", "Active certificates whose validity ends within 30 days.", nil, nil)
)

func (c businessCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- ordersPlaced
	ch <- ordersPaid
	ch <- paymentsFailed
	ch <- certsExpiring
}

func (c businessCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var placed, paid, failed, expiring float64
	if err := c.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM shop_order),
		(SELECT count(*) FROM shop_order WHERE paid_at IS NOT NULL),
		(SELECT count(*) FROM payment WHERE status IN ('failed', 'expired')),
		(SELECT count(*) FROM certificate WHERE status = 'active'
		   AND valid_until BETWEEN (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AND (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + 30)`).
		Scan(&placed, &paid, &failed, &expiring); err != nil {
		return // the scrape shows them missing; readiness reports the database
	}
	ch <- prometheus.MustNewConstMetric(ordersPlaced, prometheus.CounterValue, placed)
	ch <- prometheus.MustNewConstMetric(ordersPaid, prometheus.CounterValue, paid)
	ch <- prometheus.MustNewConstMetric(paymentsFailed, prometheus.CounterValue, failed)
	ch <- prometheus.MustNewConstMetric(certsExpiring, prometheus.GaugeValue, expiring)
}
