package admin

import (
	"testing"

	"github.com/ocopvn/ocop/storefront/ui/uitest"
)

// TestEveryStringHasAMessage fails when a template or Go file asks for a
// UI string that messages lacks (it would show as its key).
func TestEveryStringHasAMessage(t *testing.T) {
	uitest.EveryStringHasAMessage(t, ".", messages, 50)
}
