package sanitize_test

import (
	"bufio"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The source scan of SECURITY.md X-01. It parses every Go file of the
// module, test files included: a test helper that makes template.HTML out
// of a string is copied into real code sooner or later, and tests have no
// need for one (compare string(h) instead). testdata and vendor folders,
// hidden folders and nested modules are skipped, as the go command skips
// them. The scan is syntactic (go/parser, no type checker), so it follows
// what can hide a conversion from it: a renamed or dot import of
// html/template, parentheses, a generic type argument and a type alias.

// sanitizeDir is the only folder where the conversions are allowed.
const sanitizeDir = "internal/sanitize"

// scanner is this file, whose string literals name what the JSONP rule
// looks for.
const scanner = sanitizeDir + "/scan_test.go"

// textTemplateAllowed lists the folders that may import text/template
// (for output that is not HTML); empty: nothing needs it.
var textTemplateAllowed = map[string]bool{}

// trustedTypes are html/template's types that skip escaping.
var trustedTypes = map[string]bool{"HTML": true, "JS": true, "URL": true, "CSS": true, "HTMLAttr": true, "JSStr": true, "Srcset": true}

type finding struct {
	File string // slash path from the scanned root
	Line int
	Rule string // "trusted", "text/template" or "jsonp"
	What string
}

func (f finding) String() string { return fmt.Sprintf("%s:%d: %s: %s", f.File, f.Line, f.Rule, f.What) }

// scanTree parses the Go files under root and returns what it found and
// how many files it parsed.
func scanTree(root string) ([]finding, []string, error) {
	fset := token.NewFileSet()
	var out []finding
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || isModule(p)) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		files = append(files, rel)
		out = append(out, scanFile(fset, rel, f)...)
		return nil
	})
	return out, files, err
}

func isModule(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "go.mod"))
	return err == nil
}

func scanFile(fset *token.FileSet, rel string, f *ast.File) []finding {
	var out []finding
	add := func(n ast.Node, rule, what string) {
		out = append(out, finding{File: rel, Line: fset.Position(n.Pos()).Line, Rule: rule, What: what})
	}
	// the names html/template goes by in this file; "." for a dot import
	names := map[string]bool{}
	for _, im := range f.Imports {
		path, _ := strconv.Unquote(im.Path.Value)
		switch path {
		case "html/template":
			name := "template"
			if im.Name != nil {
				name = im.Name.Name
			}
			names[name] = true
		case "text/template":
			if !textTemplateAllowed[pathDir(rel)] {
				add(im, "text/template", "imports text/template")
			}
		}
	}
	// trusted reports whether e names one of html/template's trusted types
	trusted := func(e ast.Expr) (string, bool) {
		for {
			p, ok := e.(*ast.ParenExpr)
			if !ok {
				break
			}
			e = p.X
		}
		switch e := e.(type) {
		case *ast.SelectorExpr:
			if x, ok := e.X.(*ast.Ident); ok && names[x.Name] && trustedTypes[e.Sel.Name] {
				return x.Name + "." + e.Sel.Name, true
			}
		case *ast.Ident:
			if names["."] && trustedTypes[e.Name] {
				return e.Name, true
			}
		}
		return "", false
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if name, ok := trusted(n.Fun); ok && len(n.Args) == 1 {
				add(n, "trusted", "conversion to "+name)
			}
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "JSONP" {
				add(n, "jsonp", "calls JSONP")
			}
		case *ast.IndexExpr:
			if name, ok := trusted(n.Index); ok {
				add(n, "trusted", name+" as a type argument")
			}
		case *ast.IndexListExpr:
			for _, ix := range n.Indices {
				if name, ok := trusted(ix); ok {
					add(n, "trusted", name+" as a type argument")
				}
			}
		case *ast.TypeSpec:
			if name, ok := trusted(n.Type); ok && n.Assign.IsValid() {
				add(n, "trusted", "alias of "+name)
			}
		case *ast.BasicLit:
			if n.Kind != token.STRING {
				break
			}
			if s, err := strconv.Unquote(n.Value); err == nil {
				if s = strings.ToLower(s); s == "callback" || s == "jsonp" || strings.Contains(s, "callback=") {
					add(n, "jsonp", "JSONP callback parameter "+n.Value)
				}
			}
		}
		return true
	})
	return out
}

func pathDir(rel string) string {
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		return rel[:i]
	}
	return "."
}

// moduleRoot is the folder of the go.mod above the working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for !isModule(dir) {
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
	return dir
}

// TestSourceScan: outside internal/sanitize there is no conversion to a
// trusted html/template type, no text/template import (outside the
// allowlist) and no JSONP callback handling.
func TestSourceScan(t *testing.T) {
	root := moduleRoot(t)
	found, files, err := scanTree(root)
	if err != nil {
		t.Fatal(err)
	}
	// the scan really walked the module: it parsed this file and the
	// storefront, and many more
	for _, want := range []string{sanitizeDir + "/scan_test.go", sanitizeDir + "/sanitize.go", "storefront/storefront.go", "internal/product/form.go"} {
		if !slices.Contains(files, want) {
			t.Errorf("scan did not parse %s", want)
		}
	}
	if len(files) < 100 {
		t.Errorf("scan parsed %d files; the module has more", len(files))
	}
	var inside []finding
	for _, f := range found {
		if pathDir(f.File) == sanitizeDir && f.Rule == "trusted" {
			inside = append(inside, f)
			continue
		}
		if f.File == scanner && f.Rule == "jsonp" {
			continue
		}
		t.Errorf("%v (SECURITY.md X-01: trusted HTML only through internal/sanitize)", f)
	}
	// and it sees conversions in real code: this package's own, which
	// are allowed (one per function that returns trusted HTML)
	var got []string
	for _, f := range inside {
		if !strings.HasSuffix(f.File, "_test.go") {
			got = append(got, f.File)
		}
	}
	want := []string{sanitizeDir + "/rich.go", sanitizeDir + "/sanitize.go", sanitizeDir + "/sanitize.go", sanitizeDir + "/sanitize.go", sanitizeDir + "/sanitize.go"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("conversions found in %s = %q, want %q", sanitizeDir, got, want)
	}
}

// TestSourceScanFixture: the scan flags each line of testdata/scan marked
// "// flag" and no other, so a scan that silently finds nothing fails.
func TestSourceScanFixture(t *testing.T) {
	dir := filepath.Join("testdata", "scan")
	found, files, err := scanTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Fatalf("parsed %q, want the two fixture files", files)
	}
	var want []string
	for _, name := range files {
		lines, err := markedLines(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			want = append(want, fmt.Sprintf("%s:%d", name, l))
		}
	}
	if len(want) < 16 {
		t.Fatalf("fixture has %d marked lines; it was cut", len(want))
	}
	var got []string
	for _, f := range found {
		got = append(got, fmt.Sprintf("%s:%d", f.File, f.Line))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("flagged lines\n %q\nwant\n %q\nfindings: %v", got, want, found)
	}
	rules := map[string]int{}
	for _, f := range found {
		rules[f.Rule]++
	}
	if rules["trusted"] != 12 || rules["text/template"] != 1 || rules["jsonp"] != 3 {
		t.Errorf("findings by rule = %v, want 12 trusted, 1 text/template, 3 jsonp", rules)
	}
}

// markedLines are the numbers of the lines of file that end in a
// "// flag" comment.
func markedLines(file string) ([]int, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []int
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), "// flag") {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil, errors.New(file + ": no marked line")
	}
	return out, sc.Err()
}
