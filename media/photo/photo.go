// Package photo is the product-photo upload pipeline. Process takes the bytes
// a producer uploaded and, in this order:
//
//  1. reads at most MaxBytes+1 bytes and refuses an empty or larger file;
//  2. decides the type from the content (magic bytes, gabriel-vasile/mimetype):
//     JPEG, PNG and WebP only, so SVG, HTML, GIF and polyglots starting with
//     another signature are refused. The file name and the Content-Type the
//     browser sent are never consulted: a PNG named photo.jpg is a PNG and is
//     accepted (SECURITY.md U-02);
//  3. reads only the header (image.DecodeConfig) and refuses more than
//     MaxPixels pixels, a side over MaxSide, or a decoded size over
//     MaxDecodedBytes (16-bit PNGs take 8 bytes a pixel), before any pixel
//     is decoded (U-03);
//  4. decodes the pixels, at most N at a time across the process (a
//     semaphore), so 20 uploads at once cannot exhaust memory;
//  5. applies the JPEG EXIF orientation, then re-encodes, which drops every
//     piece of metadata (EXIF with GPS, ICC, comments) and anything appended
//     after the image (a ZIP, a phone's motion-photo trailer) (U-04);
//  6. makes JPEG variants Widths px wide (never upscaled; an image narrower
//     than 320 px gives one variant at its own width), transparent areas on
//     white, and stores each under a content-addressed key
//     products/<productID>/<sha256 of the JPEG>-<width>.jpg (U-05: keys are
//     server-made). Each size is resized from the next larger one; a JPEG's
//     Y, Cb and Cr planes are resized as they are (resample.go) and encoded
//     without a trip through RGBA, each variant while the next is resized.
//
// WebP variants are not produced: golang.org/x/image has a WebP decoder but
// no encoder, and no pure-Go lossy WebP encoder exists on the module proxy
// (see README.md).
//
// Every refusal is an apperr.Invalid error with a Vietnamese message a
// producer can act on; a refused or failed upload leaves no object behind.
package photo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/disintegration/imaging"
	"github.com/gabriel-vasile/mimetype"
	"golang.org/x/image/webp"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/media"
)

// Limits of an accepted upload.
const (
	MaxBytes        = 15 << 20   // 15 MiB on the wire
	MaxPixels       = 40_000_000 // 40 megapixels
	MaxSide         = 12_000     // px, either side
	MaxDecodedBytes = 4 * MaxPixels
)

// Widths are the variant widths, smallest first.
var Widths = []int{320, 800, 1600}

// DefaultConcurrency is how many images are decoded at once by default.
const DefaultConcurrency = 2

// JPEGQuality of the variants.
const JPEGQuality = 82

// Variant is one stored size of a photo.
type Variant struct {
	Key         string
	Width       int
	Height      int
	Size        int64
	ContentType string
}

// Options configures a Processor.
type Options struct {
	// Concurrency is how many uploads may be decoded and resized at once;
	// 0 means DefaultConcurrency.
	Concurrency int
}

// Processor runs the pipeline and stores the variants in a media.Store. It is
// safe for concurrent use.
type Processor struct {
	store media.Store
	sem   chan struct{}

	// for tests: decodes running now, and the most seen at once
	inFlight, maxInFlight atomic.Int32
}

// New returns a Processor storing into store.
func New(store media.Store, o Options) *Processor {
	n := o.Concurrency
	if n <= 0 {
		n = DefaultConcurrency
	}
	return &Processor{store: store, sem: make(chan struct{}, n)}
}

