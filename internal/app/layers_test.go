package app_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/ocopvn/ocop"

// TestImportDirection keeps the layers apart: domain packages never import
// Fiber, internal/web or a screen; the two screens (storefront and
// internal/admin) never import each other (both may import the shared
// page plumbing, storefront/ui and storefront/static); internal/web
// imports no screen.
func TestImportDirection(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		pkg := filepath.ToSlash(rel)
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		files++
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if why := forbidden(pkg, p); why != "" {
				t.Errorf("%s imports %s: %s", filepath.ToSlash(mustRel(root, path)), p, why)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 100 {
		t.Errorf("only %d files checked; is the root right?", files)
	}
}

func mustRel(root, path string) string {
	r, err := filepath.Rel(root, path)
	if err != nil {
		return path
	}
	return r
}

func under(pkg, dir string) bool { return pkg == dir || strings.HasPrefix(pkg, dir+"/") }

// forbidden says why package pkg (a folder of the module) may not import
// p, or "" when it may.
func forbidden(pkg, p string) string {
	local, ok := strings.CutPrefix(p, module+"/")
	isScreen := ok && (under(local, "storefront") || under(local, "internal/admin"))
	switch {
	case under(pkg, "internal/app") || under(pkg, "cmd"):
		return "" // wiring
	case under(pkg, "storefront/ui") || under(pkg, "storefront/static"):
		if ok && (local == "storefront" || under(local, "internal/admin")) {
			return "the shared page plumbing imports no screen"
		}
	case under(pkg, "storefront"):
		if ok && under(local, "internal/admin") {
			return "the storefront does not import the admin screens"
		}
	case under(pkg, "internal/admin"):
		if ok && local == "storefront" {
			return "the admin screens share storefront/ui, not the storefront's handler"
		}
	case under(pkg, "internal/web"):
		if isScreen {
			return "the HTTP plumbing imports no screen"
		}
	default: // domain packages
		if strings.HasPrefix(p, "github.com/gofiber/") || p == "github.com/valyala/fasthttp" {
			return "domain packages know nothing of HTTP"
		}
		if ok && (under(local, "internal/web") || under(local, "internal/app") || isScreen) {
			return "domain packages import no HTTP layer or screen"
		}
	}
	return ""
}
