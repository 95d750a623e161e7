// Package config reads the process configuration from environment variables
// and validates it at start, naming every bad value.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of the ocop binary.
type Config struct {
	DatabaseURL string
	// Listen is the address to listen on: 127.0.0.1 in development (demo
	// accounts with a published password exist there), every interface
	// in production, unless OCOP_LISTEN says otherwise.
	Listen           string
	Port             int
	Env              string // development | production
	LogLevel         string // debug | info | warn | error
	BaseURL          string
	TrustedProxies   []string
	DBMaxConns       int32
	DBStatementLimit time.Duration
	RequestTimeout   time.Duration
	ShutdownTimeout  time.Duration
	BodyLimit        int
	UploadLimit      int // largest body of an upload route (photos, documents)
	// MemoryTarget is the soft limit of the Go runtime's memory in MiB
	// that ocop serve keeps to while the live heap allows (0: none, as
	// when GOMEMLIMIT is set).
	MemoryTarget int
	// MeiliURL, when set, makes Meilisearch the search backend (with
	// PostgreSQL as its fallback); empty means PostgreSQL only.
	MeiliURL    string
	MeiliAPIKey string
	MeiliIndex  string

	// Media: photos go to MinIO/S3 when S3Endpoint is set, otherwise to
	// files under MediaDir.
	MediaDir    string
	S3Endpoint  string // host:port, no scheme
	S3AccessKey string
	S3SecretKey string
	S3Bucket    string
	S3Region    string
	S3UseSSL    bool

	// SecretKey signs CSRF tokens; set it in production so replicas and
	// restarts agree (a random key is used when it is empty).
	SecretKey string
	// SMTP sends mail (password reset) when SMTPAddr is set; otherwise
	// mail is logged (its body only in development).
	SMTPAddr     string // host:port
	SMTPUsername string
	SMTPPassword string
	SMTPFrom     string

	// Payments: cards through Stripe when StripeSecretKey is set (cash on
	// delivery and VietQR need no key); bank notifications when
	// BankWebhookSecret is set.
	StripeSecretKey     string
	StripeWebhookSecret string
	StripeAPIURL        string // "" = Stripe's API; stripe-mock in tests
	BankWebhookSecret   string
	// CheckoutRate is how many checkouts one IP may make per minute.
	CheckoutRate int
	// PayWindow is how long an unpaid card or VietQR order holds its
	// stock.
	PayWindow time.Duration
	// MetricsToken, when set, is the bearer token /metrics asks for;
	// without it /metrics answers loopback clients only.
	MetricsToken string
	// MapTiles, when set, is the tile URL template of the showroom maps
	// (https://tile.example/{z}/{x}/{y}.png, {s} for subdomains); without
	// it the pages draw the points as an SVG on the server.
	MapTiles       string
	MapAttribution string
}

// Var documents one environment variable; README's table lists the same.
type Var struct{ Name, Default, Help string }

