package archtest

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// triggersOnly is the owner of a table no Go code may write: database
// triggers maintain it.
const triggersOnly = "(triggers only)"

// tableOwners maps every table Go code writes to the one package directory
// (module-relative, slash-separated) allowed to write it. A new table must be
// given an owner here; a second writer must go through the owner's API.
// Temporary tables a package creates itself (CREATE TEMP TABLE) need no
// entry.
var tableOwners = map[string]string{
	// Administrative units.
	"province":        "internal/geo",
	"commune":         "internal/geo",
	"legacy_district": "internal/geo",
	"commune_legacy":  "internal/geo",

	// Showrooms, their hours and the products they carry.
	"showroom":            "internal/showroom",
	"showroom_hours":      "internal/showroom",
	"showroom_exception":  "internal/showroom",
	"showroom_product":    "internal/showroom",
	"showroom_inspection": "internal/showroom",
	"showroom_photo":      "internal/showroom",

	// Fairs and promotion events, their zones, booth types and booths.
	"event":                     "internal/fair",
	"event_zone":                "internal/fair",
	"event_booth_type":          "internal/fair",
	"booth":                     "internal/fair",
	"booth_application":         "internal/fair",
	"booth_application_product": "internal/fair",
	"booth_assignment":          "internal/fair",
	"promotion":                 "internal/fair",
	"promotion_product":         "internal/fair",
	"exhibitor_report":          "internal/fair",
	"booth_offer":               "internal/fair",

	// The provinces' yearly OCOP plans.
	"ocop_plan":     "internal/report",
	"ocop_plan_row": "internal/report",

	// Producers, their applications, members and the staff's provinces.
	"producer":             "internal/producer",
	"producer_application": "internal/producer",
	"application_document": "internal/producer",
	"producer_member":      "internal/producer",
	"staff_province":       "internal/producer",

	// Products, their photos and the upload rate limit.
	"product":       "internal/product",
	"product_photo": "internal/product",
	"upload_event":  "internal/product",

	// OCOP certificates.
	"certificate":        "internal/certification",
	"certificate_notice": "internal/certification",

	// Carts and orders.
	"cart":        "internal/order",
	"cart_line":   "internal/order",
	"order_group": "internal/order",
	"shop_order":  "internal/order",
	"order_item":  "internal/order",

	// Payments, the platform's settings and payouts.
	"payment":             "internal/payment",
	"payment_event":       "internal/payment",
	"marketplace_setting": "internal/payment",
	"payout":              "internal/payment",

	// Accounts and sign-in.
	"app_user":       "internal/account",
	"user_session":   "internal/account",
	"login_failure":  "internal/account",
	"password_reset": "internal/account",

	// The audit trail.
	"audit_log": "internal/audit",

	// Search: the outbox and the PostgreSQL search backend's index.
	"search_outbox":    "internal/searchsync",
	"search_document":  "search/pgsearch",
	"search_word":      "search/pgsearch",
	"search_tombstone": "search/pgsearch",
	"search_epoch":     "search/pgsearch",

	// Maintained by triggers from the tables above.
	"catalog_state": triggersOnly,
}

// skippedDirNames are directory names whose whole tree the scan skips:
// migrations (SQL owned by the schema, not by a package), test data, and
// fixture packages that do not end in "test". Directories whose name starts
// with "." or "_" (.git, .tools, .data) and test-fixture directories whose
// name ends in "test" (catalogtest, pgtest, phototest, mediatest,
// searchtest, browsertest, archtest) are skipped too; see skipDir.
var skippedDirNames = map[string]bool{
	"migrations":   true,
	"testdata":     true,
	"vendor":       true,
	"node_modules": true,
	"meilifake":    true,
}

// skipDir reports whether the scan skips the directory rel (module-relative,
// slash-separated, not the root).
func skipDir(rel string) bool {
	name := path.Base(rel)
	return skippedDirNames[name] ||
		strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") ||
		strings.HasSuffix(name, "test")
}

