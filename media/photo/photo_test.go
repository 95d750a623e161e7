package photo_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/mediatest"
	"github.com/ocopvn/ocop/media/miniomedia"
	"github.com/ocopvn/ocop/media/photo"
)

// backends runs f against local disk and against the real MinIO server
// (skipped with a message without OCOP_TEST_MINIO_ENDPOINT, failed under
// OCOP_TEST_REQUIRE_DB=1).
func backends(t *testing.T, f func(t *testing.T, s media.Store)) {
	t.Run("disk", func(t *testing.T) { f(t, mediatest.NewDisk(t)) })
	t.Run("minio", func(t *testing.T) { f(t, mediatest.NewMinIO(t)) })
}

var keyRE = regexp.MustCompile(`^products/42/([0-9a-f]{64})-([0-9]+)\.jpg$`)

func TestHostileUploadsRefused(t *testing.T) {
	lotsOfPixels := pixelBombPNG(50_000, 50_000)
	png16 := zeroPNG16(t, 10_000, 5_000)
	t.Logf("generated: 50,000×50,000 PNG bomb %d bytes; 16-bit 10,000×5,000 PNG %d bytes", len(lotsOfPixels), len(png16))
	good := encodeJPEG(t, noise(640, 480, 1), 90)

	cases := []struct {
		name string
		data []byte
		want error
	}{
		{"pixel bomb PNG header 50000x50000", lotsOfPixels, photo.ErrPixels},
		{"50 MP grayscale PNG 10000x5000", pixelBombPNG(10_000, 5_000), photo.ErrPixels},
		{"16-bit RGBA 50 MP PNG (400 MB decoded)", png16, photo.ErrPixels},
		{"16-bit RGBA 25 MP PNG (200 MB decoded)", zeroPNG16(t, 5_000, 5_000), photo.ErrDepth},
		{"JPEG header claiming 64250x64250", lottaPixelJPEG(t, 64250, 64250), photo.ErrPixels},
		{"JPEG header claiming 12001x100", lottaPixelJPEG(t, 12001, 100), photo.ErrPixels},
		{"truncated JPEG", good[:len(good)*6/10], photo.ErrCorrupt},
		{"JPEG cut after the header", good[:600], photo.ErrCorrupt},
		{"SVG with script, named x.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script><animate onbegin="alert(1)" attributeName="x" dur="1s"/></svg>`), photo.ErrType},
		{"SVG with XML prolog", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), photo.ErrType},
		{"HTML named photo.jpg", []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"), photo.ErrType},
		{"GIF/JS polyglot", []byte("GIF89a/*\x0a\x00\x0a\x00\x00\x00\x00;*/=alert(1)//"), photo.ErrType},
		{"real GIF", gifBytes(t), photo.ErrType},
		{"PNG signature followed by HTML", []byte("\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"), photo.ErrCorrupt},
		{"JPEG signature followed by HTML", []byte("\xff\xd8\xff\xe0<html><script>alert(1)</script></html>"), photo.ErrCorrupt},
		{"PDF", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"), photo.ErrType},
		{"ZIP", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00rest of a zip"), photo.ErrType},
		{"0-byte file", nil, photo.ErrEmpty},
		{"16 MB file", append(bytes.Clone(good), make([]byte, 16<<20-len(good))...), photo.ErrTooLarge},
		{"15 MiB + 1 byte", append(bytes.Clone(good), make([]byte, photo.MaxBytes+1-len(good))...), photo.ErrTooLarge},
	}
	backends(t, func(t *testing.T, s media.Store) {
		p := photo.New(s, photo.Options{})
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				start := time.Now()
				vs, err := p.Process(context.Background(), 42, bytes.NewReader(c.data))
				if err == nil {
					t.Fatalf("accepted: %+v", vs)
				}
				if !errors.Is(err, c.want) {
					t.Fatalf("got %v, want %v", err, c.want)
				}
				e := apperr.As(err)
				if e == nil || e.Kind != apperr.Invalid || e.Message == "" {
					t.Fatalf("want an Invalid error with a Vietnamese message, got %#v", err)
				}
				if d := time.Since(start); d > 2*time.Second {
					t.Errorf("refusal took %v", d)
				}
				mediatest.AssertEmpty(t, s)
			})
		}
	})
}

