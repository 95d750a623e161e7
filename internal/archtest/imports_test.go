package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The import rules. Paths cover the named package and every package below it
// unless a comment says otherwise. Packages that do not exist (yet) are simply
// absent from the graph: every rule holds over whatever subset exists.

// notDomain lists the packages under internal/ that are not domain code: the
// composition root, the HTTP layer, the screens and the test harnesses. Every
// other package under internal/ is domain code, test-helper packages such as
// internal/catalog/catalogtest and internal/postgres/pgtest included.
var notDomain = []string{
	modulePath + "/internal/app",
	modulePath + "/internal/web",
	modulePath + "/internal/admin",
	modulePath + "/internal/archtest",
	modulePath + "/internal/browsertest",
}

// domainMustNotImport lists what no domain package may depend on, directly
// or through other packages: the HTTP framework, the HTTP layer and the
// screens.
var domainMustNotImport = []string{
	"github.com/gofiber/fiber/v2",
	modulePath + "/internal/web",
	modulePath + "/internal/admin",
	modulePath + "/storefront",
}

// adapters lists the module's top-level adapter trees.
var adapters = []string{
	modulePath + "/search",
	modulePath + "/media",
}

// adapterMayImport lists the only internal/ packages an adapter may depend
// on.
var adapterMayImport = []string{
	modulePath + "/internal/apperr",
	modulePath + "/internal/vntext",
}

// featureRanks ranks the feature packages internal/<name> (and their
// subpackages, test helpers excepted). A feature may import only features of
// a strictly lower rank, so features of one rank (catalog and product;
// certification, fair and showroom) must not import each other.
var featureRanks = map[string]int{
	"account":       0,
	"producer":      1,
	"catalog":       2,
	"product":       2,
	"certification": 3,
	"fair":          3,
	"showroom":      3,
	"order":         4,
	"report":        4,
	"payment":       5,
}

// featureOrder is the direction featureRanks encodes (an arrow means "may
// import"), quoted in failures.
const featureOrder = "payment → {order, report} → {fair, showroom, certification} → catalog/product → producer → account"

// depRule forbids the packages it applies to from depending, directly or
// transitively, on the packages it forbids.
type depRule struct {
	why     string                // quoted in failures
	applies func(pkg string) bool // the packages the rule constrains
	forbids func(dep string) bool // what they must not depend on
}

// depRules are the transitive rules TestImportDirection checks.
var depRules = []depRule{
	{
		why:     "domain code must not depend on Fiber, internal/web or a screen package",
		applies: isDomain,
		forbids: func(dep string) bool { return underAny(dep, domainMustNotImport) },
	},
	{
		why:     "search/ and media/ may use only internal/apperr and internal/vntext from internal/",
		applies: func(pkg string) bool { return underAny(pkg, adapters) },
		forbids: func(dep string) bool {
			return under(dep, modulePath+"/internal") && !underAny(dep, adapterMayImport)
		},
	},
	{
		why:     "internal/web is HTTP plumbing: it must not depend on a screen",
		applies: func(pkg string) bool { return under(pkg, modulePath+"/internal/web") },
		forbids: isScreen,
	},
	{
		why:     "the shared page plumbing (storefront/ui, storefront/static) must not depend on a screen",
		applies: isPagePlumbing,
		forbids: isScreen,
	},
	{
		why:     "the storefront must not depend on internal/admin; the screens share storefront/ui",
		applies: func(pkg string) bool { return isScreen(pkg) && under(pkg, modulePath+"/storefront") },
		forbids: func(dep string) bool { return under(dep, modulePath+"/internal/admin") },
	},
	{
		why:     "internal/admin must not depend on the storefront's pages; the screens share storefront/ui",
		applies: func(pkg string) bool { return under(pkg, modulePath+"/internal/admin") },
		forbids: func(dep string) bool { return isScreen(dep) && under(dep, modulePath+"/storefront") },
	},
}

// isPagePlumbing reports whether pkg is the page plumbing both screens
// share.
func isPagePlumbing(pkg string) bool {
	return under(pkg, modulePath+"/storefront/ui") || under(pkg, modulePath+"/storefront/static")
}

// isScreen reports whether pkg is a screen package: the storefront (its
// page plumbing aside) or internal/admin.
func isScreen(pkg string) bool {
	return (under(pkg, modulePath+"/storefront") && !isPagePlumbing(pkg)) || under(pkg, modulePath+"/internal/admin")
}

