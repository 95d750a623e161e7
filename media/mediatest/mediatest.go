// Package mediatest holds the conformance suite every media.Store passes,
// and helpers that give tests a fresh store: NewDisk always, NewMinIO when
// OCOP_TEST_MINIO_ENDPOINT (+ _ACCESS_KEY, _SECRET_KEY) points at a MinIO
// server (make test starts one). Without it the MinIO tests are skipped with
// a printed reason, unless OCOP_TEST_REQUIRE_DB=1, when they fail.
package mediatest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/diskmedia"
	"github.com/ocopvn/ocop/media/miniomedia"
)

// NewDisk returns a diskmedia store on a fresh temp dir.
func NewDisk(tb testing.TB) media.Store {
	tb.Helper()
	s, err := diskmedia.New(tb.TempDir(), "/media")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// MinIOOptions returns the test server's options (without a bucket), or
// skips tb (fails it under OCOP_TEST_REQUIRE_DB=1) when none is configured.
func MinIOOptions(tb testing.TB) miniomedia.Options {
	tb.Helper()
	o := miniomedia.Options{
		Endpoint:  os.Getenv("OCOP_TEST_MINIO_ENDPOINT"),
		AccessKey: os.Getenv("OCOP_TEST_MINIO_ACCESS_KEY"),
		SecretKey: os.Getenv("OCOP_TEST_MINIO_SECRET_KEY"),
	}
	if o.Endpoint == "" || o.AccessKey == "" || o.SecretKey == "" {
		if os.Getenv("OCOP_TEST_REQUIRE_DB") == "1" {
			tb.Fatal("OCOP_TEST_MINIO_ENDPOINT/_ACCESS_KEY/_SECRET_KEY are not set but OCOP_TEST_REQUIRE_DB=1 (make test starts MinIO with deploy/dev/minio.sh)")
		}
		tb.Skip("SKIP: OCOP_TEST_MINIO_ENDPOINT/_ACCESS_KEY/_SECRET_KEY not set; run `make test` (deploy/dev/minio.sh) to test against a real MinIO")
	}
	return o
}

// NewMinIO returns a miniomedia store on a new, empty bucket of the test
// server; the bucket and its objects are removed when the test ends.
func NewMinIO(tb testing.TB) *miniomedia.Store {
	tb.Helper()
	o := MinIOOptions(tb)
	var b [6]byte
	_, _ = rand.Read(b[:])
	o.Bucket = "ocop-test-" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := miniomedia.New(ctx, o)
	if err != nil {
		tb.Fatalf("mediatest: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c := s.Client()
		for obj := range c.ListObjects(ctx, o.Bucket, minio.ListObjectsOptions{Recursive: true}) {
			if obj.Err == nil {
				_ = c.RemoveObject(ctx, o.Bucket, obj.Key, minio.RemoveObjectOptions{})
			}
		}
		if err := c.RemoveBucket(ctx, o.Bucket); err != nil {
			tb.Logf("mediatest: remove bucket %s: %v", o.Bucket, err)
		}
	})
	return s
}

// AssertEmpty fails t when the store holds any object.
func AssertEmpty(tb testing.TB, s media.Store) {
	tb.Helper()
	objs, err := s.List(context.Background(), "")
	if err != nil {
		tb.Fatalf("List: %v", err)
	}
	if len(objs) != 0 {
		tb.Errorf("store should be empty, holds %v", objs)
	}
}

// Run runs the conformance suite. newStore must return a new, empty store
// each time it is called.
func Run(t *testing.T, newStore func(t *testing.T) media.Store) {
	ctx := context.Background()

	put := func(t *testing.T, s media.Store, key, body string) {
		t.Helper()
		if err := s.Put(ctx, key, strings.NewReader(body), int64(len(body)), "text/plain"); err != nil {
			t.Fatalf("Put(%q): %v", key, err)
		}
	}
	read := func(t *testing.T, s media.Store, key string) string {
		t.Helper()
		rc, err := s.Open(ctx, key)
		if err != nil {
			t.Fatalf("Open(%q): %v", key, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("read %q: %v", key, err)
		}
		return string(b)
	}
	wantKind := func(t *testing.T, what string, err error, k apperr.Kind) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: want a %s error, got nil", what, k)
		}
		if got := apperr.KindOf(err); got != k {
			t.Fatalf("%s: want kind %s, got %s (%v)", what, k, got, err)
		}
	}

	t.Run("PutOpenRoundTrip", func(t *testing.T) {
		s := newStore(t)
		body := bytes.Repeat([]byte("ảnh OCOP \x00\xff"), 50000) // ~700 KB, binary
		if err := s.Put(ctx, "products/1/abc-800.jpg", bytes.NewReader(body), int64(len(body)), "image/jpeg"); err != nil {
			t.Fatal(err)
		}
		if got := read(t, s, "products/1/abc-800.jpg"); got != string(body) {
			t.Fatalf("content differs: %d bytes back, want %d", len(got), len(body))
		}
	})

	t.Run("PutReplaces", func(t *testing.T) {
		s := newStore(t)
		put(t, s, "a/b.txt", "first version, longer")
		put(t, s, "a/b.txt", "second")
		if got := read(t, s, "a/b.txt"); got != "second" {
			t.Fatalf("got %q", got)
		}
	})

	t.Run("EmptyObject", func(t *testing.T) {
		s := newStore(t)
		put(t, s, "empty.bin", "")
		if got := read(t, s, "empty.bin"); got != "" {
			t.Fatalf("got %q", got)
		}
	})

	t.Run("OpenMissingIsNotFound", func(t *testing.T) {
		s := newStore(t)
		put(t, s, "products/1/x.jpg", "x")
		for _, key := range []string{"missing.jpg", "products/1/y.jpg", "products/1", "products/1/x.jpg/z"} {
			_, err := s.Open(ctx, key)
			wantKind(t, "Open("+key+")", err, apperr.NotFound)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		s := newStore(t)
		put(t, s, "products/1/x.jpg", "x")
		put(t, s, "products/1/y.jpg", "y")
		if err := s.Delete(ctx, "products/1/x.jpg"); err != nil {
			t.Fatal(err)
		}
		_, err := s.Open(ctx, "products/1/x.jpg")
		wantKind(t, "Open after Delete", err, apperr.NotFound)
		if got := read(t, s, "products/1/y.jpg"); got != "y" {
			t.Fatalf("sibling: got %q", got)
		}
		if err := s.Delete(ctx, "products/1/x.jpg"); err != nil {
			t.Fatalf("deleting a missing key: %v", err)
		}
		if err := s.Delete(ctx, "never/was.jpg"); err != nil {
			t.Fatalf("deleting a missing key: %v", err)
		}
		if err := s.Delete(ctx, "products/1/y.jpg"); err != nil {
			t.Fatal(err)
		}
		AssertEmpty(t, s)
	})

	t.Run("List", func(t *testing.T) {
		s := newStore(t)
		for _, k := range []string{"products/10/a.jpg", "products/1/b.jpg", "products/1/a.jpg", "producers/1/logo.jpg", "top.txt"} {
			put(t, s, k, k)
		}
		cases := []struct {
			prefix string
			want   []string
		}{
			{"", []string{"producers/1/logo.jpg", "products/1/a.jpg", "products/1/b.jpg", "products/10/a.jpg", "top.txt"}},
			{"products/1/", []string{"products/1/a.jpg", "products/1/b.jpg"}},
			{"products/1", []string{"products/1/a.jpg", "products/1/b.jpg", "products/10/a.jpg"}},
			{"products/1/a", []string{"products/1/a.jpg"}},
			{"prod", []string{"producers/1/logo.jpg", "products/1/a.jpg", "products/1/b.jpg", "products/10/a.jpg"}},
			{"nothing/", nil},
		}
		for _, c := range cases {
			objs, err := s.List(ctx, c.prefix)
			if err != nil {
				t.Fatalf("List(%q): %v", c.prefix, err)
			}
			var got []string
			for _, o := range objs {
				got = append(got, o.Key)
				if o.Size != int64(len(o.Key)) {
					t.Errorf("List(%q): %s has size %d, want %d", c.prefix, o.Key, o.Size, len(o.Key))
				}
				if d := time.Since(o.ModTime); d < -time.Minute || d > 5*time.Minute {
					t.Errorf("List(%q): %s has ModTime %v", c.prefix, o.Key, o.ModTime)
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("List(%q) = %v, want %v", c.prefix, got, c.want)
			}
		}
	})

	t.Run("BadKeysAreInvalid", func(t *testing.T) {
		s := newStore(t)
		bad := []string{
			"", "/etc/passwd", "../x.jpg", "a/../../x.jpg", "a/..", "..", ".", "a/./b.jpg", "a//b.jpg", "a/",
			"A.jpg", "a b.jpg", `a\b.jpg`, "a%2f..%2fb.jpg", "a\x00.jpg", "x\r\nSet-Cookie: a=b.jpg",
			"ảnh.jpg", "TMP/x", strings.Repeat("a", media.MaxKeyLen+1),
		}
		for _, key := range bad {
			err := s.Put(ctx, key, strings.NewReader("x"), 1, "text/plain")
			wantKind(t, fmt.Sprintf("Put(%q)", key), err, apperr.Invalid)
			_, err = s.Open(ctx, key)
			wantKind(t, fmt.Sprintf("Open(%q)", key), err, apperr.Invalid)
			err = s.Delete(ctx, key)
			wantKind(t, fmt.Sprintf("Delete(%q)", key), err, apperr.Invalid)
		}
		for _, prefix := range []string{"/", "../", "a//", "A"} {
			_, err := s.List(ctx, prefix)
			wantKind(t, fmt.Sprintf("List(%q)", prefix), err, apperr.Invalid)
		}
		AssertEmpty(t, s)
	})

	t.Run("SizeMismatchStoresNothing", func(t *testing.T) {
		s := newStore(t)
		if err := s.Put(ctx, "short.bin", strings.NewReader("abc"), 10, "application/octet-stream"); err == nil {
			t.Error("reader shorter than size: want an error")
		}
		if err := s.Put(ctx, "long.bin", strings.NewReader("abcdefghij"), 3, "application/octet-stream"); err == nil {
			t.Error("reader longer than size: want an error")
		}
		if err := s.Put(ctx, "neg.bin", strings.NewReader("abc"), -1, "application/octet-stream"); err == nil {
			t.Error("negative size: want an error")
		}
		AssertEmpty(t, s)
	})

	t.Run("FailingReaderStoresNothing", func(t *testing.T) {
		s := newStore(t)
		r := io.MultiReader(strings.NewReader(strings.Repeat("x", 1000)), errReader{})
		if err := s.Put(ctx, "broken.bin", r, 5000, "application/octet-stream"); err == nil {
			t.Error("want an error")
		}
		AssertEmpty(t, s)
	})

	t.Run("CanceledContextStoresNothing", func(t *testing.T) {
		s := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := s.Put(cctx, "c.bin", strings.NewReader("abc"), 3, "application/octet-stream"); err == nil {
			t.Error("want an error")
		}
		AssertEmpty(t, s)
	})

	t.Run("ConcurrentPutsOfOneKey", func(t *testing.T) {
		// content-addressed keys: two uploads of the same photo race
		s := newStore(t)
		body := strings.Repeat("same bytes ", 10000)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() {
				errs <- s.Put(ctx, "products/1/h-320.jpg", strings.NewReader(body), int64(len(body)), "image/jpeg")
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got := read(t, s, "products/1/h-320.jpg"); got != body {
			t.Fatalf("content differs")
		}
		objs, _ := s.List(ctx, "")
		if len(objs) != 1 {
			t.Fatalf("want one object, got %v", objs)
		}
	})

	t.Run("URL", func(t *testing.T) {
		s := newStore(t)
		u := s.URL("products/1/abc-800.jpg")
		if !strings.HasSuffix(u, "/products/1/abc-800.jpg") {
			t.Fatalf("URL = %q", u)
		}
	})
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset by client") }
