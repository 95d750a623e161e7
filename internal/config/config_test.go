package config

import (
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
