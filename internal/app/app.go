// Package app wires the process together: configuration, logger, database
// pool, services and the HTTP server. It is the only place that chooses
// implementations.
package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/admin"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/fair"
	"github.com/ocopvn/ocop/internal/importer"
	"github.com/ocopvn/ocop/internal/jobs"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/payment"
	"github.com/ocopvn/ocop/internal/payment/stripecard"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/report"
	"github.com/ocopvn/ocop/internal/searchsync"
	"github.com/ocopvn/ocop/internal/showroom"
	"github.com/ocopvn/ocop/internal/web"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/photo"
	"github.com/ocopvn/ocop/search"
	"github.com/ocopvn/ocop/search/meili"
	"github.com/ocopvn/ocop/search/pgsearch"
	"github.com/ocopvn/ocop/storefront"
)

// App is a running ocop server's parts.
type App struct {
	Config   config.Config
	Log      *slog.Logger
	Pool     *pgxpool.Pool
	Catalog  *catalog.Service
	Accounts *account.Service
	Search   search.Index
	Media    media.Store
	// Producers owns producers, their applications, members and staff
	// grants; Products the listings; Photos product photos, logos and
	// banners; Certification certificates (recorded from the console,
	// expired nightly).
	Producers     *producer.Service
	Products      *product.Service
	Photos        *product.Photos
	Certification *certification.Service
	Showrooms     *showroom.Service
	Fairs         *fair.Service
	// Orders are carts, checkout and the orders' life; Payments their
	// payments (COD, VietQR, Stripe cards) and the seller ledger.
	Orders   *order.Service
	Payments *payment.Service
	// Jobs is the job queue (River on PostgreSQL), started by Serve.
	Jobs *river.Client[pgx.Tx]
	HTTP *fiber.App

	meili *meili.Index // nil unless MEILI_URL is set
	// warmSearch loads the PostgreSQL search backend's memory copy; nil
	// with Meilisearch
	warmSearch func(context.Context) error
	// warming counts the loads still running at start (readiness)
	warming atomic.Int32
}

// NewLogger returns the process logger: JSON in production, text in
// development.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Production() {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// OpenDB opens the pool configured by cfg.
func OpenDB(ctx context.Context, cfg config.Config) (*pgxpool.Pool, error) {
	return postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{MaxConns: cfg.DBMaxConns, StatementTimeout: cfg.DBStatementLimit})
}

// New opens the database and builds the server. The schema must be
// migrated (ocop migrate up).
func New(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	pool, err := OpenDB(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Log: log, Pool: pool}
	a.Catalog = catalog.New(pool, nil)
	var backend search.Index
	backend, a.meili = NewSearch(cfg, pool, log)
	if pg, ok := backend.(*pgsearch.Index); ok {
		a.warmSearch = pg.Warm
	}
	// repeated searches and suggestions answer from memory, per catalog
	// version (search.Cache)
	a.Search = search.NewCache(backend, func(ctx context.Context) (string, error) {
		v, err := a.Catalog.View(ctx)
		if err != nil {
			return "", err
		}
		return v.Version(), nil
	})
	a.Accounts = NewAccounts(cfg, pool, log)
	if a.Media, err = OpenMedia(ctx, cfg, log); err != nil {
		pool.Close()
		return nil, err
	}
	a.Producers = producer.New(pool, a.Media, nil)
	a.Products = product.New(pool, nil)
	// one pipeline (and its decode slots) for every kind of photo
	photoProc := photo.New(a.Media, photo.Options{})
	a.Photos = product.NewPhotos(pool, a.Media, photoProc, nil)
	a.Certification = certification.New(pool, nil)
	a.Showrooms = showroom.New(pool, nil)
	a.Showrooms.SetMedia(a.Media, photoProc)
	a.Fairs = fair.New(pool, nil)
	if err := a.newSales(); err != nil {
		pool.Close()
		return nil, err
	}
	if a.Jobs, err = jobs.New(pool, jobs.Deps{Certification: a.Certification, Orders: a.Orders, Payments: a.Payments,
		Mailer: NewMailer(cfg, log), SMS: account.LogMailer{Log: log, Production: cfg.Production()}, Log: log, BaseURL: cfg.BaseURL}); err != nil {
		pool.Close()
		return nil, err
	}
	if a.HTTP, err = a.newHTTP(); err != nil {
		pool.Close()
		return nil, err
	}
	return a, nil
}

