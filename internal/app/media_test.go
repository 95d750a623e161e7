package app

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/media/diskmedia"
	"github.com/ocopvn/ocop/media/mediatest"
	"github.com/ocopvn/ocop/media/miniomedia"
)

func TestOpenMediaChoosesBackend(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()

	s, err := OpenMedia(ctx, config.Config{MediaDir: t.TempDir()}, log)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*diskmedia.Store); !ok {
		t.Fatalf("no S3 endpoint: got %T, want *diskmedia.Store", s)
	}

	o := mediatest.MinIOOptions(t)
	bucket := mediatest.NewMinIO(t).Bucket() // a bucket removed after the test
	s, err = OpenMedia(ctx, config.Config{S3Endpoint: o.Endpoint, S3AccessKey: o.AccessKey, S3SecretKey: o.SecretKey, S3Bucket: bucket}, log)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*miniomedia.Store); !ok {
		t.Fatalf("S3 endpoint set: got %T, want *miniomedia.Store", s)
	}
}
