package admin

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ocopvn/ocop/internal/product"
)

// TestEveryAuditTermHasALabel fails when the code records an audit
// entity, action or detail key that the log page would show raw.
func TestEveryAuditTermHasALabel(t *testing.T) {
	var (
		entityRE  = regexp.MustCompile(`Entity:\s*"([a-z_]+)"`)
		actionRE  = regexp.MustCompile(`Action:\s*"([a-z_]+)"(\s*\+\s*kind)?`)
		actionVar = regexp.MustCompile(`\baction\s*:?=\s*"([a-z_]+)"|\.decide\([^)]*"([a-z_]+)"\)`)
		mapRE     = regexp.MustCompile(`map\[string\]any\{([^}]*)\}`)
		mapKeyRE  = regexp.MustCompile(`"([a-z_]+)":`)
		detailRE  = regexp.MustCompile(`\b(?:detail|changes|out)\["([a-z_]+)"\]|\badd\("([a-z_]+)"`)
	)
	want := map[string]bool{}
	files := 0
	for _, root := range []string{".."} { // internal/, this package included
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			src := string(b)
			if !strings.Contains(src, "audit.Entry{") {
				return nil
			}
			files++
			for _, m := range entityRE.FindAllStringSubmatch(src, -1) {
				want["console.entity."+m[1]] = true
			}
			for _, m := range actionRE.FindAllStringSubmatch(src, -1) {
				if m[2] == "" {
					want["console.action."+m[1]] = true
					continue
				}
				for _, kind := range []string{product.Logo, product.Banner} {
					want["console.action."+m[1]+kind] = true
				}
			}
			for _, m := range actionVar.FindAllStringSubmatch(src, -1) {
				want["console.action."+m[1]+m[2]] = true
			}
			for _, m := range mapRE.FindAllStringSubmatch(src, -1) {
				for _, k := range mapKeyRE.FindAllStringSubmatch(m[1], -1) {
					want["console.detail."+k[1]] = true
				}
			}
			for _, m := range detailRE.FindAllStringSubmatch(src, -1) {
				want["console.detail."+m[1]+m[2]] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 8 || len(want) < 40 {
		t.Fatalf("only %d files and %d terms found; are the patterns right?", files, len(want))
	}
	for k := range want {
		if _, ok := messages[k]; !ok {
			t.Errorf("the audit log would show %q raw: messages lacks it", k)
		}
	}
}

// TestAuditDetailInWords: changes read "Field: old → new" with prices in
// đồng and statuses by name; object keys are a count.
func TestAuditDetailInWords(t *testing.T) {
	tests := []struct {
		name   string
		detail map[string]any
		want   []string
	}{
		{"product changes", map[string]any{"changes": map[string]any{
			"price_vnd":   map[string]any{"old": 120000.0, "new": 150000.0},
			"status":      map[string]any{"old": "draft", "new": "published"},
			"description": "changed",
		}, "publish_refused": "no_certificate"}, []string{
			"Mô tả sản phẩm: đã sửa",
			"Giá: 120.000\u00a0₫ → 150.000\u00a0₫",
			"Trạng thái: Bản nháp → Đang bán",
			"Chưa đăng bán được vì: sản phẩm chưa có chứng nhận OCOP còn hiệu lực",
		}},
		{"profile", map[string]any{"changes": map[string]any{"zalo": map[string]any{"old": "", "new": "0912345678"}}},
			[]string{"Zalo: (trống) → 0912345678"}},
		{"photo", map[string]any{"product_id": 7.0, "position": 0.0, "keys": []any{"a", "b", "c"}},
			[]string{"Tệp ảnh: 3 tệp ảnh", "Vị trí ảnh: 1", "Mã sản phẩm: 7"}},
		{"certificate", map[string]any{"star": 4.0, "issuing_level": "province", "superseded": []any{3.0, 5.0}},
			[]string{"Cấp ban hành: Cấp tỉnh", "Hạng sao: 4 sao", "Thay thế chứng nhận: 3, 5"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, detailLines(tt.detail)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}
