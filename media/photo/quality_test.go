package photo_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"math"
	"testing"

	"github.com/disintegration/imaging"

	"github.com/ocopvn/ocop/media/mediatest"
	"github.com/ocopvn/ocop/media/photo"
)

// psnr is the peak signal-to-noise ratio of got against want over RGB, in
// dB (the same size).
func psnr(t *testing.T, got, want image.Image) float64 {
	t.Helper()
	g, w := imaging.Clone(got), imaging.Clone(want)
	if g.Bounds() != w.Bounds() {
		t.Fatalf("sizes differ: %v, %v", g.Bounds(), w.Bounds())
	}
	var se float64
	for i := range g.Pix {
		if i%4 == 3 {
			continue
		}
		d := float64(g.Pix[i]) - float64(w.Pix[i])
		se += d * d
	}
	mse := se / float64(len(g.Pix)/4*3)
	return 10 * math.Log10(255*255/mse)
}

// The JPEG fast path (planes resized as YCbCr) is as faithful as the
// general path: a JPEG and a PNG of its very pixels (which takes the
// general path) give variants of the same sizes, each as close (within
// 0.5 dB) to a reference Lanczos resize of the original pixels, and
// close to each other.
func TestJPEGFastPathQuality(t *testing.T) {
	src := encodeJPEG(t, photoLike(2000, 1500), 90)
	orig, err := jpeg.Decode(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := orig.(*image.YCbCr); !ok {
		t.Fatalf("decoded %T, want *image.YCbCr", orig)
	}
	s := mediatest.NewDisk(t)
	p := photo.New(s, photo.Options{})
	fast, err := p.Process(context.Background(), 42, bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	general, err := p.Process(context.Background(), 42, bytes.NewReader(encodePNG(t, orig)))
	if err != nil {
		t.Fatal(err)
	}
	if sizes(fast) != sizes(general) || sizes(fast) != "320x240 800x600 1600x1200" {
		t.Fatalf("fast path %s, general path %s", sizes(fast), sizes(general))
	}
	for i := range fast {
		f, err := jpeg.Decode(bytes.NewReader(fetch(t, s, fast[i])))
		if err != nil {
			t.Fatal(err)
		}
		g, err := jpeg.Decode(bytes.NewReader(fetch(t, s, general[i])))
		if err != nil {
			t.Fatal(err)
		}
		ref := imaging.Resize(orig, fast[i].Width, fast[i].Height, imaging.Lanczos)
		pf, pg, pfg := psnr(t, f, ref), psnr(t, g, ref), psnr(t, f, g)
		t.Logf("%dx%d: fast %.2f dB, general %.2f dB from the reference; %.2f dB apart; %d and %d bytes",
			fast[i].Width, fast[i].Height, pf, pg, pfg, fast[i].Size, general[i].Size)
		if pf < pg-0.5 || pfg < 35 {
			t.Errorf("%dx%d: fast path %.2f dB, general %.2f dB from the reference, %.2f dB apart", fast[i].Width, fast[i].Height, pf, pg, pfg)
		}
	}
}
