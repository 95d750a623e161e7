package app_test

import "testing"

func init() {
	// reports: staff of a province (either kind) and admins; a report of
	// province 19 for staff01 (OCOP office of 01) is refused
	staff := map[string]int{"anon": 303, "shopper": 403, "producerA": 403, "producerB": 403, "staff01": 200, "staff19": 200, "trade19": 200, "admin": 200}
	addMatrix(map[string]map[string]int{
		"GET /quan-tri/bao-cao":           staff,
		"GET /quan-tri/bao-cao/ke-hoach":  staff,
		"GET /quan-tri/bao-cao/san-pham":  staff,
		"GET /quan-tri/bao-cao/bien-dong": staff,
		// an empty upload: no year (422)
		"POST /quan-tri/bao-cao/ke-hoach": {"anon": 401, "shopper": 403, "producerA": 403, "staff19": 422, "trade19": 422, "admin": 422},
	})
}

// TestReportProvinceScope: staff see the reports of their provinces only;
// admins any.
func TestReportProvinceScope(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	for _, c := range []struct {
		role, path string
		want       int
	}{
		{"staff01", "/quan-tri/bao-cao/san-pham?tinh=19", 403},
		{"staff19", "/quan-tri/bao-cao/san-pham?tinh=19", 200},
		{"trade19", "/quan-tri/bao-cao/bien-dong?tinh=19", 200},
		{"staff19", "/quan-tri/bao-cao/ke-hoach?tinh=01&tai=csv", 403},
		{"admin", "/quan-tri/bao-cao/ke-hoach?tinh=01", 200},
		{"staff19", "/quan-tri/bao-cao/san-pham?tinh=19&tai=xlsx", 200},
	} {
		if got := getAs(t, s.a.HTTP, p.cookie[c.role], c.path); got != c.want {
			t.Errorf("%s GET %s: %d, want %d", c.role, c.path, got, c.want)
		}
	}
}

func init() {
	// an empty form: no account named (422)
	addMatrix(map[string]map[string]int{
		"POST /quan-tri/tai-khoan": {"anon": 401, "shopper": 403, "producerA": 403, "staff19": 403, "admin": 422},
	})
}

// TestDisableAccount (SECURITY.md S-03): an admin disables a producer's
// account: its open session ends at once and it cannot sign in; re-enabled,
// it signs in again; both changes are audited. An admin cannot disable
// themself.
func TestDisableAccount(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	admin := as(s, p, "admin")
	if r := admin.post("/quan-tri/tai-khoan", "/quan-tri/can-bo", "account", "producerA@example.vn", "action", "disable", "reason", "vi phạm"); r.status != 303 {
		t.Fatalf("disable: %d %s", r.status, r.body)
	}
	if got := getAs(t, s.a.HTTP, p.cookie["producerA"], "/tai-khoan"); got != 303 {
		t.Errorf("the disabled account's old session: %d, want 303 to sign-in", got)
	}
	c := s.client()
	if r := c.signIn("producerA@example.vn", "mat khau dung"); r.status == 303 {
		t.Error("a disabled account signed in")
	}
	if r := admin.post("/quan-tri/tai-khoan", "/quan-tri/can-bo", "account", "admin@example.vn", "action", "disable"); r.status != 422 {
		t.Errorf("an admin disabling themself: %d, want 422", r.status)
	}
	if r := admin.post("/quan-tri/tai-khoan", "/quan-tri/can-bo", "account", "producerA@example.vn", "action", "enable"); r.status != 303 {
		t.Fatalf("enable: %d", r.status)
	}
	if r := s.client().signIn("producerA@example.vn", "mat khau dung"); r.status != 303 {
		t.Errorf("re-enabled account: sign-in %d", r.status)
	}
	var n int
	if err := s.pool.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE entity = 'account' AND action IN ('disable', 'enable')`).Scan(&n); err != nil || n != 2 {
		t.Errorf("%d account changes audited (%v), want 2", n, err)
	}
}

func init() {
	addMatrix(map[string]map[string]int{
		"GET /quan-tri/chi-muc":          {"anon": 303, "shopper": 403, "producerA": 403, "staff19": 403, "trade19": 403, "admin": 200},
		"POST /quan-tri/chi-muc/thu-lai": {"anon": 401, "shopper": 403, "producerA": 403, "staff19": 403, "admin": 303},
	})
}
