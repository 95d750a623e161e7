// Package jobs runs the marketplace's background work on River, a job
// queue in PostgreSQL: jobs are rows, inserted in the same transaction as
// the change they follow, so none is lost or run for a change that rolled
// back. The hourly certificate deadline scan and the notice mails it
// queues (T-90, T-30, T-7); the order messages (queued by internal/order
// in the transaction of each change); the payment job that releases
// unpaid orders past their deadline.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/payment"
)

// ScanArgs is the certificate deadline scan: it records the notices due
// and queues their mails.
type ScanArgs struct{}

// Kind names the job.
func (ScanArgs) Kind() string { return "certificate_deadline_scan" }

// NoticeArgs mails one deadline notice to the producer's members.
type NoticeArgs struct {
	CertificateID int64 `json:"certificate_id"`
	Days          int   `json:"days"`
}

// Kind names the job.
func (NoticeArgs) Kind() string { return "certificate_notice_mail" }

// ScanEvery is how often the deadline scan runs (and once at start).
const ScanEvery = time.Hour

type scanWorker struct {
	river.WorkerDefaults[ScanArgs]
	certs *certification.Service
}

// Work records the due notices and queues their mails in one transaction.
func (w *scanWorker) Work(ctx context.Context, _ *river.Job[ScanArgs]) error {
	_, err := w.certs.ScheduleNotices(ctx, func(ctx context.Context, tx pgx.Tx, ns []certification.Notice) error {
		params := make([]river.InsertManyParams, len(ns))
		for i, n := range ns {
			params[i] = river.InsertManyParams{Args: NoticeArgs{CertificateID: n.CertificateID, Days: n.Days}}
		}
		_, err := river.ClientFromContext[pgx.Tx](ctx).InsertManyTx(ctx, tx, params)
		return err
	})
	return err
}

type noticeWorker struct {
	river.WorkerDefaults[NoticeArgs]
	certs  *certification.Service
	mailer account.Mailer
	log    *slog.Logger
}

// Work mails the notice to every member with an e-mail address; River
// retries it when the mail server refuses.
func (w *noticeWorker) Work(ctx context.Context, job *river.Job[NoticeArgs]) error {
	m, err := w.certs.ComposeNotice(ctx, certification.Notice{CertificateID: job.Args.CertificateID, Days: job.Args.Days})
	if err != nil {
		return err
	}
	if len(m.To) == 0 {
		// the dashboard shows the notice; nobody to mail
		w.log.Info("certificate notice: no member with an e-mail", "certificate", job.Args.CertificateID, "days", job.Args.Days)
		return nil
	}
	for _, to := range m.To {
		if err := w.mailer.Send(ctx, to, m.Subject, m.Body); err != nil {
			return fmt.Errorf("mail notice to %s: %w", to, err)
		}
	}
	return nil
}

// Deps are what the jobs need. Orders and Payments may be nil (no order
// messages, no payment expiry), as may SMS (messages to a phone are
// logged).
type Deps struct {
	Certification *certification.Service
	Orders        *order.Service
	Payments      *payment.Service
	Mailer        account.Mailer
	SMS           account.Mailer
	Log           *slog.Logger
	// BaseURL is the site's origin, for links in messages.
	BaseURL string
}

// PaymentsEvery is how often unpaid orders past their deadline are
// released and card payments without a webhook are asked of Stripe.
const PaymentsEvery = time.Minute

// New returns the job queue's client with its workers and the periodic
// jobs. Start it with Start(ctx), stop it with Stop(ctx).
func New(pool *pgxpool.Pool, d Deps) (*river.Client[pgx.Tx], error) {
	workers := river.NewWorkers()
	river.AddWorker(workers, &scanWorker{certs: d.Certification})
	river.AddWorker(workers, &noticeWorker{certs: d.Certification, mailer: d.Mailer, log: d.Log})
	periodic := []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(ScanEvery),
		func() (river.JobArgs, *river.InsertOpts) { return ScanArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})}
	if d.Orders != nil {
		river.AddWorker(workers, &messageWorker{orders: d.Orders, mailer: d.Mailer, sms: d.SMS, log: d.Log, baseURL: d.BaseURL})
	}
	if d.Payments != nil {
		river.AddWorker(workers, &paymentsWorker{payments: d.Payments, log: d.Log})
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(PaymentsEvery),
			func() (river.JobArgs, *river.InsertOpts) { return PaymentsArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true}))
	}
	return river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:       map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Workers:      workers,
		PeriodicJobs: periodic,
		Logger:       d.Log,
	})
}

// NewInserter returns a client that only inserts jobs (in the caller's
// transactions); the client of New works them.
func NewInserter(pool *pgxpool.Pool) (*river.Client[pgx.Tx], error) {
	return river.NewClient(riverpgxv5.New(pool), &river.Config{})
}

// PaymentsArgs is the periodic payment job: release unpaid orders past
// their deadline, after asking Stripe about open card payments.
type PaymentsArgs struct{}

// Kind names the job.
func (PaymentsArgs) Kind() string { return "payment_expiry" }

type paymentsWorker struct {
	river.WorkerDefaults[PaymentsArgs]
	payments *payment.Service
	log      *slog.Logger
}

// Work reconciles and expires.
func (w *paymentsWorker) Work(ctx context.Context, _ *river.Job[PaymentsArgs]) error {
	n, err := w.payments.ExpireUnpaid(ctx)
	if n > 0 {
		w.log.Info("unpaid orders released", "groups", n)
	}
	return err
}

type messageWorker struct {
	river.WorkerDefaults[order.Message]
	orders      *order.Service
	mailer, sms account.Mailer
	log         *slog.Logger
	baseURL     string
}

// Work sends one order message's mails; River retries it when the mail
// server refuses. A shopper without e-mail gets it by SMS (logged while
// no SMS gateway is configured).
func (w *messageWorker) Work(ctx context.Context, job *river.Job[order.Message]) error {
	mails, err := w.orders.Compose(ctx, job.Args, w.baseURL)
	if err != nil {
		return err
	}
	for _, m := range mails {
		send := w.mailer
		if strings.HasPrefix(m.To, "+") {
			send = w.sms
		}
		if send == nil {
			w.log.Info("order message not sent: no channel", "event", job.Args.Event, "group", job.Args.GroupID)
			continue
		}
		if err := send.Send(ctx, m.To, m.Subject, m.Body); err != nil {
			return fmt.Errorf("order message to %s: %w", m.To, err)
		}
	}
	return nil
}
