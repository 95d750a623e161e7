package config

import (
	"os"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(map[string]string{"DATABASE_URL": "postgres://u:secret@h/db"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 8080 || c.RequestTimeout != 10*time.Second || c.BaseURL != "http://localhost:8080" || c.BodyLimit != 1<<20 {
		t.Errorf("defaults: %+v", c)
	}
	if strings.Contains(c.String(), "secret") {
		t.Errorf("String() leaks the password: %s", c)
	}
	// development listens on loopback only (demo accounts have a published password)
	if c.Listen != "127.0.0.1" {
		t.Errorf("development listens on %q", c.Listen)
	}
	c, err = Load(env(map[string]string{"DATABASE_URL": "postgres://h/db", "OCOP_ENV": "production", "OCOP_SECRET_KEY": strings.Repeat("k", 40)}))
	if err != nil || c.Listen != "" {
		t.Errorf("production listens on %q (%v)", c.Listen, err)
	}
	c, err = Load(env(map[string]string{"DATABASE_URL": "postgres://h/db", "OCOP_LISTEN": "0.0.0.0"}))
	if err != nil || c.Listen != "0.0.0.0" {
		t.Errorf("OCOP_LISTEN: %q (%v)", c.Listen, err)
	}
}

func TestLoadReportsEveryBadValue(t *testing.T) {
	_, err := Load(env(map[string]string{
		"PORT":                 "eighty",
		"OCOP_ENV":             "staging",
		"OCOP_REQUEST_TIMEOUT": "-1s",
		"OCOP_TRUSTED_PROXIES": "10.0.0.0/8, not-an-ip",
	}))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"DATABASE_URL", "PORT", "OCOP_ENV", "OCOP_REQUEST_TIMEOUT", "not-an-ip"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
}

func TestLoadSearchBackend(t *testing.T) {
	c, err := Load(env(map[string]string{"DATABASE_URL": "postgres://h/db"}))
	if err != nil || c.MeiliURL != "" || c.MeiliIndex != "products" {
		t.Fatalf("default search: %+v, %v", c, err)
	}
	c, err = Load(env(map[string]string{"DATABASE_URL": "postgres://h/db", "MEILI_URL": "http://127.0.0.1:7700/", "MEILI_API_KEY": "s3cret-key"}))
	if err != nil || c.MeiliURL != "http://127.0.0.1:7700" || c.MeiliAPIKey != "s3cret-key" {
		t.Fatalf("meili: %+v, %v", c, err)
	}
	if strings.Contains(c.String(), "s3cret") || !strings.Contains(c.String(), "meilisearch") {
		t.Errorf("String() = %s", c)
	}
	_, err = Load(env(map[string]string{"DATABASE_URL": "postgres://h/db", "MEILI_URL": "ftp://x", "MEILI_INDEX": "a b"}))
	if err == nil || !strings.Contains(err.Error(), "MEILI_URL") || !strings.Contains(err.Error(), "MEILI_INDEX") {
		t.Errorf("bad meili config: %v", err)
	}
}

func TestMediaDefaultsToDisk(t *testing.T) {
	c, err := Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/db"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.MediaDir != ".data/media" || c.S3Endpoint != "" || c.S3Bucket != "ocop-media" || c.S3UseSSL {
		t.Errorf("media defaults: %+v", c)
	}
	if !strings.Contains(c.String(), "media=disk:.data/media") {
		t.Errorf("String() = %s", c)
	}
}

func TestMediaS3(t *testing.T) {
	c, err := Load(env(map[string]string{
		"DATABASE_URL":       "postgres://u@h/db",
		"OCOP_S3_ENDPOINT":   "minio.internal:9000",
		"OCOP_S3_ACCESS_KEY": "AKIAEXAMPLEKEY",
		"OCOP_S3_SECRET_KEY": "super-secret-value",
		"OCOP_S3_BUCKET":     "ocop-photos",
		"OCOP_S3_REGION":     "ap-southeast-1",
		"OCOP_S3_USE_SSL":    "true",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.S3Endpoint != "minio.internal:9000" || c.S3Bucket != "ocop-photos" || !c.S3UseSSL || c.S3Region != "ap-southeast-1" {
		t.Errorf("%+v", c)
	}
	s := c.String()
	for _, secret := range []string{"super-secret-value", "AKIAEXAMPLEKEY"} {
		if strings.Contains(s, secret) {
			t.Errorf("String() leaks %q: %s", secret, s)
		}
	}
	if !strings.Contains(s, "https://minio.internal:9000/ocop-photos") {
		t.Errorf("String() = %s", s)
	}
}

func TestMediaS3SecretFile(t *testing.T) {
	old := readFile
	defer func() { readFile = old }()
	readFile = func(name string) ([]byte, error) {
		if name != "/run/secrets/s3" {
			t.Fatalf("read %q", name)
		}
		return []byte("from-file-secret\n"), nil
	}
	base := map[string]string{
		"DATABASE_URL":            "postgres://u@h/db",
		"OCOP_S3_ENDPOINT":        "127.0.0.1:9000",
		"OCOP_S3_ACCESS_KEY":      "ak",
		"OCOP_S3_SECRET_KEY_FILE": "/run/secrets/s3",
	}
	c, err := Load(env(base))
	if err != nil {
		t.Fatal(err)
	}
	if c.S3SecretKey != "from-file-secret" {
		t.Errorf("secret = %q", c.S3SecretKey)
	}
	base["OCOP_S3_SECRET_KEY"] = "also-set"
	if _, err := Load(env(base)); err == nil || !strings.Contains(err.Error(), "both set") {
		t.Errorf("both set: %v", err)
	}
}

func TestMediaS3ReportsEveryBadValue(t *testing.T) {
	_, err := Load(env(map[string]string{
		"DATABASE_URL":     "postgres://u@h/db",
		"OCOP_S3_ENDPOINT": "http://minio:9000",
		"OCOP_S3_BUCKET":   "Bad_Bucket",
		"OCOP_S3_USE_SSL":  "maybe",
	}))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, want := range []string{"OCOP_S3_ENDPOINT", "OCOP_S3_ACCESS_KEY", "OCOP_S3_SECRET_KEY", "OCOP_S3_BUCKET", "OCOP_S3_USE_SSL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
	_, err = Load(env(map[string]string{
		"DATABASE_URL": "postgres://u@h/db", "OCOP_S3_ENDPOINT": "minio:99999", "OCOP_S3_ACCESS_KEY": "a", "OCOP_S3_SECRET_KEY": "b",
	}))
	if err == nil || !strings.Contains(err.Error(), "OCOP_S3_ENDPOINT") {
		t.Errorf("bad port: %v", err)
	}
}

// TestRedactURL: a database password is masked in the user-info and in
// the query string (libpq accepts both), and a URL that does not parse is
// masked whole.
func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"host=h user=u password=s3cret":                          "host=h user=u password=xxxxx",
		"host=h password='s3 cret' user=u":                       "host=h password=xxxxx user=u",
		"postgres://u:s3cret@h:5432/db":                          "postgres://u:xxxxx@h:5432/db",
		"postgres://u@h/db?password=s3cret&sslmode=require":      "postgres://u@h/db?password=xxxxx&sslmode=require",
		"postgres://h/db?sslmode=disable&PASSWORD=s3cret&user=u": "postgres://h/db?PASSWORD=xxxxx&sslmode=disable&user=u",
		"postgres://u@h/db":                                      "postgres://u@h/db",
		"postgres://u:s3cret@h/db?sslpassword=s3cret":            "postgres://u:xxxxx@h/db?sslpassword=xxxxx",
	} {
		got := RedactURL(in)
		if strings.Contains(got, "s3") {
			t.Errorf("RedactURL(%q) = %q leaks", in, got)
		}
		if got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
	c, err := Load(env(map[string]string{"DATABASE_URL": "postgres://u@h/db?password=s3cret"}))
	if err != nil || strings.Contains(c.String(), "s3cret") {
		t.Errorf("String() leaks a query-string password: %s (%v)", c, err)
	}
}

func TestMapTiles(t *testing.T) {
	for tiles, ok := range map[string]bool{
		"https://tile.openstreetmap.org/{z}/{x}/{y}.png":        true,
		"https://{s}.tile.example.vn/{z}/{x}/{y}{r}.png":        true,
		"http://127.0.0.1:8081/{z}/{x}/{y}.png":                 true,
		"http://tiles.example.vn/{z}/{x}/{y}.png":               false, // not https
		"https://tile.example.vn/{z}/{x}.png":                   false, // no {y}
		"https://user:pw@tile.example.vn/{z}/{x}/{y}.png":       false,
		"https://tile.example.vn/{z}/{x}/{y}.png; script-src *": false,
		"javascript:alert(1)//{z}/{x}/{y}":                      false,
	} {
		c, err := Load(env(map[string]string{"DATABASE_URL": "postgres://h/db", "OCOP_MAP_TILES": tiles}))
		if (err == nil) != ok {
			t.Errorf("%s: err %v, want ok=%v", tiles, err, ok)
		}
		if ok && (c.MapTiles != tiles || c.MapAttribution != "© OpenStreetMap") {
			t.Errorf("%s: %q %q", tiles, c.MapTiles, c.MapAttribution)
		}
	}
}

// TestDatabaseURLFile: a container secret may hold the database URL and
// the Meilisearch key; both a value and a file is refused.
func TestDatabaseURLFile(t *testing.T) {
	dir := t.TempDir()
	url, key := dir+"/db", dir+"/meili"
	if err := os.WriteFile(url, []byte("postgres://ocop:s3cret@db/ocop\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, []byte("meili-key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{"DATABASE_URL_FILE": url, "MEILI_URL": "http://meili:7700", "MEILI_API_KEY_FILE": key}))
	if err != nil || c.DatabaseURL != "postgres://ocop:s3cret@db/ocop" || c.MeiliAPIKey != "meili-key" {
		t.Fatalf("%q %q %v", c.DatabaseURL, c.MeiliAPIKey, err)
	}
	if _, err := Load(env(map[string]string{"DATABASE_URL_FILE": url, "DATABASE_URL": "postgres://x/y"})); err == nil || !strings.Contains(err.Error(), "both set") {
		t.Errorf("both: %v", err)
	}
}
