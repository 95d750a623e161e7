package media

import (
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// URLPrefix is where the app serves public objects: Store.URL(key) is
// URLPrefix + key for both backends, so the bucket stays private and the
// pages' CSP stays 'self'.
const URLPrefix = "/media/"

// PublicPrefixes are the key prefixes that may be served to anyone:
// product photos, producers' logos and banners, and showroom photos.
// Everything else (for example private/ application documents) is never
// served at URLPrefix.
var PublicPrefixes = []string{"products/", "producers/", "showrooms/"}

// Public reports whether key is a valid key under a public prefix.
func Public(key string) bool {
	if !ValidKey(key) {
		return false
	}
	for _, p := range PublicPrefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// ContentTypeOf is the content type of a public image key, from the
// extension the server gave it; "" for an unknown extension.
func ContentTypeOf(key string) string {
	switch path.Ext(key) {
	case ".jpg":
		return "image/jpeg"
	case ".webp":
		return "image/webp"
	case ".png":
		return "image/png"
	}
	return ""
}

// Sized is implemented by readers from Store.Open that know their size.
type Sized interface{ Size() int64 }

// SizeOf returns the size of an opened object, or -1 when unknown.
func SizeOf(r io.Reader) int64 {
	switch v := r.(type) {
	case Sized:
		return v.Size()
	case interface{ Stat() (fs.FileInfo, error) }:
		if st, err := v.Stat(); err == nil {
			return st.Size()
		}
	}
	return -1
}

// Variant is one stored size of an image, as rows keep it in JSON
// (product_photo.variants, producer.logo_variants, ...).
type Variant struct {
	Key    string `json:"key"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Type   string `json:"type"`
	// Bytes is the stored object's size, counted against the producer's
	// storage quota; 0 in rows written before sizes were recorded.
	Bytes int64 `json:"bytes,omitempty"`
}

// SrcSet is the srcset attribute of variants: "<url> <width>w, ...",
// smallest first.
func SrcSet(vs []Variant) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(URLPrefix)
		b.WriteString(v.Key)
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(v.Width))
		b.WriteByte('w')
	}
	return b.String()
}

// Pick returns the smallest variant at least width px wide, or the
// largest; vs must not be empty and is ordered smallest first.
func Pick(vs []Variant, width int) Variant {
	for _, v := range vs {
		if v.Width >= width {
			return v
		}
	}
	return vs[len(vs)-1]
}