// newSales builds the orders and payments services: order messages are
// queued through an insert-only River client (the worker client is built
// after, with these services); cards are on when a Stripe key is set.
func (a *App) newSales() error {
	cfg := a.Config
	queue, err := jobs.NewInserter(a.Pool)
	if err != nil {
		return err
	}
	key := []byte(cfg.SecretKey)
	if len(key) == 0 {
		// development without OCOP_SECRET_KEY: tracking links last as
		// long as the process
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	if a.Orders, err = order.New(a.Pool, order.Options{TokenKey: key, Queue: queue, PayWindow: cfg.PayWindow}); err != nil {
		return err
	}
	var card *stripecard.Client
	if cfg.StripeSecretKey != "" {
		card = stripecard.New(stripecard.Config{SecretKey: cfg.StripeSecretKey, WebhookSecret: cfg.StripeWebhookSecret, BaseURL: cfg.StripeAPIURL})
	}
	a.Payments = payment.New(a.Pool, a.Orders, payment.Options{Stripe: card, BankSecret: cfg.BankWebhookSecret, BaseURL: cfg.BaseURL, Log: a.Log})
	return nil
}

// VerifyMisses is how many unknown verification codes a client may look
// up in 10 minutes before it gets 429: a shopper mistypes a few; an
// enumeration needs millions.
const VerifyMisses = 60

// newHTTP builds the server: the API, and the two screens on the same
// router, the shopper's storefront and the back-office, onboarding and
// staff console (internal/admin); the storefront renders every error
// page.
func (a *App) newHTTP() (*fiber.App, error) {
	cfg := a.Config
	// one count of unknown verification codes per client for the page
	// and the API (SECURITY.md Z-08)
	verifyLimit := web.NewMissLimiter(VerifyMisses, 10*time.Minute, nil)
	sales := web.NewSales(a.Orders, a.Payments, cfg.CheckoutRate)
	sf, err := storefront.New(storefront.Deps{Catalog: a.Catalog, Search: a.Search, Accounts: a.Accounts, Media: a.Media,
		Certification: a.Certification, VerifyLimit: verifyLimit, Sales: sales, Showrooms: a.Showrooms, Fairs: a.Fairs, BaseURL: cfg.BaseURL,
		MapTiles: cfg.MapTiles, MapAttribution: cfg.MapAttribution})
	if err != nil {
		return nil, err
	}
	adm, err := admin.New(admin.Deps{Catalog: a.Catalog, Producers: a.Producers, Products: a.Products, Photos: a.Photos,
		Certification: a.Certification, Importer: importer.New(a.Pool), Orders: a.Orders, Payments: a.Payments,
		Reports: report.New(a.Pool, nil), Accounts: a.Accounts, Outbox: searchsync.NewOutbox(a.Pool), Showrooms: a.Showrooms, Fairs: a.Fairs, UploadLimit: cfg.UploadLimit, BaseURL: cfg.BaseURL})
	if err != nil {
		return nil, err
	}
	sess := &web.Sessions{Accounts: a.Accounts, Secure: cfg.Production(), Key: []byte(cfg.SecretKey)}
	return web.New(web.Deps{Config: cfg, Log: a.Log, Pool: a.Pool, Catalog: a.Catalog, Starting: func() bool { return a.warming.Load() > 0 }, Search: a.Search, Sessions: sess,
		Producers: a.Producers, Certification: a.Certification, VerifyLimit: verifyLimit, Sales: sales, Showrooms: a.Showrooms, Fairs: a.Fairs,
		Mount: func(r *web.Router) {
			sf.Routes(r)
			adm.Routes(r)
		},
		HTMLError: sf.ErrorPage}), nil
}

// NewAccounts returns the accounts service, sending mail through SMTP
// when OCOP_SMTP_ADDR is set and to the log otherwise.
func NewAccounts(cfg config.Config, pool *pgxpool.Pool, log *slog.Logger) *account.Service {
	// no SMS gateway yet: links for phone-only accounts are logged (the
	// link itself only in development)
	return account.New(pool, account.Options{Log: log, Mailer: NewMailer(cfg, log),
		SMS: account.LogMailer{Log: log, Production: cfg.Production()}, BaseURL: cfg.BaseURL})
}

// NewMailer sends mail through SMTP when OCOP_SMTP_ADDR is set and to the
// log otherwise.
func NewMailer(cfg config.Config, log *slog.Logger) account.Mailer {
	if cfg.SMTPAddr != "" {
		return account.SMTPMailer{Addr: cfg.SMTPAddr, Username: cfg.SMTPUsername, Password: cfg.SMTPPassword, From: cfg.SMTPFrom}
	}
	return account.LogMailer{Log: log, Production: cfg.Production()}
}

// NewSearch chooses the search backend: PostgreSQL (pgsearch) unless
// MEILI_URL is set, then Meilisearch with pgsearch as its fallback. The
// worker writes every change to both, so the fallback is always current.
// The Meilisearch index, if any, is returned too, for Setup.
func NewSearch(cfg config.Config, pool *pgxpool.Pool, log *slog.Logger) (search.Index, *meili.Index) {
	pg := pgsearch.New(pool)
	if cfg.MeiliURL == "" {
		log.Info("search backend: PostgreSQL (pgsearch)")
		return pg, nil
	}
	m := meili.New(cfg.MeiliURL, cfg.MeiliAPIKey, cfg.MeiliIndex, nil)
	log.Info("search backend: Meilisearch, PostgreSQL as fallback", "url", cfg.MeiliURL, "index", cfg.MeiliIndex)
	return search.NewFallback(m, pg, log, nil), m
}

// SetupSearch applies the Meilisearch settings, if Meilisearch is the
// backend. It is a no-op for PostgreSQL.
func (a *App) SetupSearch(ctx context.Context) error {
	if a.meili == nil {
		return nil
	}
	return a.meili.Setup(ctx)
}

// background runs the search sync worker, the certificate-expiry job, the
// cleanup of expired sessions, sign-in failures and upload records and,
// with Meilisearch, the settings setup (retried until it succeeds) until
// ctx is done. The returned function waits for them to stop.
func (a *App) background(ctx context.Context) (wait func()) {
	var wg sync.WaitGroup
	// the job queue (River): the certificate deadline scan and its mails
	if a.Jobs != nil {
		if err := a.Jobs.Start(ctx); err != nil {
			a.Log.Error("job queue did not start", "err", err)
		} else {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-ctx.Done()
				stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
				defer cancel()
				if err := a.Jobs.Stop(stop); err != nil {
					a.Log.Warn("job queue stop", "err", err)
				}
			}()
		}
	}
	// the catalog snapshot and the search copy in memory (pgsearch) are
	// loaded now rather than by the first shoppers' requests; /readyz says
	// "starting" until both are (or have failed: requests then load them)
	a.warming.Add(1)
	if a.warmSearch != nil {
		a.warming.Add(1)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer a.warming.Add(-1)
		start := time.Now()
		if _, err := a.Catalog.View(ctx); err != nil {
			a.Log.Warn("catalog not loaded at start; the first request loads it", "err", err)
		} else {
			a.Log.Info("catalog loaded", "took", time.Since(start).Round(time.Millisecond))
		}
	}()
	if a.warmSearch != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer a.warming.Add(-1)
			start := time.Now()
			if err := a.warmSearch(ctx); err != nil {
				a.Log.Warn("search index not loaded into memory; searches run in SQL until it is", "err", err)
				return
			}
			a.Log.Info("search index loaded into memory", "took", time.Since(start).Round(time.Millisecond))
		}()
	}
	worker := searchsync.NewWorker(a.Pool, a.Catalog, a.Search, a.Log)
	wg.Add(3)
	go func() {
		defer wg.Done()
		t := time.NewTicker(10 * time.Minute)
		defer t.Stop()
		for {
			if err := a.Accounts.Cleanup(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("account cleanup", "err", err)
			}
			if err := a.Photos.Cleanup(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("upload records cleanup", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	// the worker runs even while Meilisearch is unreachable: its writes
	// reach PostgreSQL (the fallback) first, and Meilisearch on a retry
	go func() {
		defer wg.Done()
		_ = worker.Run(ctx)
	}()
	go func() {
		defer wg.Done()
		a.Certification.RunExpiry(ctx, a.Log, time.Minute)
	}()
	// the search index's drift check (SECURITY.md D-04), hourly
	wg.Add(1)
	go func() {
		defer wg.Done()
		a.runDriftCheck(ctx, time.Hour)
	}()
	// the orphan sweeper: a minute after start, then hourly, deletes
	// photo, logo and banner objects no row refers to (never private/)
	wg.Add(1)
	go func() {
		defer wg.Done()
		a.runSweeper(ctx, time.Minute, time.Hour)
	}()
	if a.meili != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for delay := time.Second; ; delay = min(2*delay, time.Minute) {
				err := a.SetupSearch(ctx)
				if err == nil || ctx.Err() != nil {
					return
				}
				a.Log.Error("meilisearch settings not applied; will retry", "err", err, "retry_in", delay.String())
				select {
				case <-ctx.Done():
					return
				case <-time.After(delay):
				}
			}
		}()
	}
	return wg.Wait
}

// runDriftCheck compares the search index (and Meilisearch's settings) with
// the database every interval while the outbox is empty, and logs a
// warning naming the drift; `ocop reindex` repairs it.
func (a *App) runDriftCheck(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n, err := searchsync.Pending(ctx, a.Pool); err != nil || n > 0 {
			continue // changes on their way: counts would differ
		}
		checks := map[string]searchsync.Counter{"postgres": pgsearch.New(a.Pool)}
		var settings func(context.Context) ([]string, error)
		if a.meili != nil {
			checks["meilisearch"] = a.meili
			settings = a.meili.SettingsDrift
		}
		for name, idx := range checks {
			s := settings
			if name == "postgres" {
				s = nil
			}
			d, err := searchsync.Check(ctx, a.Pool, idx, s)
			switch {
			case err != nil && ctx.Err() == nil:
				a.Log.Warn("search drift check", "index", name, "err", err)
			case err == nil && !d.OK():
				a.Log.Warn("search index drift: run ocop reindex", "index", name, "drift", d.String())
			}
		}
	}
}

