// Package archtest holds the module's architecture tests. It has no code of
// its own outside _test.go files: the tests read the import graph from
// `go list -deps -json ./...` and the SQL in the module's Go sources, and
// fail when a package depends on something its layer must not see or writes a
// table it does not own.
//
// The rules are plain tables (slices and maps near the top of each test
// file) so a change of layout is a change of a line:
//
//   - imports_test.go: which packages are domain code, what they must not
//     import, what the search/ and media/ adapters may import from internal/,
//     and the rank of each feature package.
//   - tables_test.go: which package directory owns (is the only writer of)
//     each table.
//
// The tests need neither a database nor a network: run them with
//
//	go test ./internal/archtest/
package archtest
