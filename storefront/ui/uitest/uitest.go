// Package uitest holds checks the screens' tests share.
package uitest

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/ocopvn/ocop/storefront/ui"
)

// uses find the UI strings a template (the t function) or a Go file (a
// call of T with a literal key) asks for.
var uses = map[string]*regexp.Regexp{
	".html": regexp.MustCompile(`\{\{t "([a-z0-9_.]+)"\}\}`),
	".go":   regexp.MustCompile(`\bT\("([a-z0-9_.]+)"\)`),
}

// EveryStringHasAMessage fails t when a template or Go file below dir asks
// for a UI string that messages lacks (it would show as its key), or when
// fewer than min uses are found (a broken pattern).
func EveryStringHasAMessage(t *testing.T, dir string, messages ui.Messages, min int) {
	t.Helper()
	checked := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		re := uses[filepath.Ext(path)]
		if err != nil || d.IsDir() || re == nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			checked++
			if _, ok := messages[string(m[1])]; !ok {
				t.Errorf("%s uses UI string %q, which messages lacks", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < min {
		t.Errorf("only %d uses found; is the pattern right?", checked)
	}
}
