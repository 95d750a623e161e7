package admin_test

import (
	"strings"
	"testing"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/admin"
	"github.com/ocopvn/ocop/internal/catalog"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/importer"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/payment"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/product"
	"github.com/ocopvn/ocop/internal/report"
	"github.com/ocopvn/ocop/internal/searchsync"
)

// TestNewNeedsEveryService: a missing service is an error at start, not a
// page that is missing or fails later.
func TestNewNeedsEveryService(t *testing.T) {
	_, err := admin.New(admin.Deps{})
	if err == nil {
		t.Fatal("New without services succeeded")
	}
	for _, name := range []string{"Catalog", "Producers", "Products", "Photos", "Certification", "Importer", "Orders", "Payments", "Reports", "Accounts", "Outbox"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
	// the services are not used before a request: no database needed
	h, err := admin.New(admin.Deps{Catalog: catalog.New(nil, nil), Producers: producer.New(nil, nil, nil),
		Products: product.New(nil, nil), Photos: product.NewPhotos(nil, nil, nil, nil),
		Certification: certification.New(nil, nil), Importer: importer.New(nil), Orders: &order.Service{}, Payments: &payment.Service{}, Reports: &report.Service{}, Accounts: &account.Service{}, Outbox: &searchsync.Outbox{},
		BaseURL: "https://ocop.example.vn"})
	if err != nil || h == nil {
		t.Fatalf("New with every service: %v", err)
	}
}
