// Package diskmedia is the embedded default media.Store: objects are files
// under one root directory. Every file operation goes through an os.Root, so
// no key can reach outside the directory (symlinks included), and keys are
// checked with media.ValidKey before that. A Put writes a temporary file and
// renames it into place, so readers never see half an object.
package diskmedia

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"syscall"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/media"
)

// tmpDir holds files being written. Upper case cannot occur in a key, so it
// never collides with an object and List skips it.
const tmpDir = "TMP"

// Store is a media.Store on a local directory.
type Store struct {
	root    *os.Root
	baseURL string
}

var _ media.Store = (*Store)(nil)

// New opens (creating it if needed) the directory dir. URL(key) returns
// baseURL + "/" + key; baseURL is typically "/media", a route the app serves.
func New(dir, baseURL string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("diskmedia: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("diskmedia: %w", err)
	}
	if err := root.MkdirAll(tmpDir, 0o755); err != nil {
		root.Close()
		return nil, fmt.Errorf("diskmedia: %w", err)
	}
	return &Store{root: root, baseURL: strings.TrimRight(baseURL, "/")}, nil
}

// Close releases the directory handle.
func (s *Store) Close() error { return s.root.Close() }

// Put implements media.Store.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (err error) {
	defer apperr.Wrap(&err, "diskmedia.Put(%q)", key)
	if err := media.CheckKey(key); err != nil {
		return err
	}
	if size < 0 {
		return apperr.E(apperr.Invalid, "Kích thước tệp không hợp lệ", "negative size")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var rnd [12]byte
	_, _ = rand.Read(rnd[:])
	tmp := tmpDir + "/" + hex.EncodeToString(rnd[:])
	f, err := s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			_ = s.root.Remove(tmp)
		}
	}()
	n, err := io.Copy(f, io.LimitReader(&ctxReader{ctx, r}, size+1))
	if err != nil {
		return err
	}
	if n != size {
		return media.ErrSize(size, n)
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	done = true
	if dir := path.Dir(key); dir != "." {
		if err := s.root.MkdirAll(dir, 0o755); err != nil {
			_ = s.root.Remove(tmp)
			return err
		}
	}
	if err := s.root.Rename(tmp, key); err != nil {
		_ = s.root.Remove(tmp)
		return err
	}
	return nil
}

// Open implements media.Store.
func (s *Store) Open(ctx context.Context, key string) (_ io.ReadCloser, err error) {
	defer apperr.Wrap(&err, "diskmedia.Open(%q)", key)
	if err := media.CheckKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := s.root.Open(key)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotDirErr) {
		return nil, media.ErrNotFound(key)
	}
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, media.ErrNotFound(key)
	}
	return f, nil
}

// Delete implements media.Store.
func (s *Store) Delete(ctx context.Context, key string) (err error) {
	defer apperr.Wrap(&err, "diskmedia.Delete(%q)", key)
	if err := media.CheckKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	st, err := s.root.Lstat(key)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, errNotDirErr) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.IsDir() {
		return nil // a "directory" is not an object
	}
	if err := s.root.Remove(key); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	// Empty directories are left: removing them would race with a Put into
	// the same directory (MkdirAll, then Rename into a removed directory).
	return nil
}

// List implements media.Store.
func (s *Store) List(ctx context.Context, prefix string) (_ []media.Object, err error) {
	defer apperr.Wrap(&err, "diskmedia.List(%q)", prefix)
	if err := media.CheckPrefix(prefix); err != nil {
		return nil, err
	}
	// walk only the deepest directory the prefix names
	start := "."
	if i := strings.LastIndexByte(prefix, '/'); i > 0 {
		start = prefix[:i]
	}
	var objs []media.Object
	err = fs.WalkDir(s.root.FS(), start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == start && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if p == tmpDir {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !media.ValidKey(p) || !strings.HasPrefix(p, prefix) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil // removed while walking
		}
		objs = append(objs, media.Object{Key: p, Size: info.Size(), ModTime: info.ModTime()})
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(objs, func(i, j int) bool { return objs[i].Key < objs[j].Key })
	return objs, nil
}

// URL implements media.Store.
func (s *Store) URL(key string) string { return s.baseURL + "/" + key }

// errNotDirErr is what a path through a regular file ("a.jpg/b") fails with.
var errNotDirErr = syscall.ENOTDIR

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
