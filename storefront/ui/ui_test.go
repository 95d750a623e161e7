package ui

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestNewRefusesAnUnlistedTemplate: a template that is neither a page nor
// a partial is a mistake (a page that would only ever render as a 500).
func TestNewRefusesAnUnlistedTemplate(t *testing.T) {
	files := fstest.MapFS{
		"templates/a.html": {Data: []byte(`{{define "content"}}<p>{{t "site.name"}}</p>{{end}}`)},
		"templates/b.html": {Data: []byte(`{{define "content"}}b{{end}}`)},
	}
	if _, err := New(Options{Files: files, Messages: Common, Pages: []string{"a"}}); err == nil || !strings.Contains(err.Error(), "b.html") {
		t.Errorf("New with an unlisted template: %v", err)
	}
	s, err := New(Options{Files: files, Messages: Common, Pages: []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := s.pages["a"].Execute(&b, BasePage{Title: "x"}); err != nil || !strings.Contains(b.String(), "<p>Chợ OCOP</p>") {
		t.Errorf("page a: %v\n%s", err, b.String())
	}
}
