package web_test

import (
	"strings"
	"testing"

	"github.com/ocopvn/ocop/internal/web"
)

func TestSafeRedirect(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"path", "/tai-khoan", "/tai-khoan"},
		{"path with query", "/san-pham?nhom=I&trang=2", "/san-pham?nhom=I&trang=2"},
		{"empty", "", "/"},
		{"protocol-relative", "//evil.com", "/"},
		{"backslash", "/\\evil.com", "/"},
		{"backslash first", "\\\\evil.com", "/"},
		{"encoded slash backslash", "/%2F%5Cevil.com", "/"},
		{"encoded slashes", "/%2F%2Fevil.com", "/"},
		{"encoded, no leading slash", "%2F%5Cevil.com", "/"},
		{"absolute", "https://evil.com/x", "/"},
		{"scheme-relative with tab", "/\t/evil.com", "/"},
		{"newline", "/\n/evil.com", "/"},
		{"javascript", "javascript:alert(1)", "/"},
		{"data", "data:text/html,<script>", "/"},
		{"user info", "//user@evil.com", "/"},
		{"relative", "tai-khoan", "/"},
		{"triple slash", "///evil.com", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := web.SafeRedirect(tt.in); got != tt.want {
				t.Errorf("SafeRedirect(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzSafeRedirect(f *testing.F) {
	for _, s := range []string{"/", "//evil.com", "/\\x", "/%2F%5Cx", "/a?b=c", "javascript:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := web.SafeRedirect(s)
		if got == "/" {
			return
		}
		if !strings.HasPrefix(got, "/") || len(got) < 2 || got[1] == '/' || got[1] == '\\' || strings.ContainsAny(got, "\\\t\r\n") {
			t.Errorf("SafeRedirect(%q) = %q", s, got)
		}
	})
}