// isDomain reports whether the import path pkg is a domain package.
func isDomain(pkg string) bool {
	return strings.HasPrefix(pkg, modulePath+"/internal/") && !underAny(pkg, notDomain)
}

// featureOf returns the feature (a featureRanks key) the import path pkg
// belongs to, or false when it belongs to none. Test-helper packages (last
// element ending in "test") belong to none: they are fixtures, not features.
func featureOf(pkg string) (string, bool) {
	rest, ok := strings.CutPrefix(pkg, modulePath+"/internal/")
	if !ok || strings.HasSuffix(pkg[strings.LastIndex(pkg, "/")+1:], "test") {
		return "", false
	}
	name, _, _ := strings.Cut(rest, "/")
	_, ranked := featureRanks[name]
	return name, ranked
}

// underAny reports whether the import path p is one of prefixes or below one.
func underAny(p string, prefixes []string) bool {
	return slices.ContainsFunc(prefixes, func(prefix string) bool { return under(p, prefix) })
}

// listedPackage is the part of a `go list -json` record the rules read. Only
// non-test imports count: Imports and Deps, never TestImports.
type listedPackage struct {
	ImportPath string
	Imports    []string // direct imports
	Deps       []string // transitive dependencies
}

// violation is one broken import rule.
type violation struct {
	chain []string // importer first, forbidden package last
	why   string
}

// String formats v as "a → b → c: why", module paths shortened.
func (v violation) String() string {
	parts := make([]string, len(v.chain))
	for i, p := range v.chain {
		parts[i] = short(p)
	}
	return strings.Join(parts, " → ") + ": " + v.why
}

// TestImportDirection checks the import graph of the whole module against
// notDomain/domainMustNotImport, adapters/adapterMayImport and featureRanks.
func TestImportDirection(t *testing.T) {
	root := moduleRoot(t)
	pkgs := listPackages(t, root)

	var own, domain int
	for path := range pkgs {
		if under(path, modulePath) {
			own++
			if isDomain(path) {
				domain++
			}
		}
	}
	if own == 0 || domain == 0 {
		t.Fatalf("go list found %d packages of %s, %d of them domain packages: the rules would check nothing", own, modulePath, domain)
	}

	vs := importViolations(pkgs)
	if len(vs) > 0 {
		lines := make([]string, len(vs))
		for i, v := range vs {
			lines[i] = "\t" + v.String()
		}
		t.Errorf("%d forbidden imports (importer → … → forbidden package):\n%s", len(vs), strings.Join(lines, "\n"))
	}
	t.Logf("checked %d packages of the module (%d domain packages)", own, domain)
}