// The pixel-flood guard refuses before decoding: little time and memory
// (SECURITY.md U-03: < 100 ms and < 5 MB allocated, here with room for -race
// and the read buffer).
func TestPixelFloodRefusedCheaply(t *testing.T) {
	for name, data := range map[string][]byte{
		"16-bit 50 MP PNG": zeroPNG16(t, 10_000, 5_000),
		"50 MP gray PNG":   pixelBombPNG(10_000, 5_000),
		"64250² JPEG":      lottaPixelJPEG(t, 64250, 64250),
	} {
		t.Run(name, func(t *testing.T) {
			p := photo.New(mediatest.NewDisk(t), photo.Options{})
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err := p.Process(context.Background(), 1, bytes.NewReader(data))
			elapsed := time.Since(start)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, photo.ErrPixels) {
				t.Fatalf("got %v", err)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d-byte file refused in %v, %d KB allocated", len(data), elapsed, alloc>>10)
			if alloc > 5<<20+3*uint64(len(data)) {
				t.Errorf("allocated %d KB to refuse it", alloc>>10)
			}
			if elapsed > 500*time.Millisecond {
				t.Errorf("took %v to refuse it", elapsed)
			}
		})
	}
}

// Sanity check of the generator: the 16-bit PNG is a real, valid PNG (its
// full decode needs 400 MB, so a smaller one of the same construction is
// decoded).
func TestZeroPNG16IsValid(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(zeroPNG16(t, 300, 200)))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := img.(*image.NRGBA64); !ok || img.Bounds().Dx() != 300 || img.Bounds().Dy() != 200 {
		t.Fatalf("decoded %T %v", img, img.Bounds())
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(zeroPNG16(t, 10_000, 5_000)))
	if err != nil || cfg.Width != 10_000 || cfg.ColorModel != color.NRGBA64Model {
		t.Fatalf("%+v %v", cfg, err)
	}
}

// fetch reads a stored variant back and checks it against its key.
func fetch(t *testing.T, s media.Store, v photo.Variant) []byte {
	t.Helper()
	rc, err := s.Open(context.Background(), v.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	m := keyRE.FindStringSubmatch(v.Key)
	if m == nil {
		t.Fatalf("key %q does not match %s", v.Key, keyRE)
	}
	sum := sha256.Sum256(b)
	if hex.EncodeToString(sum[:]) != m[1] || m[2] != fmt.Sprint(v.Width) || int64(len(b)) != v.Size {
		t.Fatalf("key %q does not address its %d bytes (variant %+v)", v.Key, len(b), v)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || format != "jpeg" || cfg.Width != v.Width || cfg.Height != v.Height {
		t.Fatalf("stored %s %dx%d (%v), variant says %dx%d", format, cfg.Width, cfg.Height, err, v.Width, v.Height)
	}
	return b
}

func sizes(vs []photo.Variant) string {
	var s []string
	for _, v := range vs {
		s = append(s, fmt.Sprintf("%dx%d", v.Width, v.Height))
	}
	return strings.Join(s, " ")
}

func TestVariants(t *testing.T) {
	webp, err := os.ReadFile("testdata/blue-purple-pink-large.normal-filter.lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	alpha := image.NewNRGBA(image.Rect(0, 0, 400, 300)) // fully transparent
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"JPEG 1700x1000", encodeJPEG(t, gradient(1700, 1000, 7), 90), "320x188 800x471 1600x941"},
		{"JPEG 1000x500 is not upscaled", encodeJPEG(t, gradient(1000, 500, 8), 90), "320x160 800x400 1000x500"},
		{"JPEG 300x200 gives one variant", encodeJPEG(t, noise(300, 200, 9), 90), "300x200"},
		{"PNG named photo.jpg is accepted by its content", encodePNG(t, gradient(900, 600, 10)), "320x213 800x533 900x600"},
		{"transparent PNG goes on white", encodePNG(t, alpha), "320x240 400x300"},
		{"WebP 600x400", webp, "320x213 600x400"},
		{"tall JPEG 600x2400", encodeJPEG(t, gradient(600, 2400, 11), 85), "320x1280 600x2400"},
	}
	backends(t, func(t *testing.T, s media.Store) {
		p := photo.New(s, photo.Options{})
		total := 0
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				vs, err := p.Process(context.Background(), 42, bytes.NewReader(c.data))
				if err != nil {
					t.Fatal(err)
				}
				if got := sizes(vs); got != c.want {
					t.Fatalf("variants %s, want %s", got, c.want)
				}
				for _, v := range vs {
					b := fetch(t, s, v)
					if c.name == "transparent PNG goes on white" {
						img, _ := jpeg.Decode(bytes.NewReader(b))
						if r, g, bl, _ := img.At(10, 10).RGBA(); r>>8 < 250 || g>>8 < 250 || bl>>8 < 250 {
							t.Errorf("transparent area is %v, want white", img.At(10, 10))
						}
					}
				}
				total += len(vs)
			})
		}
		objs, err := s.List(context.Background(), "products/42/")
		if err != nil || len(objs) != total {
			t.Fatalf("store holds %d objects (%v), want %d", len(objs), err, total)
		}
	})
}

