package web_test

import (
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestDependencyFloor fails when a module is older than the version that
// fixed its known advisories (SECURITY.md F-01; govulncheck's database is
// not reachable in CI). Test binaries carry no module list, so it reads the
// versions go.mod selects.
func TestDependencyFloor(t *testing.T) {
	floors := []struct{ module, min, why string }{
		{"github.com/gofiber/fiber/v2", "v2.52.12", "GHSA-qx2q/hg3g form parsing, CVE-2024-38513 session fixation, earlier CSRF and cache advisories"},
		{"github.com/jackc/pgx/v5", "v5.9.2", "CVE-2024-27289 and the dollar-quote simple-protocol injection (GHSA-j88v)"},
		{"golang.org/x/net", "v0.38.0", "HTTP/2 and html tokenizer advisories"},
	}
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if regexp.MustCompile(`(?m)^replace`).Match(gomod) {
		t.Fatal("go.mod has replace directives; check their versions here")
	}
	have := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\s*(?:require\s+)?([a-z0-9./-]+) (v[0-9][^ \n]*)`).FindAllSubmatch(gomod, -1) {
		have[string(m[1])] = string(m[2])
	}
	for _, f := range floors {
		v, ok := have[f.module]
		if !ok {
			t.Errorf("%s not in the build", f.module)
			continue
		}
		if semverLess(v, f.min) {
			t.Errorf("%s %s is below %s (%s)", f.module, v, f.min, f.why)
		}
	}
	if v := strings.TrimPrefix(runtime.Version(), "go"); semverLess("v"+v, "v1.24") {
		t.Errorf("built with %s, want go1.24 or newer", runtime.Version())
	}
}

func semverLess(a, b string) bool {
	pa, pb := parts(a), parts(b)
	for i := range 3 {
		if pa[i] != pb[i] {
			return pa[i] < pb[i]
		}
	}
	return false
}

func parts(v string) [3]int {
	v = strings.TrimPrefix(v, "v")
	if i := strings.IndexAny(v, "-+ "); i >= 0 {
		v = v[:i]
	}
	var out [3]int
	for i, p := range strings.SplitN(v, ".", 3) {
		out[i], _ = strconv.Atoi(p)
	}
	return out
}
