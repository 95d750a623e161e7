package miniomedia_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/mediatest"
	"github.com/ocopvn/ocop/media/miniomedia"
)

func TestConformance(t *testing.T) {
	mediatest.MinIOOptions(t) // skip (or fail) once, with the reason, not per subtest
	mediatest.Run(t, func(t *testing.T) media.Store { return mediatest.NewMinIO(t) })
}

func TestBucketCreatedOnceAndReused(t *testing.T) {
	s := mediatest.NewMinIO(t)
	ctx := context.Background()
	if err := s.Put(ctx, "k.txt", strings.NewReader("v"), 1, "text/plain"); err != nil {
		t.Fatal(err)
	}
	o := mediatest.MinIOOptions(t)
	o.Bucket = s.Bucket()
	again, err := miniomedia.New(ctx, o) // bucket exists: no error, same content
	if err != nil {
		t.Fatal(err)
	}
	objs, err := again.List(ctx, "")
	if err != nil || len(objs) != 1 {
		t.Fatalf("List = %v, %v", objs, err)
	}
}

func TestContentTypeAndSizeStored(t *testing.T) {
	s := mediatest.NewMinIO(t)
	ctx := context.Background()
	if err := s.Put(ctx, "p/a.jpg", strings.NewReader("12345"), 5, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	info, err := s.Client().StatObject(ctx, s.Bucket(), "p/a.jpg", minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.ContentType != "image/jpeg" || info.Size != 5 {
		t.Fatalf("stored as %q, %d bytes", info.ContentType, info.Size)
	}
}

func TestWrongCredentialsIsNotUnavailable(t *testing.T) {
	o := mediatest.MinIOOptions(t)
	o.SecretKey = "wrong-secret-key"
	o.Bucket = "ocop-test-wrongcreds"
	_, err := miniomedia.New(context.Background(), o)
	if err == nil {
		t.Fatal("want an error")
	}
	if apperr.KindOf(err) == apperr.Unavailable {
		t.Fatalf("bad credentials reported as an outage: %v", err)
	}
}

// A server that is not there is a 503-style Unavailable, reported quickly.
func TestServerDownIsUnavailable(t *testing.T) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := miniomedia.New(ctx, miniomedia.Options{Endpoint: "127.0.0.1:1", AccessKey: "a", SecretKey: "b", Bucket: "ocop-down", MaxRetries: 1})
	if apperr.KindOf(err) != apperr.Unavailable {
		t.Fatalf("want Unavailable, got %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("took %v to notice", d)
	}
}

func TestBadOptions(t *testing.T) {
	for _, o := range []miniomedia.Options{
		{Endpoint: "", Bucket: "b"},
		{Endpoint: "http://127.0.0.1:9000", Bucket: "b"},
		{Endpoint: "127.0.0.1:9000", Bucket: ""},
		{Endpoint: "127.0.0.1:9000", Bucket: "Bad_Bucket"},
	} {
		if _, err := miniomedia.New(context.Background(), o); apperr.KindOf(err) != apperr.Invalid {
			t.Errorf("%+v: want Invalid, got %v", o, err)
		}
	}
}

// Every operation on a store whose server went away is Unavailable (503),
// never NotFound or a silent success (SECURITY.md D-06).
func TestOperationsWhileDownAreUnavailable(t *testing.T) {
	s, err := miniomedia.NewUnchecked(miniomedia.Options{Endpoint: "127.0.0.1:1", AccessKey: "a", SecretKey: "b", Bucket: "ocop-down", MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	check := func(what string, err error) {
		t.Helper()
		if apperr.KindOf(err) != apperr.Unavailable {
			t.Errorf("%s: want Unavailable, got %v", what, err)
		}
	}
	check("Put", s.Put(ctx, "a.jpg", strings.NewReader("x"), 1, "image/jpeg"))
	_, err = s.Open(ctx, "a.jpg")
	check("Open", err)
	check("Delete", s.Delete(ctx, "a.jpg"))
	_, err = s.List(ctx, "")
	check("List", err)
}
