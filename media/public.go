package media

import (
	"io"
	"io/fs"
	"path"
	"strings"
)

// URLPrefix is where the app serves public objects: Store.URL(key) is
// URLPrefix + key for both backends, so the bucket stays private and the
// pages' CSP stays 'self'.
const URLPrefix = "/media/"

// PublicPrefixes are the key prefixes that may be served to anyone:
// product photos and producers' logos and banners. Everything else (for
// example private/ application documents) is never served at URLPrefix.
var PublicPrefixes = []string{"products/", "producers/"}

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
