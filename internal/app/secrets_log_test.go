package app_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/app"
	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/internal/payment/stripecard/stripecardtest"
	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

// TestNoSecretInLogs (SECURITY.md R-01): the app runs with every secret
// set (the database password in the URL's query string, the signing key,
// SMTP, Stripe, bank and metrics secrets), starts, serves requests
// (a sign-in with a password, a refused webhook, the metrics, an error),
// and stops, logging at debug level; no secret appears in the logs.
func TestNoSecretInLogs(t *testing.T) {
	_, dbURL := pgtest.NewDBURL(t)
	secrets := map[string]string{
		"db":      "db-pass-9c1f",
		"key":     "signing-key-secret-0123456789abcdef",
		"smtp":    "smtp-pass-77aa",
		"stripe":  "sk_test_secret_5e5e",
		"webhook": "whsec_secret_4d4d",
		"bank":    "bank-secret-3c3c",
		"metrics": "metrics-token-2b2b",
		"user":    "mat khau bi mat 1a1a",
	}
	u, _ := url.Parse(dbURL)
	q := u.Query()
	q.Set("password", secrets["db"])
	u.RawQuery = q.Encode()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": u.String(), "OCOP_BASE_URL": base, "OCOP_MEDIA_DIR": t.TempDir(), "OCOP_LOG_LEVEL": "debug",
			"OCOP_SECRET_KEY": secrets["key"], "OCOP_SMTP_ADDR": "127.0.0.1:1", "OCOP_SMTP_USERNAME": "mailer", "OCOP_SMTP_PASSWORD": secrets["smtp"],
			"OCOP_STRIPE_SECRET_KEY": secrets["stripe"], "OCOP_STRIPE_WEBHOOK_SECRET": secrets["webhook"], "OCOP_STRIPE_API_URL": stripecardtest.URL(t),
			"OCOP_BANK_WEBHOOK_SECRET": secrets["bank"], "OCOP_METRICS_TOKEN": secrets["metrics"]}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	logs := &lineCounter{}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()
	if _, err := a.Accounts.Register(ctx, accountSignUp("hoa@example.vn", secrets["user"])); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for range 50 {
		if r, err := client.Get(base + "/healthz"); err == nil {
			r.Body.Close()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	do := func(method, path, body string, header ...string) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		if r, err := client.Do(req); err == nil {
			r.Body.Close()
		}
	}
	do("POST", "/dang-nhap", url.Values{"identifier": {"hoa@example.vn"}, "password": {secrets["user"]}}.Encode(), "Content-Type", "application/x-www-form-urlencoded", "Origin", base)
	do("POST", "/webhooks/stripe", `{"id":"evt_1"}`, "Stripe-Signature", "t=1,v1="+secrets["webhook"])
	do("POST", "/webhooks/bank", `{"id":"1","amount":1,"memo":"x"}`, "X-Signature", "sha256="+secrets["bank"])
	do("GET", "/metrics", "", "Authorization", "Bearer "+secrets["metrics"])
	do("GET", "/quen-mat-khau?x="+secrets["user"], "")
	do("POST", "/quen-mat-khau", url.Values{"identifier": {"hoa@example.vn"}}.Encode(), "Content-Type", "application/x-www-form-urlencoded", "Origin", base)
	time.Sleep(300 * time.Millisecond) // the mail job fails against the closed SMTP port and logs
	cancel()
	<-served
	logs.mu.Lock()
	all := strings.Join(logs.lines, "\n")
	logs.mu.Unlock()
	if !strings.Contains(all, `"msg":"serving"`) {
		t.Fatalf("the test did not capture the start-up log:\n%s", all)
	}
	for name, s := range secrets {
		if strings.Contains(all, s) {
			i := strings.Index(all, s)
			t.Errorf("the %s secret is in the logs: …%s…", name, all[max(0, i-120):min(len(all), i+40)])
		}
	}
}

func accountSignUp(id, pw string) account.SignUp {
	return account.SignUp{Identifier: id, DisplayName: "Hoa", Password: pw}
}
