package account

import (
	"strings"
	"testing"
)

// TestNewToken: 100k session ids are unique, 43-character base64url and
// never all zeros (SECURITY.md S-02).
func TestNewToken(t *testing.T) {
	seen := make(map[string]bool, 100_000)
	for range 100_000 {
		tok, h := newToken()
		if len(tok) != 43 || !validToken(tok) || len(h) != 32 || strings.Trim(tok, "A") == "" {
			t.Fatalf("bad token %q", tok)
		}
		if seen[tok] {
			t.Fatalf("duplicate token %q", tok)
		}
		seen[tok] = true
	}
}