// U-04: GPS EXIF, orientation 6, a 1 MB comment and an appended ZIP. The
// stored variants carry none of them and are turned upright.
func TestMetadataStrippedAndOriented(t *testing.T) {
	src := exifJPEG(t, halves(1200, 600), 6) // stored landscape, displayed portrait
	if o := photo.JPEGOrientation(src); o != 6 {
		t.Fatalf("generator: orientation %d", o)
	}
	zip := []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00evil.html<script>alert(1)</script>PK\x05\x06")
	withZip := append(bytes.Clone(src), zip...)
	if !bytes.Contains(src, []byte(gpsSecret)) || !bytes.Contains(src, []byte(commentSecret)) {
		t.Fatal("generator lost its markers")
	}
	backends(t, func(t *testing.T, s media.Store) {
		p := photo.New(s, photo.Options{})
		vs, err := p.Process(context.Background(), 42, bytes.NewReader(withZip))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := sizes(vs), "320x640 600x1200"; got != want {
			t.Fatalf("variants %s, want %s (width and height swapped)", got, want)
		}
		for _, v := range vs {
			b := fetch(t, s, v)
			for _, bad := range [][]byte{[]byte("Exif"), []byte(gpsSecret), []byte(commentSecret), []byte("PK\x03\x04"), []byte("<script"), {0xFF, 0xE1}} {
				if bytes.Contains(b, bad) {
					t.Errorf("%s still contains %q", v.Key, bad)
				}
			}
			if photo.JPEGOrientation(b) != 1 {
				t.Errorf("%s keeps an orientation", v.Key)
			}
			img, err := jpeg.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			// the stored left half (red) is the displayed top
			w, h := img.Bounds().Dx(), img.Bounds().Dy()
			top, bottom := img.At(w/2, h/8), img.At(w/2, h*7/8)
			if !reddish(top) || !bluish(bottom) {
				t.Errorf("%s: top %v, bottom %v; want red on top, blue below", v.Key, top, bottom)
			}
		}
	})
}

func reddish(c color.Color) bool { r, g, b, _ := c.RGBA(); return r>>8 > 200 && g>>8 < 60 && b>>8 < 60 }
func bluish(c color.Color) bool  { r, g, b, _ := c.RGBA(); return b>>8 > 200 && r>>8 < 60 && g>>8 < 60 }

func TestOrientations(t *testing.T) {
	// For each EXIF orientation, where the stored left half (red) ends up.
	want := map[uint16]string{1: "left", 2: "right", 3: "right", 4: "left", 5: "top", 6: "top", 7: "bottom", 8: "bottom"}
	s := mediatest.NewDisk(t)
	p := photo.New(s, photo.Options{})
	for o := uint16(1); o <= 8; o++ {
		vs, err := p.Process(context.Background(), 42, bytes.NewReader(exifJPEG(t, halves(400, 200), o)))
		if err != nil {
			t.Fatal(err)
		}
		img, err := jpeg.Decode(bytes.NewReader(fetch(t, s, vs[len(vs)-1])))
		if err != nil {
			t.Fatal(err)
		}
		w, h := img.Bounds().Dx(), img.Bounds().Dy()
		var got string
		switch {
		case reddish(img.At(w/8, h/2)) && bluish(img.At(w*7/8, h/2)):
			got = "left"
		case reddish(img.At(w*7/8, h/2)) && bluish(img.At(w/8, h/2)):
			got = "right"
		case reddish(img.At(w/2, h/8)) && bluish(img.At(w/2, h*7/8)):
			got = "top"
		case reddish(img.At(w/2, h*7/8)) && bluish(img.At(w/2, h/8)):
			got = "bottom"
		}
		if got != want[o] {
			t.Errorf("orientation %d: red half on the %q, want %q (%dx%d)", o, got, want[o], w, h)
		}
	}
}

