package archtest

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// modulePath is the module the rules are written for; moduleRoot checks that
// go.mod still declares it, so a rename fails loudly instead of silently
// matching nothing.
const modulePath = "github.com/ocopvn/ocop"

// moduleRoot returns the directory holding the module's go.mod, found by
// walking up from the test's working directory. It fails the test when there
// is none or when go.mod declares a module other than modulePath.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("working directory: %v", err)
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil {
			if got := moduleLine(data); got != modulePath {
				t.Fatalf("%s declares module %q; the architecture rules are written for %q", filepath.Join(dir, "go.mod"), got, modulePath)
			}
			return dir
		}
		if !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("read go.mod: %v", err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod in the working directory or any directory above it")
		}
		dir = parent
	}
}

// moduleLine returns the module path declared by the go.mod text data, or ""
// when it declares none.
func moduleLine(data []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// under reports whether the import path p is prefix itself or a package below
// it (prefix "a/b" covers "a/b" and "a/b/c" but not "a/bc").
func under(p, prefix string) bool {
	return p == prefix || strings.HasPrefix(p, prefix+"/")
}

// short strips the module path from an import path for readable messages.
func short(p string) string {
	if rest, ok := strings.CutPrefix(p, modulePath+"/"); ok {
		return rest
	}
	return p
}
