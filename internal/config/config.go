// Package config reads the process configuration from environment variables
// and validates it at start, naming every bad value.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of the ocop binary.
type Config struct {
	DatabaseURL      string
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
	// MeiliURL, when set, makes Meilisearch the search backend (with
	// PostgreSQL as its fallback); empty means PostgreSQL only.
	MeiliURL    string
	MeiliAPIKey string
	MeiliIndex  string
}

// Var documents one environment variable; README's table lists the same.
type Var struct{ Name, Default, Help string }

// Vars lists every environment variable the binary reads.
var Vars = []Var{
	{"DATABASE_URL", "(required; make run/test start a private cluster)", "PostgreSQL connection URL"},
	{"PORT", "8080", "HTTP port"},
	{"OCOP_ENV", "development", "development (text logs) or production (JSON logs)"},
	{"OCOP_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"OCOP_BASE_URL", "http://localhost:$PORT", "public URL of the site, for canonical links"},
	{"OCOP_TRUSTED_PROXIES", "(none)", "comma-separated IPs/CIDRs whose X-Forwarded-* headers are trusted"},
	{"OCOP_DB_MAX_CONNS", "16", "PostgreSQL pool size"},
	{"OCOP_DB_STATEMENT_TIMEOUT", "5s", "statement_timeout of every connection"},
	{"OCOP_REQUEST_TIMEOUT", "10s", "deadline of one request's work"},
	{"OCOP_SHUTDOWN_TIMEOUT", "20s", "how long in-flight requests may finish after SIGINT/SIGTERM"},
	{"OCOP_BODY_LIMIT", "1048576", "largest request body in bytes"},
	{"MEILI_URL", "(none: PostgreSQL search)", "Meilisearch URL; when set, search uses Meilisearch and falls back to PostgreSQL"},
	{"MEILI_API_KEY", "(none)", "Meilisearch API key (an admin key scoped to the index, not the master key)"},
	{"MEILI_INDEX", "products", "Meilisearch index name"},
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
		MeiliURL:         strings.TrimRight(get("MEILI_URL", ""), "/"),
		MeiliAPIKey:      get("MEILI_API_KEY", ""),
		MeiliIndex:       get("MEILI_INDEX", "products"),
	}
	c.BaseURL = strings.TrimRight(get("OCOP_BASE_URL", fmt.Sprintf("http://localhost:%d", c.Port)), "/")

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

var meiliIndexName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}$`)

// Production reports whether the process runs in production.
func (c Config) Production() bool { return c.Env == "production" }

// String describes the configuration with the database password masked.
func (c Config) String() string {
	db := c.DatabaseURL
	if u, err := url.Parse(db); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		db = u.String()
	}
	searchBackend := "postgres"
	if c.MeiliURL != "" {
		searchBackend = "meilisearch " + c.MeiliURL + "/" + c.MeiliIndex
		if c.MeiliAPIKey != "" {
			searchBackend += " (key set)"
		}
	}
	return fmt.Sprintf("env=%s port=%d base_url=%s db=%s db_max_conns=%d log_level=%s search=%s", c.Env, c.Port, c.BaseURL, db, c.DBMaxConns, c.LogLevel, searchBackend)
}