// 20 uploads at once: all succeed, at most Concurrency decode at a time,
// every variant lands in the store.
func TestConcurrentUploadsStayWithinSemaphore(t *testing.T) {
	const n = 20
	inputs := make([][]byte, n)
	for i := range inputs {
		inputs[i] = encodeJPEG(t, gradient(800, 500, i), 85)
	}
	backends(t, func(t *testing.T, s media.Store) {
		p := photo.New(s, photo.Options{Concurrency: 2})
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				_, errs[i] = p.Process(context.Background(), 42, bytes.NewReader(inputs[i]))
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("upload %d: %v", i, err)
			}
		}
		if m := p.MaxInFlight(); m < 1 || m > 2 {
			t.Errorf("%d decodes ran at once, want at most 2", m)
		}
		objs, err := s.List(context.Background(), "products/42/")
		if err != nil || len(objs) != 2*n {
			t.Fatalf("store holds %d objects (%v), want %d", len(objs), err, 2*n)
		}
		t.Logf("%d uploads, at most %d decoding at once, %d objects stored", n, p.MaxInFlight(), len(objs))
	})
}

// failingStore fails the nth Put.
type failingStore struct {
	media.Store
	mu   sync.Mutex
	puts int
	n    int
}

func (f *failingStore) Put(ctx context.Context, key string, r io.Reader, size int64, ct string) error {
	f.mu.Lock()
	f.puts++
	fail := f.puts == f.n
	f.mu.Unlock()
	if fail {
		return &apperr.Error{Kind: apperr.Unavailable, Message: "down", Err: errors.New("injected")}
	}
	return f.Store.Put(ctx, key, r, size, ct)
}

// A store failure part-way leaves nothing behind (the variants already put
// are deleted) and keeps its Unavailable kind (503).
func TestStoreFailureLeavesNothing(t *testing.T) {
	backends(t, func(t *testing.T, s media.Store) {
		p := photo.New(&failingStore{Store: s, n: 3}, photo.Options{})
		_, err := p.Process(context.Background(), 42, bytes.NewReader(encodeJPEG(t, gradient(1700, 1000, 5), 90)))
		if apperr.KindOf(err) != apperr.Unavailable {
			t.Fatalf("got %v, want Unavailable", err)
		}
		mediatest.AssertEmpty(t, s)
	})
}

// MinIO down: the upload fails with Unavailable (503), quickly.
func TestMinIODownIsUnavailable(t *testing.T) {
	s, err := miniomedia.NewUnchecked(miniomedia.Options{Endpoint: "127.0.0.1:1", AccessKey: "a", SecretKey: "b", Bucket: "ocop-down", MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = photo.New(s, photo.Options{}).Process(ctx, 42, bytes.NewReader(encodeJPEG(t, noise(500, 400, 6), 90)))
	if apperr.KindOf(err) != apperr.Unavailable {
		t.Fatalf("got %v, want Unavailable", err)
	}
}

// A canceled request does not wait for a decode slot.
func TestCanceledWhileWaitingForSlot(t *testing.T) {
	s := mediatest.NewDisk(t)
	p := photo.New(s, photo.Options{Concurrency: 1})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := p.Process(ctx, 42, bytes.NewReader(encodeJPEG(t, noise(500, 400, 6), 90)))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	mediatest.AssertEmpty(t, s)
}

func gifBytes(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := gif.Encode(&buf, noise(20, 20, 4), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The same photo uploaded twice gives the same keys; the second upload finds
// its variants stored and puts nothing, so even a store that fails every Put
// cannot make it delete objects the first upload refers to.
func TestSamePhotoTwiceKeepsTheFirst(t *testing.T) {
	backends(t, func(t *testing.T, s media.Store) {
		src := encodeJPEG(t, gradient(1700, 1000, 3), 90)
		first, err := photo.New(s, photo.Options{}).Process(context.Background(), 42, bytes.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		again, err := photo.New(&failingStore{Store: s, n: 1}, photo.Options{}).Process(context.Background(), 42, bytes.NewReader(src))
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(first) != fmt.Sprint(again) {
			t.Fatalf("first %v, again %v", first, again)
		}
		for _, v := range first {
			fetch(t, s, v)
		}
		// a different photo failing part-way removes only its own objects
		_, err = photo.New(&failingStore{Store: s, n: 3}, photo.Options{}).Process(context.Background(), 42, bytes.NewReader(encodeJPEG(t, gradient(1700, 1000, 4), 90)))
		if apperr.KindOf(err) != apperr.Unavailable {
			t.Fatalf("got %v", err)
		}
		objs, _ := s.List(context.Background(), "")
		if len(objs) != len(first) {
			t.Fatalf("store holds %v, want only the first photo's %d variants", objs, len(first))
		}
	})
}
