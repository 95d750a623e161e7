package web

import (
	"testing"

	"github.com/valyala/fasthttp"
)

// TestUploadReadTimeout: a POST to an upload route may take
// UploadReadTimeout to arrive; everything else keeps the server's
// ReadTimeout.
func TestUploadReadTimeout(t *testing.T) {
	r := &Router{uploads: [][]string{{"quan-ly", ":producer", "san-pham", ":product", "anh"}}}
	for _, tt := range []struct {
		method, uri string
		want        bool
	}{
		{"POST", "/quan-ly/7/san-pham/12/anh", true},
		{"POST", "/quan-ly/7/san-pham/12/anh?x=1", true},
		{"POST", "/Quan-Ly/7/San-Pham/12/ANH", true}, // routes ignore case
		{"GET", "/quan-ly/7/san-pham/12/anh", false},
		{"POST", "/quan-ly/7/san-pham/12", false},
		{"POST", "/quan-ly/7/san-pham/12/anh/3", false},
		{"POST", "/dang-nhap", false},
	} {
		var h fasthttp.RequestHeader
		h.SetMethod(tt.method)
		h.SetRequestURI(tt.uri)
		got := r.readConfig(&h).ReadTimeout == UploadReadTimeout
		if got != tt.want {
			t.Errorf("%s %s: long read timeout %v, want %v", tt.method, tt.uri, got, tt.want)
		}
	}
}