// listPackages runs `go list -deps -json ./...` in the module root and returns
// every package it lists (the module's and all their dependencies) by import
// path.
func listPackages(t *testing.T, root string) map[string]*listedPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-json", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps -json ./... in %s: %v\n%s", root, err, stderr.Bytes())
	}
	pkgs := map[string]*listedPackage{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		p := new(listedPackage)
		if err := dec.Decode(p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// importViolations returns every broken rule in the graph pkgs, ordered by
// importer. Only the module's own packages are checked.
func importViolations(pkgs map[string]*listedPackage) []violation {
	paths := make([]string, 0, len(pkgs))
	for path := range pkgs {
		if under(path, modulePath) {
			paths = append(paths, path)
		}
	}
	sort.Strings(paths)

	var out []violation
	for _, path := range paths {
		p := pkgs[path]
		for _, r := range depRules {
			if !r.applies(path) || !slices.ContainsFunc(p.Deps, r.forbids) {
				continue
			}
			for _, chain := range forbiddenChains(pkgs, path, r) {
				out = append(out, violation{chain, r.why})
			}
		}

		from, ok := featureOf(path)
		if !ok {
			continue
		}
		for _, imp := range p.Imports {
			to, ok := featureOf(imp)
			if !ok || to == from || featureRanks[to] < featureRanks[from] {
				continue
			}
			why := fmt.Sprintf("%s (rank %d) must not import %s (rank %d); the direction is %s",
				from, featureRanks[from], to, featureRanks[to], featureOrder)
			if featureRanks[to] == featureRanks[from] {
				why = fmt.Sprintf("%s and %s are peers (rank %d) and must not import each other; the direction is %s",
					from, to, featureRanks[to], featureOrder)
			}
			out = append(out, violation{[]string{path, imp}, why})
		}
	}
	return out
}

// forbiddenChains returns, for every package forbidden by r that from
// reaches, a shortest import chain from from to it; the next-to-last element
// is the direct importer that brings it in. The walk goes neither through a
// forbidden package nor through another package r applies to: that package
// answers for its own imports, so one breach is reported once, by the
// package that commits it, and not again by everything above it. Chains are
// ordered by the forbidden package.
func forbiddenChains(pkgs map[string]*listedPackage, from string, r depRule) [][]string {
	parent := map[string]string{from: ""}
	queue := []string{from}
	var hits []string
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		p := pkgs[cur]
		if p == nil {
			continue
		}
		for _, imp := range p.Imports {
			if _, seen := parent[imp]; seen {
				continue
			}
			parent[imp] = cur
			switch {
			case r.forbids(imp):
				hits = append(hits, imp)
			case !r.applies(imp):
				queue = append(queue, imp)
			}
		}
	}
	sort.Strings(hits)
	chains := make([][]string, len(hits))
	for i, hit := range hits {
		var chain []string
		for p := hit; p != ""; p = parent[p] {
			chain = append(chain, p)
		}
		slices.Reverse(chain)
		chains[i] = chain
	}
	return chains
}

// TestImportRules runs the rules over a made-up graph with one breach of each
// kind, so TestImportDirection cannot pass because the rules broke.
func TestImportRules(t *testing.T) {
	const m = modulePath + "/"
	const fiber = "github.com/gofiber/fiber/v2"
	const kit = "example.com/httpkit" // a library built on Fiber
	imports := map[string][]string{
		fiber:                   {fiber + "/utils"},
		fiber + "/utils":        nil,
		kit:                     {fiber},
		m + "internal/app":      {m + "internal/web", m + "storefront", m + "internal/order"},
		m + "internal/web":      {fiber, m + "internal/catalog"},
		m + "storefront":        {fiber, m + "internal/web"},
		m + "internal/apperr":   nil,
		m + "internal/vntext":   nil,
		m + "internal/helper":   {fiber},
		m + "internal/catalog":  {m + "internal/vntext", m + "internal/helper", m + "internal/producer", kit},
		m + "internal/account":  {m + "internal/apperr"},
		m + "internal/producer": {m + "internal/account", m + "internal/order"},
		m + "internal/product":  {m + "internal/catalog"},
		m + "internal/showroom": {m + "internal/product"},
		m + "internal/fair":     {m + "internal/showroom", m + "internal/catalog"},
		m + "internal/order":    {m + "internal/fair"},
		m + "internal/payment":  {m + "internal/order"},
		m + "search/pgsearch":   {m + "internal/apperr", m + "internal/vntext", m + "internal/catalog"},
		m + "media/diskmedia":   {m + "internal/apperr"},
		m + "storefront/ui":     {fiber},
		m + "storefront/static": {m + "internal/admin"},
		m + "internal/admin":    {m + "storefront/ui", m + "storefront"},
		m + "internal/web/page": {m + "internal/admin"},

		m + "internal/catalog/catalogtest": {m + "storefront", m + "internal/order"},
	}
	want := []string{
		"internal/admin → storefront",
		"internal/catalog → " + kit + " → " + fiber,
		"internal/catalog/catalogtest → storefront",
		"internal/fair → internal/showroom",
		"internal/helper → " + fiber,
		"internal/producer → internal/order",
		"internal/product → internal/catalog",
		"internal/web/page → internal/admin",
		"search/pgsearch → internal/catalog",
		"storefront/static → internal/admin",
	}

	vs := importViolations(graph(imports))
	got := make([]string, len(vs))
	for i, v := range vs {
		got[i], _, _ = strings.Cut(v.String(), ": ")
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// graph turns a map of direct imports into listed packages with their
// transitive dependencies filled in, as go list would report them.
func graph(imports map[string][]string) map[string]*listedPackage {
	pkgs := map[string]*listedPackage{}
	for path, imps := range imports {
		pkgs[path] = &listedPackage{ImportPath: path, Imports: imps}
	}
	for _, p := range pkgs {
		seen := map[string]bool{}
		stack := slices.Clone(p.Imports)
		for len(stack) > 0 {
			cur := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if !seen[cur] {
				seen[cur] = true
				stack = append(stack, imports[cur]...)
			}
		}
		for dep := range seen {
			p.Deps = append(p.Deps, dep)
		}
		sort.Strings(p.Deps)
	}
	return pkgs
}