// Vars lists every environment variable the binary reads.
var Vars = []Var{
	{"DATABASE_URL", "(required; make run/test start a private cluster)", "PostgreSQL connection URL; or DATABASE_URL_FILE, a file holding it"},
	{"PORT", "8080", "HTTP port"},
	{"OCOP_ENV", "development", "development (text logs) or production (JSON logs)"},
	{"OCOP_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"OCOP_BASE_URL", "http://localhost:$PORT", "public URL of the site, for canonical links"},
	{"OCOP_TRUSTED_PROXIES", "(none)", "comma-separated IPs/CIDRs whose X-Forwarded-* headers are trusted"},
	{"OCOP_DB_MAX_CONNS", "16", "PostgreSQL pool size"},
	{"OCOP_DB_STATEMENT_TIMEOUT", "5s", "statement_timeout of every connection"},
	{"OCOP_LISTEN", "127.0.0.1 in development, all interfaces in production", "address to listen on (with PORT)"},
	{"OCOP_REQUEST_TIMEOUT", "10s", "deadline of one request's work"},
	{"OCOP_SHUTDOWN_TIMEOUT", "20s", "how long in-flight requests may finish after SIGINT/SIGTERM"},
	{"OCOP_BODY_LIMIT", "1048576", "largest request body in bytes (forms)"},
	{"OCOP_UPLOAD_LIMIT", "67108864", "largest body of an upload (photos, application documents) in bytes"},
	{"OCOP_MEMORY_TARGET", "200", "MiB of memory the Go runtime of ocop serve aims to stay within, by collecting garbage sooner while the live heap allows (0: off; GOMEMLIMIT, when set, wins)"},
	{"MEILI_URL", "(none: PostgreSQL search)", "Meilisearch URL; when set, search uses Meilisearch and falls back to PostgreSQL"},
	{"MEILI_API_KEY", "(none)", "Meilisearch API key (an admin key scoped to the index, not the master key); or MEILI_API_KEY_FILE"},
	{"MEILI_INDEX", "products", "Meilisearch index name"},
	{"OCOP_MEDIA_DIR", ".data/media", "directory of uploaded photos when OCOP_S3_ENDPOINT is not set"},
	{"OCOP_S3_ENDPOINT", "(none: photos on local disk)", "MinIO/S3 host:port (no scheme); setting it stores photos there"},
	{"OCOP_S3_ACCESS_KEY", "(required with OCOP_S3_ENDPOINT)", "MinIO/S3 access key"},
	{"OCOP_S3_SECRET_KEY", "(required with OCOP_S3_ENDPOINT)", "MinIO/S3 secret key; or OCOP_S3_SECRET_KEY_FILE, a file holding it"},
	{"OCOP_S3_BUCKET", "ocop-media", "bucket, created if missing"},
	{"OCOP_S3_REGION", "(server default)", "bucket region, e.g. us-east-1"},
	{"OCOP_S3_USE_SSL", "false", "true to reach the endpoint over HTTPS"},
	{"OCOP_SECRET_KEY", "(random per process; required in production)", "at least 32 characters; signs CSRF tokens; or OCOP_SECRET_KEY_FILE"},
	{"OCOP_SMTP_ADDR", "(none: mail is logged)", "SMTP server host:port for password-reset mail"},
	{"OCOP_SMTP_USERNAME", "(none)", "SMTP user"},
	{"OCOP_SMTP_PASSWORD", "(none)", "SMTP password; or OCOP_SMTP_PASSWORD_FILE"},
	{"OCOP_SMTP_FROM", "Chợ OCOP <no-reply@localhost>", "sender of the site's mail"},
	{"OCOP_STRIPE_SECRET_KEY", "(none: no card payments)", "Stripe secret key; or OCOP_STRIPE_SECRET_KEY_FILE"},
	{"OCOP_STRIPE_WEBHOOK_SECRET", "(none)", "signing secret of the /webhooks/stripe endpoint; or _FILE"},
	{"OCOP_STRIPE_API_URL", "(Stripe's API)", "another Stripe API root, e.g. stripe-mock's http://127.0.0.1:12111"},
	{"OCOP_BANK_WEBHOOK_SECRET", "(none: notifications refused)", "HMAC-SHA256 secret of bank transfer notifications at /webhooks/bank; or _FILE"},
	{"OCOP_CHECKOUT_RATE", "60", "checkouts per minute from one IP (many shoppers share a carrier's IP)"},
	{"OCOP_PAY_WINDOW", "30m", "how long an unpaid card or VietQR order holds its stock"},
	{"OCOP_METRICS_TOKEN", "(none: /metrics for loopback clients only)", "bearer token Prometheus sends to /metrics; or OCOP_METRICS_TOKEN_FILE"},
	{"OCOP_MAP_TILES", "(none: showroom maps drawn as SVG on the server)", "tile URL template of the interactive showroom map, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png (mind the tile server's usage policy)"},
	{"OCOP_MAP_ATTRIBUTION", "© OpenStreetMap", "attribution shown on the map, as the tile provider requires"},
}

// Load builds a Config from getenv and validates it. The error lists every
// bad value, one per line.
func Load(getenv func(string) string) (Config, error) {
	var errs []error
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	duration := func(name, def string) time.Duration {
		v := get(name, def)
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s=%q: want a positive duration such as 5s or 250ms", name, v))
		}
		return d
	}
	integer := func(name, def string, min, max int) int {
		v := get(name, def)
		n, err := strconv.Atoi(v)
		if err != nil || n < min || n > max {
			errs = append(errs, fmt.Errorf("%s=%q: want a whole number from %d to %d", name, v, min, max))
		}
		return n
	}

	c := Config{
		DatabaseURL:      get("DATABASE_URL", ""),
		Port:             integer("PORT", "8080", 0, 65535),
		Env:              get("OCOP_ENV", "development"),
		LogLevel:         strings.ToLower(get("OCOP_LOG_LEVEL", "info")),
		DBMaxConns:       int32(integer("OCOP_DB_MAX_CONNS", "16", 1, 1000)),
		DBStatementLimit: duration("OCOP_DB_STATEMENT_TIMEOUT", "5s"),
		RequestTimeout:   duration("OCOP_REQUEST_TIMEOUT", "10s"),
		ShutdownTimeout:  duration("OCOP_SHUTDOWN_TIMEOUT", "20s"),
		BodyLimit:        integer("OCOP_BODY_LIMIT", "1048576", 1024, 1<<30),
		UploadLimit:      integer("OCOP_UPLOAD_LIMIT", "67108864", 1024, 1<<30),
		MemoryTarget:     integer("OCOP_MEMORY_TARGET", "200", 0, 1<<20),
		MeiliURL:         strings.TrimRight(get("MEILI_URL", ""), "/"),
		MeiliAPIKey:      get("MEILI_API_KEY", ""),
		MeiliIndex:       get("MEILI_INDEX", "products"),
		StripeAPIURL:     strings.TrimRight(get("OCOP_STRIPE_API_URL", ""), "/"),
		CheckoutRate:     integer("OCOP_CHECKOUT_RATE", "60", 1, 1000000),
		PayWindow:        duration("OCOP_PAY_WINDOW", "30m"),
		MapTiles:         strings.TrimSpace(get("OCOP_MAP_TILES", "")),
		MapAttribution:   strings.TrimSpace(get("OCOP_MAP_ATTRIBUTION", "© OpenStreetMap")),
	}
	if get("GOMEMLIMIT", "") != "" {
		c.MemoryTarget = 0 // the operator's limit, which the runtime applies
	}
	if c.MapTiles != "" {
		if err := checkTiles(c.MapTiles); err != nil {
			errs = append(errs, err)
		}
	}
	c.BaseURL = strings.TrimRight(get("OCOP_BASE_URL", fmt.Sprintf("http://localhost:%d", c.Port)), "/")
	listen := "127.0.0.1"
	if c.Env == "production" {
		listen = ""
	}
	c.Listen = get("OCOP_LISTEN", listen)
	errs = append(errs, c.loadMedia(get, readFile)...)
	errs = append(errs, c.loadAccounts(get, readFile)...)

	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("DATABASE_URL is not set: give a PostgreSQL URL such as postgres://user@localhost:5432/ocop (make run starts a private cluster and sets it)"))
	} else if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		errs = append(errs, errors.New("DATABASE_URL: want a postgres:// or postgresql:// URL"))
	}
	if c.Env != "development" && c.Env != "production" {
		errs = append(errs, fmt.Errorf("OCOP_ENV=%q: want development or production", c.Env))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("OCOP_LOG_LEVEL=%q: want debug, info, warn or error", c.LogLevel))
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("OCOP_BASE_URL=%q: want an absolute http(s) URL", c.BaseURL))
	}
	if c.MeiliURL != "" {
		if u, err := url.Parse(c.MeiliURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			errs = append(errs, errors.New("MEILI_URL: want an http(s) URL such as http://127.0.0.1:7700, without credentials (use MEILI_API_KEY)"))
		}
	}
	if !meiliIndexName.MatchString(c.MeiliIndex) {
		errs = append(errs, fmt.Errorf("MEILI_INDEX=%q: want letters, digits, - and _ only", c.MeiliIndex))
	}
	if v := get("OCOP_TRUSTED_PROXIES", ""); v != "" {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			if net.ParseIP(p) == nil {
				if _, _, err := net.ParseCIDR(p); err != nil {
					errs = append(errs, fmt.Errorf("OCOP_TRUSTED_PROXIES: %q is neither an IP nor a CIDR", p))
					continue
				}
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	return c, errors.Join(errs...)
}

// checkTiles checks a tile URL template: https (http only on loopback),
// no credentials, and the {z}, {x} and {y} placeholders.
func checkTiles(tiles string) error {
	bad := fmt.Errorf("OCOP_MAP_TILES=%q: want an https URL template with {z}, {x} and {y}, such as https://tile.openstreetmap.org/{z}/{x}/{y}.png", tiles)
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(tiles, p) {
			return bad
		}
	}
	u, err := url.Parse(strings.NewReplacer("{s}", "a", "{z}", "0", "{x}", "0", "{y}", "0", "{r}", "").Replace(tiles))
	if err != nil || u.Host == "" || u.User != nil || strings.ContainsAny(tiles, " '\"\\;") {
		return bad
	}
	host := u.Hostname()
	if u.Scheme != "https" && !(u.Scheme == "http" && (host == "127.0.0.1" || host == "localhost" || host == "::1")) {
		return bad
	}
	return nil
}

