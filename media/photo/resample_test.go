package photo

import (
	"image"
	"math/rand/v2"
	"testing"

	"github.com/disintegration/imaging"
)

// orient turns planes exactly as imaging turns images (the general path).
func TestOrientMatchesImaging(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	g := image.NewGray(image.Rect(0, 0, 7, 4))
	for i := range g.Pix {
		g.Pix[i] = byte(r.IntN(256))
	}
	p := plane{pix: g.Pix, w: 7, h: 4, str: g.Stride}
	for o := 1; o <= 8; o++ {
		want := imaging.Clone(applyOrientation(g, o))
		got := orient(p, o)
		if b := want.Bounds(); b.Dx() != got.w || b.Dy() != got.h {
			t.Fatalf("orientation %d: %dx%d, want %dx%d", o, got.w, got.h, b.Dx(), b.Dy())
		}
		for y := range got.h {
			for x := range got.w {
				if w := want.NRGBAAt(x, y).R; got.pix[y*got.str+x] != w {
					t.Fatalf("orientation %d: (%d,%d) = %d, want %d", o, x, y, got.pix[y*got.str+x], w)
				}
			}
		}
	}
}

// A flat plane stays flat at every size and filter (weights sum to one,
// edges included), and a resize to the same size changes nothing.
func TestResizeKeepsFlatAndIdentity(t *testing.T) {
	flat := plane{pix: make([]uint8, 301*203), w: 301, h: 203, str: 301}
	for i := range flat.pix {
		flat.pix[i] = 201
	}
	for _, k := range []kernel{triangle, lanczos3} {
		for _, sz := range [][2]int{{120, 81}, {17, 3}, {1, 1}, {602, 406}} {
			out := resize(flat, sz[0], sz[1], k)
			for i, v := range out.pix {
				if v != 201 {
					t.Fatalf("%v → %dx%d: pixel %d is %d", k.support, sz[0], sz[1], i, v)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	noise := plane{pix: make([]uint8, 64*48), w: 64, h: 48, str: 64}
	for i := range noise.pix {
		noise.pix[i] = byte(r.IntN(256))
	}
	for _, k := range []kernel{triangle, lanczos3} {
		out := resize(noise, 64, 48, k)
		for i := range out.pix {
			if out.pix[i] != noise.pix[i] {
				t.Fatalf("same size, filter %v: pixel %d %d → %d", k.support, i, noise.pix[i], out.pix[i])
			}
		}
	}
}
