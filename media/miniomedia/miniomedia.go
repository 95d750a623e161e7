// Package miniomedia is the media.Store on MinIO or any S3-compatible server,
// through the official minio-go v7 client. New creates the bucket when it is
// missing. A server that cannot be reached (refused, timed out, 5xx) is
// reported as apperr.Unavailable, which the web layer turns into 503.
package miniomedia

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/media"
)

// Options configures a Store.
type Options struct {
	Endpoint  string // host:port, no scheme
	AccessKey string
	SecretKey string
	Bucket    string
	Region    string // e.g. us-east-1; empty lets the server decide
	UseSSL    bool
	// PublicURL, when set, is the base of URL(key) (a CDN or a public
	// bucket address); otherwise URL is http(s)://Endpoint/Bucket/key.
	PublicURL string
	// MaxRetries per request; 0 means 3 (minio-go's own default is 10,
	// which makes an outage take a minute to report).
	MaxRetries int
}

// Store is a media.Store on one bucket.
type Store struct {
	client  *minio.Client
	bucket  string
	baseURL string
}

var _ media.Store = (*Store)(nil)

// New connects to the server and creates the bucket if it does not exist.
// Errors: Invalid (bad options), Unavailable (server unreachable), Internal.
func New(ctx context.Context, o Options) (_ *Store, err error) {
	defer apperr.Wrap(&err, "miniomedia.New(%s, %s)", o.Endpoint, o.Bucket)
	s, err := newStore(o)
	if err != nil {
		return nil, err
	}
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return nil, s.mapErr(err, "")
	}
	if !exists {
		err := s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: o.Region})
		if err != nil {
			code := minio.ToErrorResponse(err).Code
			if code != "BucketAlreadyOwnedByYou" && code != "BucketAlreadyExists" {
				return nil, s.mapErr(err, "")
			}
		}
	}
	return s, nil
}

// newStore builds the client without contacting the server.
func newStore(o Options) (*Store, error) {
	if o.Endpoint == "" || strings.Contains(o.Endpoint, "/") {
		return nil, apperr.E(apperr.Invalid, "Cấu hình kho ảnh không hợp lệ", "endpoint must be host:port without a scheme")
	}
	if err := s3utils.CheckValidBucketNameStrict(o.Bucket); err != nil {
		return nil, apperr.E(apperr.Invalid, "Cấu hình kho ảnh không hợp lệ", "bucket: "+err.Error())
	}
	retries := o.MaxRetries
	if retries <= 0 {
		retries = 3
	}
	tr, err := minio.DefaultTransport(o.UseSSL)
	if err != nil {
		return nil, err
	}
	tr.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.ResponseHeaderTimeout = 30 * time.Second
	client, err := minio.New(o.Endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(o.AccessKey, o.SecretKey, ""),
		Secure:     o.UseSSL,
		Region:     o.Region,
		Transport:  tr,
		MaxRetries: retries,
	})
	if err != nil {
		return nil, apperr.E(apperr.Invalid, "Cấu hình kho ảnh không hợp lệ", err.Error())
	}
	base := strings.TrimRight(o.PublicURL, "/")
	if base == "" {
		scheme := "http"
		if o.UseSSL {
			scheme = "https"
		}
		base = scheme + "://" + o.Endpoint + "/" + o.Bucket
	}
	return &Store{client: client, bucket: o.Bucket, baseURL: base}, nil
}

// Client returns the underlying minio-go client (tests use it to inspect
// and clean buckets).
func (s *Store) Client() *minio.Client { return s.client }

// Bucket returns the bucket name.
func (s *Store) Bucket() string { return s.bucket }

