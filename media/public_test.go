package media_test

import (
	"testing"

	"github.com/ocopvn/ocop/media"
)

func TestPublic(t *testing.T) {
	for key, want := range map[string]bool{
		"products/1/abc-320.jpg":          true,
		"producers/7/logo/abc-800.jpg":    true,
		"private/applications/1/dkkd.pdf": false,
		"products/../private/x.jpg":       false,
		"productsx/1.jpg":                 false,
		"":                                false,
		"Products/1/A.jpg":                false,
	} {
		if got := media.Public(key); got != want {
			t.Errorf("Public(%q) = %v, want %v", key, got, want)
		}
	}
	for key, want := range map[string]string{"a/b.jpg": "image/jpeg", "a/b.webp": "image/webp", "a/b.png": "image/png", "a/b.svg": "", "a/b": ""} {
		if got := media.ContentTypeOf(key); got != want {
			t.Errorf("ContentTypeOf(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestSrcSetAndPick(t *testing.T) {
	vs := []media.Variant{{Key: "p/a-320.jpg", Width: 320}, {Key: "p/a-800.jpg", Width: 800}, {Key: "p/a-1600.jpg", Width: 1600}}
	if got, want := media.SrcSet(vs), "/media/p/a-320.jpg 320w, /media/p/a-800.jpg 800w, /media/p/a-1600.jpg 1600w"; got != want {
		t.Errorf("SrcSet = %q, want %q", got, want)
	}
	for w, want := range map[int]int{1: 320, 320: 320, 321: 800, 800: 800, 1000: 1600, 5000: 1600} {
		if got := media.Pick(vs, w).Width; got != want {
			t.Errorf("Pick(%d) = %d, want %d", w, got, want)
		}
	}
	if got := media.Pick(vs[:1], 800).Width; got != 320 {
		t.Errorf("Pick of one small variant = %d", got)
	}
}