var meiliIndexName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}$`)

// readFile reads a _FILE secret; a variable so tests can replace it.
var readFile = os.ReadFile

var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// loadMedia reads the OCOP_MEDIA_DIR and OCOP_S3_* variables.
func (c *Config) loadMedia(get func(name, def string) string, readFile func(string) ([]byte, error)) []error {
	var errs []error
	c.MediaDir = get("OCOP_MEDIA_DIR", ".data/media")
	c.S3Endpoint = get("OCOP_S3_ENDPOINT", "")
	c.S3AccessKey = get("OCOP_S3_ACCESS_KEY", "")
	c.S3SecretKey = get("OCOP_S3_SECRET_KEY", "")
	if f := get("OCOP_S3_SECRET_KEY_FILE", ""); f != "" {
		if c.S3SecretKey != "" {
			errs = append(errs, errors.New("OCOP_S3_SECRET_KEY and OCOP_S3_SECRET_KEY_FILE are both set: keep one"))
		} else if b, err := readFile(f); err != nil {
			errs = append(errs, fmt.Errorf("OCOP_S3_SECRET_KEY_FILE: %v", err))
		} else {
			c.S3SecretKey = strings.TrimSpace(string(b))
		}
	}
	c.S3Bucket = get("OCOP_S3_BUCKET", "ocop-media")
	c.S3Region = get("OCOP_S3_REGION", "")
	ssl := strings.ToLower(get("OCOP_S3_USE_SSL", "false"))
	switch ssl {
	case "true", "1", "yes":
		c.S3UseSSL = true
	case "false", "0", "no":
	default:
		errs = append(errs, fmt.Errorf("OCOP_S3_USE_SSL=%q: want true or false", ssl))
	}
	if c.S3Endpoint == "" {
		return errs
	}
	if strings.Contains(c.S3Endpoint, "://") || strings.Contains(c.S3Endpoint, "/") {
		errs = append(errs, fmt.Errorf("OCOP_S3_ENDPOINT=%q: want host:port without a scheme or path (use OCOP_S3_USE_SSL for https)", c.S3Endpoint))
	} else if host, port, err := net.SplitHostPort(c.S3Endpoint); err == nil {
		if n, err := strconv.Atoi(port); host == "" || err != nil || n < 1 || n > 65535 {
			errs = append(errs, fmt.Errorf("OCOP_S3_ENDPOINT=%q: want host:port", c.S3Endpoint))
		}
	}
	if c.S3AccessKey == "" {
		errs = append(errs, errors.New("OCOP_S3_ACCESS_KEY is not set (required with OCOP_S3_ENDPOINT)"))
	}
	if c.S3SecretKey == "" {
		errs = append(errs, errors.New("OCOP_S3_SECRET_KEY (or OCOP_S3_SECRET_KEY_FILE) is not set (required with OCOP_S3_ENDPOINT)"))
	}
	if !bucketName.MatchString(c.S3Bucket) || strings.Contains(c.S3Bucket, "..") {
		errs = append(errs, fmt.Errorf("OCOP_S3_BUCKET=%q: want 3-63 characters of a-z, 0-9, '.' and '-'", c.S3Bucket))
	}
	return errs
}

// loadAccounts reads OCOP_SECRET_KEY and the OCOP_SMTP_* variables.
func (c *Config) loadAccounts(get func(name, def string) string, readFile func(string) ([]byte, error)) []error {
	var errs []error
	secret := func(name string) string {
		v := get(name, "")
		if f := get(name+"_FILE", ""); f != "" {
			if v != "" {
				errs = append(errs, fmt.Errorf("%s and %s_FILE are both set: keep one", name, name))
			} else if b, err := readFile(f); err != nil {
				errs = append(errs, fmt.Errorf("%s_FILE: %v", name, err))
			} else {
				v = strings.TrimSpace(string(b))
			}
		}
		return v
	}
	c.SecretKey = secret("OCOP_SECRET_KEY")
	// the database URL and the search key carry credentials too: a file
	// (a container secret) may hold them
	if f := get("DATABASE_URL_FILE", ""); f != "" {
		c.DatabaseURL = secret("DATABASE_URL")
	}
	if f := get("MEILI_API_KEY_FILE", ""); f != "" {
		c.MeiliAPIKey = secret("MEILI_API_KEY")
	}
	c.SMTPAddr = get("OCOP_SMTP_ADDR", "")
	c.SMTPUsername = get("OCOP_SMTP_USERNAME", "")
	c.SMTPPassword = secret("OCOP_SMTP_PASSWORD")
	c.SMTPFrom = get("OCOP_SMTP_FROM", "Chợ OCOP <no-reply@localhost>")
	c.StripeSecretKey = secret("OCOP_STRIPE_SECRET_KEY")
	c.StripeWebhookSecret = secret("OCOP_STRIPE_WEBHOOK_SECRET")
	c.BankWebhookSecret = secret("OCOP_BANK_WEBHOOK_SECRET")
	c.MetricsToken = secret("OCOP_METRICS_TOKEN")
	if c.StripeSecretKey != "" && c.StripeWebhookSecret == "" {
		errs = append(errs, errors.New("OCOP_STRIPE_WEBHOOK_SECRET is not set: card payments need the webhook's signing secret"))
	}
	if c.SecretKey != "" && len(c.SecretKey) < 32 {
		errs = append(errs, errors.New("OCOP_SECRET_KEY: want at least 32 characters"))
	}
	if c.SecretKey == "" && get("OCOP_ENV", "development") == "production" {
		errs = append(errs, errors.New("OCOP_SECRET_KEY (or OCOP_SECRET_KEY_FILE) is not set (required in production)"))
	}
	if c.SMTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.SMTPAddr); err != nil {
			errs = append(errs, fmt.Errorf("OCOP_SMTP_ADDR=%q: want host:port", c.SMTPAddr))
		}
	}
	return errs
}

// Production reports whether the process runs in production.
func (c Config) Production() bool { return c.Env == "production" }

// secretParams are URL query parameters that carry secrets (libpq takes
// the password in the query string too).
var secretParams = []string{"password", "sslpassword", "passfile", "token", "key", "secret", "api_key", "apikey"}

// dsnSecret is a secret in a key=value connection string.
var dsnSecret = regexp.MustCompile(`(?i)\b(password|sslpassword)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)`)

// RedactURL returns u with its password masked, in the user-info and in
// the query string; a string that is not a URL is masked whole.
func RedactURL(raw string) string {
	if !strings.Contains(raw, "://") {
		// a key=value connection string ("host=h password=…")
		return dsnSecret.ReplaceAllString(raw, "${1}=xxxxx")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "xxxxx"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	q := u.Query()
	changed := false
	for k := range q {
		for _, s := range secretParams {
			if strings.EqualFold(k, s) {
				q.Set(k, "xxxxx")
				changed = true
			}
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// String describes the configuration with the database password masked.
func (c Config) String() string {
	db := RedactURL(c.DatabaseURL)
	searchBackend := "postgres"
	if c.MeiliURL != "" {
		searchBackend = "meilisearch " + c.MeiliURL + "/" + c.MeiliIndex
		if c.MeiliAPIKey != "" {
			searchBackend += " (key set)"
		}
	}
	media := "disk:" + c.MediaDir
	if c.S3Endpoint != "" {
		scheme := "http"
		if c.S3UseSSL {
			scheme = "https"
		}
		media = fmt.Sprintf("s3:%s://%s/%s region=%q s3_access_key=%s s3_secret_key=%s", scheme, c.S3Endpoint, c.S3Bucket, c.S3Region, mask(c.S3AccessKey), mask(c.S3SecretKey))
	}
	cards := "off"
	if c.StripeSecretKey != "" {
		cards = "stripe key=" + mask(c.StripeSecretKey)
		if c.StripeAPIURL != "" {
			cards += " api=" + c.StripeAPIURL
		}
	}
	mail := "log"
	if c.SMTPAddr != "" {
		mail = fmt.Sprintf("smtp:%s user=%q password=%s", c.SMTPAddr, c.SMTPUsername, mask(c.SMTPPassword))
	}
	return fmt.Sprintf("env=%s port=%d base_url=%s db=%s db_max_conns=%d log_level=%s search=%s media=%s signing_key=%s mail=%s cards=%s", c.Env, c.Port, c.BaseURL, db, c.DBMaxConns, c.LogLevel, searchBackend, media, mask(c.SecretKey), mail, cards)
}

// mask shows only whether a secret is set.
func mask(s string) string {
	if s == "" {
		return "(unset)"
	}
	return "xxxxx"
}
