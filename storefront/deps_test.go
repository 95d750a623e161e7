package storefront_test

import (
	"strings"
	"testing"

	"github.com/ocopvn/ocop/storefront"
)

// TestNewNeedsItsServices: a missing service is an error at start, not a
// page that is missing or fails later. Search alone is optional.
func TestNewNeedsItsServices(t *testing.T) {
	_, err := storefront.New(storefront.Deps{BaseURL: "https://ocop.example.vn"})
	if err == nil {
		t.Fatal("New without services succeeded")
	}
	for _, name := range []string{"Catalog", "Accounts", "Media", "Certification"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
	if strings.Contains(err.Error(), "Search") {
		t.Errorf("error %q names the optional Search", err)
	}
}
