// Package jobs runs the marketplace's background work on River, a job
// queue in PostgreSQL: jobs are rows, inserted in the same transaction as
// the change they follow, so none is lost or run for a change that rolled
// back. Today: the hourly certificate deadline scan and the notice mails
// it queues (T-90, T-30, T-7).
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/certification"
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

// New returns the job queue's client with its workers and the periodic
// deadline scan. Start it with Start(ctx), stop it with Stop(ctx).
func New(pool *pgxpool.Pool, certs *certification.Service, mailer account.Mailer, log *slog.Logger) (*river.Client[pgx.Tx], error) {
	workers := river.NewWorkers()
	river.AddWorker(workers, &scanWorker{certs: certs})
	river.AddWorker(workers, &noticeWorker{certs: certs, mailer: mailer, log: log})
	return river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Workers: workers,
		PeriodicJobs: []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(ScanEvery),
			func() (river.JobArgs, *river.InsertOpts) { return ScanArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})},
		Logger: log,
	})
}
