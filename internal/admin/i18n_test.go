package admin

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestEveryStringHasAMessage fails when a template or Go file asks for a
// UI string that messages lacks (it would show as its key).
func TestEveryStringHasAMessage(t *testing.T) {
	uses := map[string]*regexp.Regexp{
		".html": regexp.MustCompile(`\{\{t "([a-z0-9_.]+)"\}\}`),
		".go":   regexp.MustCompile(`\bT\("([a-z0-9_.]+)"\)`),
	}
	checked := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || (filepath.Ext(path) != ".html" && filepath.Ext(path) != ".go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range uses[filepath.Ext(path)].FindAllSubmatch(b, -1) {
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
	if checked < 50 {
		t.Errorf("only %d uses found; is the pattern right?", checked)
	}
}