// Put implements media.Store. The object is sent with its exact size and
// content type; a reader that yields more than size bytes fails the Put and
// the object is removed again.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (err error) {
	defer apperr.Wrap(&err, "miniomedia.Put(%q)", key)
	if err := media.CheckKey(key); err != nil {
		return err
	}
	if size < 0 {
		return apperr.E(apperr.Invalid, "Kích thước tệp không hợp lệ", "negative size")
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	cr := &countReader{r: r}
	_, err = s.client.PutObject(ctx, s.bucket, key, io.LimitReader(cr, size), size, minio.PutObjectOptions{
		ContentType:      contentType,
		DisableMultipart: size <= 64<<20,
	})
	if err != nil {
		if cr.n < size && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || cr.eof) {
			return media.ErrSize(size, cr.n)
		}
		return s.mapErr(err, key)
	}
	// The client stops after size bytes; one more byte means the caller
	// declared the wrong size, so the stored object is not what was meant.
	var one [1]byte
	if n, _ := io.ReadFull(r, one[:]); n > 0 {
		_ = s.client.RemoveObject(context.WithoutCancel(ctx), s.bucket, key, minio.RemoveObjectOptions{})
		return media.ErrSize(size, size+1)
	}
	return nil
}

// Open implements media.Store.
func (s *Store) Open(ctx context.Context, key string) (_ io.ReadCloser, err error) {
	defer apperr.Wrap(&err, "miniomedia.Open(%q)", key)
	if err := media.CheckKey(key); err != nil {
		return nil, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, s.mapErr(err, key)
	}
	// GetObject is lazy: Stat makes the request, so a missing object or a
	// dead server is reported here rather than on the first Read.
	info, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, s.mapErr(err, key)
	}
	return &object{Object: obj, size: info.Size}, nil
}

// object is an opened object that knows its size (media.Sized).
type object struct {
	*minio.Object
	size int64
}

// Size implements media.Sized.
func (o *object) Size() int64 { return o.size }

// Delete implements media.Store.
func (s *Store) Delete(ctx context.Context, key string) (err error) {
	defer apperr.Wrap(&err, "miniomedia.Delete(%q)", key)
	if err := media.CheckKey(key); err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		if minio.ToErrorResponse(err).Code == "NoSuchKey" {
			return nil
		}
		return s.mapErr(err, key)
	}
	return nil
}

// List implements media.Store.
func (s *Store) List(ctx context.Context, prefix string) (_ []media.Object, err error) {
	defer apperr.Wrap(&err, "miniomedia.List(%q)", prefix)
	if err := media.CheckPrefix(prefix); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing goroutine on an early return
	var objs []media.Object
	for o := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			return nil, s.mapErr(o.Err, "")
		}
		objs = append(objs, media.Object{Key: o.Key, Size: o.Size, ModTime: o.LastModified})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return objs, nil // S3 lists in key order
}

// URL implements media.Store.
func (s *Store) URL(key string) string { return s.baseURL + "/" + key }

// mapErr turns a minio-go error into an apperr kind.
func (s *Store) mapErr(err error, key string) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	resp := minio.ToErrorResponse(err)
	switch {
	case resp.Code == "NoSuchKey":
		return media.ErrNotFound(key)
	case resp.StatusCode >= 500, resp.Code == "SlowDown", resp.Code == "ServiceUnavailable", resp.Code == "XMinioServerNotInitialized":
		return media.ErrUnavailable(err)
	}
	var ne net.Error
	var ue *url.Error
	var oe *net.OpError
	if errors.As(err, &ne) || errors.As(err, &ue) || errors.As(err, &oe) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, http.ErrServerClosed) {
		return media.ErrUnavailable(err)
	}
	return fmt.Errorf("minio: %w", err)
}

type countReader struct {
	r   io.Reader
	n   int64
	eof bool
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err == io.EOF {
		c.eof = true
	}
	return n, err
}

// NewUnchecked is New without contacting the server: the bucket is neither
// checked nor created. Tests use it to get a store whose server is down.
// Errors: Invalid (bad options).
func NewUnchecked(o Options) (*Store, error) { return newStore(o) }
