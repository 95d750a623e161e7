package media

import (
	"strings"
	"testing"
)

func TestValidKey(t *testing.T) {
	good := []string{"a", "products/42/0f-800.jpg", "p/x_y.z-1", "a/b/c/d.webp", "..a", "a..b/c", strings.Repeat("a", MaxKeyLen)}
	bad := []string{"", "/a", "a/", "a//b", "..", "../a", "a/../b", "a/..", ".", "./a", "a/./b", "A", "a b", "a\\b", "a%2e", "a\x00", "ả", "a?b", "a#b", "a:b", strings.Repeat("a", MaxKeyLen+1)}
	for _, k := range good {
		if !ValidKey(k) {
			t.Errorf("ValidKey(%q) = false", k)
		}
	}
	for _, k := range bad {
		if ValidKey(k) {
			t.Errorf("ValidKey(%q) = true", k)
		}
	}
	for p, want := range map[string]bool{"": true, "products/": true, "products/4": true, "a//": false, "/": false, "../": false, "A/": false} {
		if ValidPrefix(p) != want {
			t.Errorf("ValidPrefix(%q) = %v", p, !want)
		}
	}
}

func FuzzValidKey(f *testing.F) {
	for _, s := range []string{"products/1/a.jpg", "../x", "a//b", "a/./b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, k string) {
		if !ValidKey(k) {
			return
		}
		if strings.HasPrefix(k, "/") || strings.Contains(k, "//") || strings.Contains("/"+k+"/", "/../") || strings.Contains("/"+k+"/", "/./") || strings.ContainsAny(k, "\\\x00 ") {
			t.Fatalf("ValidKey accepted %q", k)
		}
	})
}