// TestTableOwnership scans the module's non-test Go files for SQL writes and
// checks each against tableOwners.
func TestTableOwnership(t *testing.T) {
	root := moduleRoot(t)
	writes, files := scanModule(t, root)
	if len(writes) == 0 {
		t.Fatalf("found no SQL writes in %d Go files under %s: the walk or the scanner is broken", files, root)
	}

	byTable := map[string]map[string][]sqlWrite{} // table → package dir → writes
	for _, w := range writes {
		if byTable[w.table] == nil {
			byTable[w.table] = map[string][]sqlWrite{}
		}
		dir := path.Dir(w.file)
		byTable[w.table][dir] = append(byTable[w.table][dir], w)
	}
	t.Logf("scanned %d Go files: %d writes to %d tables", files, len(writes), len(byTable))

	t.Run("every written table has an owner", func(t *testing.T) {
		var bad []string
		for _, w := range writes {
			switch owner, ok := tableOwners[w.table]; {
			case w.table == "":
				bad = append(bad, w.String()+" (the scanner cannot tell the table: write its name out so its owner can be checked)")
			case !ok:
				bad = append(bad, w.String()+" (no owner: give the table one in tableOwners)")
			case owner == triggersOnly:
				bad = append(bad, w.String()+" (owner "+triggersOnly+": no Go code may write it)")
			}
		}
		report(t, bad, "writes to tables without an owner")
	})

	t.Run("only the owner writes a table", func(t *testing.T) {
		var bad []string
		for _, w := range writes {
			if owner, ok := tableOwners[w.table]; ok && owner != triggersOnly && owner != path.Dir(w.file) {
				bad = append(bad, fmt.Sprintf("%s (owner %s)", w, owner))
			}
		}
		report(t, bad, "writes outside the table's owner")
	})

	t.Run("one writer package per table", func(t *testing.T) {
		var bad []string
		for _, table := range sortedKeys(byTable) {
			dirs := byTable[table]
			if len(dirs) < 2 || table == "" {
				continue
			}
			var where []string
			for _, dir := range sortedKeys(dirs) {
				where = append(where, fmt.Sprintf("%s (%d, first %s)", dir, len(dirs[dir]), strings.TrimPrefix(dirs[dir][0].String(), dir+"/")))
			}
			bad = append(bad, fmt.Sprintf("%s is written by %d packages: %s", table, len(dirs), strings.Join(where, "; ")))
		}
		report(t, bad, "tables with more than one writer package")
	})
}

// scanModule scans every non-test Go file of the module rooted at root,
// except in the directories skipDir skips and in nested modules, and returns
// the writes found (outside the temporary tables of their own package) and
// the number of files scanned.
func scanModule(t *testing.T, root string) ([]sqlWrite, int) {
	t.Helper()
	var (
		writes []sqlWrite
		files  int
		temps  = map[string]map[string]bool{} // package dir → its temporary tables
	)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "." {
				return nil
			}
			if skipDir(rel) {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		res, err := scanWrites(rel, src)
		if err != nil {
			return err
		}
		files++
		writes = append(writes, res.writes...)
		dir := path.Dir(rel)
		for _, table := range res.temps {
			if temps[dir] == nil {
				temps[dir] = map[string]bool{}
			}
			temps[dir][table] = true
		}
		return nil
	})
	if err != nil {
		t.Fatalf("scan %s: %v", root, err)
	}

	kept := writes[:0]
	for _, w := range writes {
		if !temps[path.Dir(w.file)][w.table] {
			kept = append(kept, w)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool {
		if kept[i].file != kept[j].file {
			return kept[i].file < kept[j].file
		}
		return kept[i].line < kept[j].line
	})
	return kept, files
}

// report fails t with the lines bad, one per line, under the heading what.
func report(t *testing.T, bad []string, what string) {
	t.Helper()
	if len(bad) > 0 {
		t.Errorf("%d %s:\n\t%s", len(bad), what, strings.Join(bad, "\n\t"))
	}
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
