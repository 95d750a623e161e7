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
