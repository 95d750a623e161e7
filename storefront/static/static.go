// Package static holds the site's stylesheet, scripts and icons, embedded
// in the binary, and serves them under fingerprinted URLs (the name
// carries the content's hash) with long-lived cache headers. Every screen
// links them through URL.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

//go:embed *.css *.js *.svg *.txt
var files embed.FS

type asset struct {
	body        []byte
	contentType string
	// the body compressed once, at the best levels, on first request
	once     sync.Once
	br, gzip []byte
}

var (
	byName = map[string]*asset{} // by fingerprinted name
	urls   = map[string]string{} // logical name -> /static/<fingerprinted name>
)

func init() {
	names, err := fs.Glob(files, "*")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		b, err := files.ReadFile(name)
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		fp := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		byName[fp] = &asset{body: b, contentType: mime.TypeByExtension(ext)}
		urls[name] = "/static/" + fp
	}
}

// URL is the fingerprinted URL of the asset name ("site.css"), or "" when
// there is none.
func URL(name string) string { return urls[name] }

// Serve answers GET /static/:name with the asset of that fingerprinted
// name, cached for a year; any other name is 404.
func Serve(c *fiber.Ctx) error {
	a, ok := byName[c.Params("name")]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, a.contentType)
	// the name carries the content hash: a new version gets a new URL
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Vary(fiber.HeaderAcceptEncoding)
	// compressed once, at the best levels (brotli 11 is some 20 % smaller
	// than gzip at the level pages use); the compression middleware leaves
	// a body with a Content-Encoding alone
	a.once.Do(func() {
		a.br = fasthttp.AppendBrotliBytesLevel(nil, a.body, fasthttp.CompressBrotliBestCompression)
		a.gzip = fasthttp.AppendGzipBytesLevel(nil, a.body, fasthttp.CompressBestCompression)
	})
	switch h := &c.Context().Request.Header; {
	case h.HasAcceptEncoding("br"):
		c.Set(fiber.HeaderContentEncoding, "br")
		return c.Send(a.br)
	case h.HasAcceptEncoding("gzip"):
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(a.gzip)
	}
	return c.Send(a.body)
}