// Refusals, each an apperr.Invalid with a message for the producer.
var (
	ErrEmpty    = invalid("Tệp ảnh trống (0 byte). Vui lòng chọn lại ảnh.", "empty file")
	ErrTooLarge = invalid("Ảnh quá lớn (tối đa 15 MB). Hãy chụp lại ở chất lượng thấp hơn hoặc thu nhỏ ảnh trước khi tải lên.", "file larger than 15 MiB")
	ErrType     = invalid("Chỉ nhận ảnh JPEG, PNG hoặc WebP.", "only JPEG, PNG and WebP are accepted")
	ErrPixels   = invalid("Ảnh có kích thước quá lớn (tối đa 40 megapixel, mỗi cạnh tối đa 12.000 điểm ảnh). Hãy thu nhỏ ảnh rồi tải lên lại.", "image over 40 megapixels or 12,000 px a side")
	ErrDepth    = invalid("Ảnh 16-bit quá lớn để xử lý (tối đa 20 megapixel với ảnh 16-bit). Hãy lưu ảnh ở dạng JPEG hoặc PNG 8-bit rồi tải lên lại.", "decoded image would exceed the memory limit")
	ErrCorrupt  = invalid("Ảnh bị hỏng hoặc chưa tải lên hết. Vui lòng chọn lại ảnh.", "image data is corrupt or truncated")
)

func invalid(vi, en string) *apperr.Error { return apperr.E(apperr.Invalid, vi, en) }

// formats maps an accepted sniffed type to the name image.DecodeConfig uses.
var formats = map[string]string{"image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp"}

// Process checks, normalises and stores one uploaded photo of a product and
// returns its variants, smallest first. Errors: Invalid (the refusals above),
// Unavailable (the store is down; nothing is left stored), the context's
// error, Internal.
func (p *Processor) Process(ctx context.Context, productID int64, r io.Reader) ([]Variant, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("photo.Process(product %d): %w", productID, err)
	}
	return p.ProcessBytes(ctx, productID, data)
}

// ProcessBytes is Process on an upload already in memory (Fiber buffers
// request bodies), without a second copy. data is not modified or kept.
func (p *Processor) ProcessBytes(ctx context.Context, productID int64, data []byte) (_ []Variant, err error) {
	if productID <= 0 {
		return nil, fmt.Errorf("photo.Process: bad product id %d", productID)
	}
	return p.ProcessUnder(ctx, "products/"+strconv.FormatInt(productID, 10)+"/", data)
}

// ProcessUnder is ProcessBytes storing the variants under prefix (which
// must end in "/"), e.g. "producers/7/logo/" for a producer's logo.
func (p *Processor) ProcessUnder(ctx context.Context, prefix string, data []byte) (_ []Variant, err error) {
	defer apperr.Wrap(&err, "photo.Process(%s)", prefix)
	if !strings.HasSuffix(prefix, "/") || !media.ValidPrefix(prefix) {
		return nil, fmt.Errorf("bad key prefix %q", prefix)
	}
	img, err := p.decode(ctx, data)
	if err != nil {
		return nil, err
	}

	variants, blobs, err := p.variants(ctx, img)
	if err != nil {
		return nil, err
	}
	var stored []string
	for i := range variants {
		sum := sha256.Sum256(blobs[i])
		variants[i].Key = prefix + hex.EncodeToString(sum[:]) + "-" + strconv.Itoa(variants[i].Width) + ".jpg"
		// The key names the bytes: an object already there is this very
		// variant (the same photo uploaded before). Keep it, and never delete
		// it on a later failure, since an earlier upload refers to it.
		exists, err := p.exists(ctx, variants[i].Key)
		if err == nil && exists {
			continue
		}
		if err == nil {
			err = p.store.Put(ctx, variants[i].Key, bytes.NewReader(blobs[i]), int64(len(blobs[i])), "image/jpeg")
		}
		if err != nil {
			// leave nothing behind: remove what this upload stored
			cctx := context.WithoutCancel(ctx)
			for _, k := range stored {
				_ = p.store.Delete(cctx, k)
			}
			return nil, err
		}
		stored = append(stored, variants[i].Key)
	}
	return variants, nil
}

// exists reports whether the store holds key.
func (p *Processor) exists(ctx context.Context, key string) (bool, error) {
	rc, err := p.store.Open(ctx, key)
	if err == nil {
		rc.Close()
		return true, nil
	}
	if apperr.KindOf(err) == apperr.NotFound {
		return false, nil
	}
	return false, err
}

