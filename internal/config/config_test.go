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
