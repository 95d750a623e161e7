package account

import (
	"context"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/postgres/pgtest"
)

// TestUnknownAccountDoesTheSameWork: signing in to an unknown account checks
// one password hash with the same parameters as a real one, so it costs
// what a wrong password costs (SECURITY.md A-04). Checked by counting, not
// by timing, so a loaded machine cannot make it flaky.
func TestUnknownAccountDoesTheSameWork(t *testing.T) {
	pool := pgtest.NewDB(t)
	s := New(pool, Options{Limits: Limits{Window: time.Minute, PerAccount: 1000, PerIP: 1000}})
	ctx := context.Background()
	if _, err := s.Register(ctx, SignUp{Identifier: "an@example.vn", DisplayName: "An", Password: "mat khau dung"}); err != nil {
		t.Fatal(err)
	}
	if _, rehash := VerifyPassword(s.dummy, "x"); rehash {
		t.Error("the dummy hash does not use the current parameters, so it costs less than a real one")
	}
	var checked []string
	s.verify = func(phc, pw string) (bool, bool) {
		checked = append(checked, phc)
		return VerifyPassword(phc, pw)
	}
	_, _, _ = s.SignIn(ctx, "an@example.vn", "sai mat khau", "10.0.0.1")
	_, _, _ = s.SignIn(ctx, "ai@example.vn", "sai mat khau", "10.0.0.1")
	if len(checked) != 2 || checked[1] != s.dummy || checked[0] == s.dummy {
		t.Errorf("hash checks: %d (known account first, then the dummy for the unknown one expected)", len(checked))
	}
}