// Check runs the refusals that need no pixel decoding (size, type, header)
// and returns the format and dimensions.
func Check(data []byte) (format string, cfg image.Config, err error) {
	if len(data) == 0 {
		return "", cfg, ErrEmpty
	}
	if len(data) > MaxBytes {
		return "", cfg, ErrTooLarge
	}
	format, ok := formats[mimetype.Detect(data).String()]
	if !ok {
		return "", cfg, ErrType
	}
	// The header decoder must agree with the sniffer: a file that sniffs as
	// one format and parses as another is refused.
	cfg, got, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || got != format {
		return "", cfg, ErrCorrupt
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return "", cfg, ErrCorrupt
	}
	if cfg.Width > MaxSide || cfg.Height > MaxSide || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return "", cfg, ErrPixels
	}
	if int64(cfg.Width)*int64(cfg.Height)*bytesPerPixel(cfg.ColorModel) > MaxDecodedBytes {
		return "", cfg, ErrDepth
	}
	return format, cfg, nil
}

// bytesPerPixel is what the stdlib decoders allocate per pixel for a model.
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	case color.Gray16Model:
		return 2
	case color.GrayModel, color.AlphaModel, color.Alpha16Model:
		return 1
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 4 // RGBA, NRGBA, YCbCr (≤3), CMYK
}

// decode runs Check, then decodes the pixels under the semaphore and applies
// the EXIF orientation. The semaphore is released by variants.
func (p *Processor) decode(ctx context.Context, data []byte) (img image.Image, err error) {
	format, cfg, err := Check(data)
	if err != nil {
		return nil, err
	}
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	n := p.inFlight.Add(1)
	for {
		m := p.maxInFlight.Load()
		if n <= m || p.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	defer func() {
		if err != nil {
			p.release()
		}
	}()
	defer func() {
		if r := recover(); r != nil { // a decoder bug must not take the server down
			img, err = nil, ErrCorrupt
		}
	}()
	rd := bytes.NewReader(data)
	switch format {
	case "jpeg":
		img, err = jpeg.Decode(rd)
	case "png":
		img, err = png.Decode(rd)
	case "webp":
		img, err = webp.Decode(rd)
	}
	if err != nil {
		return nil, ErrCorrupt
	}
	if b := img.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, ErrCorrupt
	}
	if format == "jpeg" {
		img = &oriented{Image: img, o: jpegOrientation(data)}
	}
	return img, nil
}

func (p *Processor) release() {
	p.inFlight.Add(-1)
	<-p.sem
}

// oriented is a decoded image with the EXIF orientation still to apply; the
// rotation is done on the small variants, not on the full-size pixels.
type oriented struct {
	image.Image
	o int
}

// variants resizes img to each width and encodes JPEGs, then releases the
// decode slot.
func (p *Processor) variants(ctx context.Context, img image.Image) (vs []Variant, blobs [][]byte, err error) {
	defer p.release()
	orient := 1
	if o, ok := img.(*oriented); ok {
		img, orient = o.Image, o.o
	}
	// a JPEG of even width and height takes the fast path (phone cameras
	// write even sizes); with an odd side, a flip would shift the
	// half-resolution colour planes by a pixel against the brightness
	if m, ok := img.(*image.YCbCr); ok && m.Rect.Dx()%2 == 0 && m.Rect.Dy()%2 == 0 {
		if planes, ok := ycbcrPlanes(m); ok {
			return variantsYUV(ctx, planes, orient)
		}
	}
	swap := orient >= 5 && orient <= 8 // 90° turns swap width and height
	b := img.Bounds()
	outW := b.Dx()
	if swap {
		outW = b.Dy()
	}
	src := img
	// The first step, from the full-size decode, uses a triangle filter
	// (scaled to the reduction, so it still antialiases): about half the time
	// of Lanczos on a 12 MP photo. The later, small steps use Lanczos.
	filter := imaging.Linear
	done := map[int]bool{}
	// largest first, each from the previous one: cheaper and as sharp
	for i := len(Widths) - 1; i >= 0; i-- {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		w := min(Widths[i], outW)
		if done[w] {
			continue
		}
		done[w] = true
		var small image.Image = src
		sb := src.Bounds()
		if swap {
			if sb.Dy() != w {
				small = imaging.Resize(src, 0, w, filter)
			}
		} else if sb.Dx() != w {
			small = imaging.Resize(src, w, 0, filter)
		}
		src, filter = small, imaging.Lanczos
		out := flatten(applyOrientation(small, orient))
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: JPEGQuality}); err != nil {
			return nil, nil, err
		}
		ob := out.Bounds()
		vs = append(vs, Variant{Width: ob.Dx(), Height: ob.Dy(), Size: int64(buf.Len()), ContentType: "image/jpeg"})
		blobs = append(blobs, buf.Bytes())
	}
	// smallest first
	for i, j := 0, len(vs)-1; i < j; i, j = i+1, j-1 {
		vs[i], vs[j] = vs[j], vs[i]
		blobs[i], blobs[j] = blobs[j], blobs[i]
	}
	return vs, blobs, nil
}

