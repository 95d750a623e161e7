package ui

import (
	"io/fs"
	"regexp"
	"testing"
)

// TestCommonHasEveryLayoutString fails when the layout or a shared
// partial asks for a UI string that Common lacks: a screen's own strings
// would hide it in that screen only.
func TestCommonHasEveryLayoutString(t *testing.T) {
	use := regexp.MustCompile(`\{\{t "([a-z0-9_.]+)"\}\}`)
	checked := 0
	err := fs.WalkDir(sharedFiles, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sharedFiles, path)
		if err != nil {
			return err
		}
		for _, m := range use.FindAllSubmatch(b, -1) {
			checked++
			if _, ok := Common[string(m[1])]; !ok {
				t.Errorf("%s uses UI string %q, which Common lacks", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 10 {
		t.Errorf("only %d uses found; is the pattern right?", checked)
	}
}

// TestMergeRefusesADuplicate: a key in two tables is a mistake.
func TestMergeRefusesADuplicate(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Merge kept a key defined twice")
		}
	}()
	Merge(Messages{"a": "1"}, Messages{"a": "2"})
}
