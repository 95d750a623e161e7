package diskmedia_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/diskmedia"
	"github.com/ocopvn/ocop/media/mediatest"
)

func TestConformance(t *testing.T) {
	mediatest.Run(t, func(t *testing.T) media.Store { return mediatest.NewDisk(t) })
}

// A symlink planted inside the root cannot lead a key outside it.
func TestSymlinkEscapeRefused(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "products")); err != nil {
		t.Fatal(err)
	}
	s, err := diskmedia.New(dir, "/media")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if rc, err := s.Open(ctx, "products/secret.txt"); err == nil {
		b, _ := io.ReadAll(rc)
		rc.Close()
		t.Fatalf("read %q through a symlink out of the root", b)
	}
	if err := s.Put(ctx, "products/new.txt", strings.NewReader("x"), 1, "text/plain"); err == nil {
		t.Fatal("wrote through a symlink out of the root")
	}
	if _, err := os.Stat(filepath.Join(outside, "new.txt")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("file created outside the root: %v", err)
	}
	_ = s.Delete(ctx, "products/secret.txt") // an error or a no-op, never a deletion outside
	if _, err := os.Stat(filepath.Join(outside, "secret.txt")); err != nil {
		t.Fatalf("file outside the root is gone: %v", err)
	}
	objs, err := s.List(ctx, "")
	if err != nil && apperr.KindOf(err) == apperr.Invalid {
		t.Fatal(err)
	}
	for _, o := range objs {
		if o.Key == "products/secret.txt" {
			t.Fatal("List shows a file outside the root")
		}
	}
}

// Put and Delete racing in one directory: every Put lands.
func TestPutDeleteRace(t *testing.T) {
	s, err := diskmedia.New(t.TempDir(), "/media")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			key := fmt.Sprintf("products/7/%d.jpg", i)
			if err := s.Put(ctx, key, strings.NewReader("x"), 1, "image/jpeg"); err != nil {
				t.Errorf("Put: %v", err)
				return
			}
			if err := s.Delete(ctx, key); err != nil {
				t.Errorf("Delete: %v", err)
			}
		})
	}
	wg.Wait()
	mediatest.AssertEmpty(t, s)
}

// Temporary files of an interrupted Put never show up as objects.
func TestListSkipsTempFiles(t *testing.T) {
	dir := t.TempDir()
	s, err := diskmedia.New(dir, "/media")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := os.WriteFile(filepath.Join(dir, "TMP", "leftover"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	mediatest.AssertEmpty(t, s)
	if got := s.URL("a/b.jpg"); got != "/media/a/b.jpg" {
		t.Fatalf("URL = %q", got)
	}
}
