package web

import (
	"testing"

	"github.com/valyala/fasthttp"
)

// TestUploadReadTimeout: the body of a POST to an upload route is
// streamed (it arrives while the handler runs, which gives a signed-in
// user the long deadline); everything else is read before the handler.
func TestUploadReadTimeout(t *testing.T) {
	r := &Router{uploads: [][]string{{"quan-ly", ":producer", "san-pham", ":product", "anh"}}, sess: &Sessions{}}
	for _, tt := range []struct {
		method, uri string
		cookie      bool
		want        bool
	}{
		{"POST", "/quan-ly/7/san-pham/12/anh", true, true},
		{"POST", "/quan-ly/7/san-pham/12/anh?x=1", true, true},
		{"POST", "/Quan-Ly/7/San-Pham/12/ANH", true, true},  // routes ignore case
		{"POST", "/quan-ly/7/san-pham/12/anh", false, true}, // anonymous too: guardBody answers it
		{"GET", "/quan-ly/7/san-pham/12/anh", true, false},
		{"POST", "/quan-ly/7/san-pham/12", true, false},
		{"POST", "/quan-ly/7/san-pham/12/anh/3", true, false},
		{"POST", "/dang-nhap", true, false},
	} {
		var h fasthttp.RequestHeader
		h.SetMethod(tt.method)
		h.SetRequestURI(tt.uri)
		if tt.cookie {
			h.SetCookie("sid", "some-token")
		}
		got := r.readConfig(&h).MaxRequestBodySize == 1
		if got != tt.want {
			t.Errorf("%s %s: streamed %v, want %v", tt.method, tt.uri, got, tt.want)
		}
	}
}