// SweepMinAge is the youngest unreferenced object the sweeper deletes:
// an upload stores its objects before its row commits (SECURITY.md D-06).
const SweepMinAge = 24 * time.Hour

// runSweeper runs the orphan sweeps of photos and of application
// documents after first, then every interval, until ctx is done.
func (a *App) runSweeper(ctx context.Context, first, interval time.Duration) {
	t := time.NewTimer(first)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for what, sweep := range map[string]func(context.Context, time.Duration) ([]string, error){
			"photos": a.Photos.Sweep, "showroom photos": a.Showrooms.SweepPhotos, "application documents": a.Producers.SweepDocuments,
		} {
			deleted, err := sweep(ctx, SweepMinAge)
			if err != nil && ctx.Err() == nil {
				a.Log.Warn("media sweep", "of", what, "err", err, "deleted", len(deleted))
			} else if len(deleted) > 0 {
				a.Log.Info("media sweep", "of", what, "deleted", len(deleted))
			}
		}
		t.Reset(interval)
	}
}

// Serve answers requests on ln, and runs the search sync worker and the
// certificate-expiry job, until ctx is done; then it stops accepting, lets
// in-flight requests finish (up to the shutdown timeout), stops the
// background jobs and closes the pool.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	bctx, stopBackground := context.WithCancel(ctx)
	waitBackground := a.background(bctx)
	defer func() {
		stopBackground()
		waitBackground()
		a.Pool.Close()
	}()
	errc := make(chan error, 1)
	go func() { errc <- a.HTTP.Listener(ln) }()
	a.Log.Info("serving", "addr", ln.Addr().String(), "config", a.Config.String())
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	a.Log.Info("shutting down", "grace", a.Config.ShutdownTimeout.String())
	err := a.HTTP.ShutdownWithTimeout(a.Config.ShutdownTimeout)
	if lerr := <-errc; lerr != nil && !errors.Is(lerr, net.ErrClosed) {
		a.Log.Warn("listener", "err", lerr)
	}
	a.Log.Info("stopped")
	return err
}
