package app

import (
	"context"
	"log/slog"
	"strings"

	"github.com/ocopvn/ocop/internal/config"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/diskmedia"
	"github.com/ocopvn/ocop/media/miniomedia"
)

// OpenMedia returns the photo store cfg chooses: MinIO/S3 when
// OCOP_S3_ENDPOINT is set (the bucket is created if missing; an unreachable
// server is an apperr.Unavailable error), otherwise files under
// OCOP_MEDIA_DIR served at /media.
func OpenMedia(ctx context.Context, cfg config.Config, log *slog.Logger) (media.Store, error) {
	if cfg.S3Endpoint == "" {
		log.Info("media: using local disk", "dir", cfg.MediaDir)
		return diskmedia.New(cfg.MediaDir, strings.TrimSuffix(media.URLPrefix, "/"))
	}
	log.Info("media: using MinIO/S3", "endpoint", cfg.S3Endpoint, "bucket", cfg.S3Bucket, "ssl", cfg.S3UseSSL)
	return miniomedia.New(ctx, miniomedia.Options{
		Endpoint:  cfg.S3Endpoint,
		AccessKey: cfg.S3AccessKey,
		SecretKey: cfg.S3SecretKey,
		Bucket:    cfg.S3Bucket,
		Region:    cfg.S3Region,
		UseSSL:    cfg.S3UseSSL,
		// the app serves every object (internal/app /media/*): the bucket
		// stays private and the pages' CSP stays 'self'
		PublicURL: strings.TrimSuffix(media.URLPrefix, "/"),
	})
}