// applyOrientation turns img as EXIF orientation o says (1 = as stored).
func applyOrientation(img image.Image, o int) image.Image {
	switch o {
	case 2:
		return imaging.FlipH(img)
	case 3:
		return imaging.Rotate180(img)
	case 4:
		return imaging.FlipV(img)
	case 5:
		return imaging.Transpose(img)
	case 6:
		return imaging.Rotate270(img) // 90° clockwise
	case 7:
		return imaging.Transverse(img)
	case 8:
		return imaging.Rotate90(img) // 90° counter-clockwise
	}
	return img
}

// flatten puts img on white, for JPEG has no transparency. Opaque images are
// returned as they are.
func flatten(img image.Image) image.Image {
	if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
		// An opaque NRGBA has RGBA's layout; image/jpeg encodes *image.RGBA
		// on a fast path instead of a slow, allocating At per pixel.
		if n, ok := img.(*image.NRGBA); ok {
			return &image.RGBA{Pix: n.Pix, Stride: n.Stride, Rect: n.Rect}
		}
		return img
	}
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Over)
	return dst
}

// variantsYUV is variants on a JPEG's planes: each size is resized from
// the previous one (the first with the triangle filter, the others with
// Lanczos, as the general path does), turned and encoded while the next
// one is resized.
func variantsYUV(ctx context.Context, src yuv, orient int) ([]Variant, [][]byte, error) {
	swap := orient >= 5 && orient <= 8 // 90° turns swap width and height
	outW := src[0].w
	if swap {
		outW = src[0].h
	}
	vs := make([]Variant, len(Widths))
	blobs := make([][]byte, len(Widths))
	errs := make([]error, len(Widths))
	var wg sync.WaitGroup
	cur, k := src, triangle
	done := map[int]bool{}
	for i := len(Widths) - 1; i >= 0; i-- {
		if err := ctx.Err(); err != nil {
			wg.Wait()
			return nil, nil, err
		}
		w := min(Widths[i], outW)
		if done[w] {
			continue
		}
		done[w] = true
		cw, ch := cur[0].w, cur[0].h
		dw, dh := w, scaled(w, ch, cw)
		if swap {
			dw, dh = scaled(w, cw, ch), w
		}
		cur = resizeYUV(cur, dw, dh, k)
		k = lanczos3
		out := cur.image(orient)
		wg.Go(func() {
			var buf bytes.Buffer
			buf.Grow(out.Rect.Dx() * out.Rect.Dy() / 4)
			if errs[i] = jpeg.Encode(&buf, out, &jpeg.Options{Quality: JPEGQuality}); errs[i] != nil {
				return
			}
			vs[i] = Variant{Width: out.Rect.Dx(), Height: out.Rect.Dy(), Size: int64(buf.Len()), ContentType: "image/jpeg"}
			blobs[i] = buf.Bytes()
		})
	}
	wg.Wait()
	// smallest first, without the widths an image too small left out
	var outVs []Variant
	var outBlobs [][]byte
	for i := range Widths {
		if errs[i] != nil {
			return nil, nil, errs[i]
		}
		if blobs[i] != nil {
			outVs, outBlobs = append(outVs, vs[i]), append(outBlobs, blobs[i])
		}
	}
	return outVs, outBlobs, nil
}

// scaled is n·num/den rounded, at least 1: the other side of a resize
// that keeps the aspect ratio (as imaging.Resize computes it).
func scaled(n, num, den int) int {
	return max(1, int(math.Floor(float64(n)*float64(num)/float64(den)+0.5)))
}
