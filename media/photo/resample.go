package photo

import (
	"image"
	"math"
	"runtime"
	"sync"
)

// The fast path for JPEG uploads (almost all phone photos): the decoder's
// Y, Cb and Cr planes are resized as they are, each 8-bit plane on its own,
// and the result stays YCbCr, which image/jpeg encodes without a colour
// conversion. The general path (imaging on NRGBA) converts every pixel to
// RGBA and back and resizes four channels at full resolution; here a 4:2:0
// photo has 1.5 samples a pixel to resize. The filters are the ones the
// general path uses (triangle, then Lanczos-3), scaled to the reduction so
// they antialias.

// plane is one 8-bit channel, w×h, rows stride apart.
type plane struct {
	pix       []uint8
	w, h, str int
}

// kernel is a resampling filter: support radius at scale 1 and its weight.
type kernel struct {
	support float64
	at      func(x float64) float64
}

var (
	triangle = kernel{1, func(x float64) float64 {
		x = math.Abs(x)
		if x < 1 {
			return 1 - x
		}
		return 0
	}}
	lanczos3 = kernel{3, func(x float64) float64 {
		x = math.Abs(x)
		if x == 0 {
			return 1
		}
		if x < 3 {
			px := math.Pi * x
			return 3 * math.Sin(px) * math.Sin(px/3) / (px * px)
		}
		return 0
	}}
)

// weightBits is the fixed-point precision of the weights.
const weightBits = 14

// taps are the source indexes and weights of each destination index.
type taps struct {
	start []int   // first source index of dst i
	n     int     // taps per dst index (padded with zero weights)
	w     []int32 // len(start)*n weights, summing to 1<<weightBits
}

// weights precomputes the taps resampling srcN samples to dstN with k.
// Sample i covers [i, i+1); centres map linearly, so planes of different
// resolutions (chroma) line up.
func weights(dstN, srcN int, k kernel) taps {
	scale := float64(srcN) / float64(dstN)
	blur := max(scale, 1)
	r := k.support * blur
	n := min(int(math.Ceil(2*r))+1, srcN)
	t := taps{start: make([]int, dstN), n: n, w: make([]int32, dstN*n)}
	fw := make([]float64, n)
	for i := range dstN {
		c := (float64(i)+0.5)*scale - 0.5
		lo := int(math.Ceil(c - r))
		// clamp the window into the source, keeping its length
		lo = max(0, min(lo, srcN-n))
		sum := 0.0
		for j := range n {
			s := lo + j
			v := 0.0
			if s >= 0 && s < srcN {
				v = k.at((float64(s) - c) / blur)
			}
			fw[j] = v
			sum += v
		}
		t.start[i] = lo
		ws := t.w[i*n : (i+1)*n]
		var acc int32
		best := 0
		for j := range n {
			ws[j] = int32(math.Round(fw[j] / sum * (1 << weightBits)))
			acc += ws[j]
			if fw[j] > fw[best] {
				best = j
			}
		}
		ws[best] += 1<<weightBits - acc // exact sum: flat areas stay flat
	}
	return t
}

func clamp8(v int32) uint8 {
	v = (v + 1<<(weightBits-1)) >> weightBits
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// parallel runs f over [0, n) split into one chunk per CPU.
func parallel(n int, f func(lo, hi int)) {
	procs := min(runtime.GOMAXPROCS(0), max(n/64, 1))
	if procs <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for p := range procs {
		lo, hi := n*p/procs, n*(p+1)/procs
		wg.Go(func() { f(lo, hi) })
	}
	wg.Wait()
}

// resize resamples src to w×h with k: vertically into an h-row
// intermediate, then horizontally. (Vertical first: its inner loop runs
// along rows, so the pass over the full-size source is the cheap one.)
func resize(src plane, w, h int, k kernel) plane {
	tmp := src
	if h != src.h {
		tmp = plane{pix: make([]uint8, src.w*h), w: src.w, h: h, str: src.w}
		ty := weights(h, src.h, k)
		parallel(h, func(lo, hi int) {
			acc := make([]int32, src.w)
			for y := lo; y < hi; y++ {
				clear(acc)
				ws := ty.w[y*ty.n : (y+1)*ty.n]
				for j, wt := range ws {
					if wt == 0 {
						continue
					}
					r := (ty.start[y] + j) * src.str
					row := src.pix[r : r+src.w]
					acc := acc[:len(row)]
					for x, v := range row {
						acc[x] += wt * int32(v)
					}
				}
				out := tmp.pix[y*src.w : (y+1)*src.w]
				for x, v := range acc {
					out[x] = clamp8(v)
				}
			}
		})
	}
	if w == tmp.w {
		if tmp.str == w && len(tmp.pix) == w*tmp.h {
			return tmp
		}
		out := plane{pix: make([]uint8, w*tmp.h), w: w, h: tmp.h, str: w}
		for y := range tmp.h {
			copy(out.pix[y*w:(y+1)*w], tmp.pix[y*tmp.str:y*tmp.str+w])
		}
		return out
	}
	dst := plane{pix: make([]uint8, w*h), w: w, h: h, str: w}
	tx := weights(w, tmp.w, k)
	n := tx.n
	parallel(h, func(lo, hi int) {
		for y := lo; y < hi; y++ {
			row := tmp.pix[y*tmp.str : y*tmp.str+tmp.w]
			out := dst.pix[y*w : (y+1)*w]
			for x := range out {
				ws := tx.w[x*n : (x+1)*n]
				st := tx.start[x]
				s := row[st : st+len(ws)]
				var acc int32
				for j, wt := range ws {
					acc += wt * int32(s[j])
				}
				out[x] = clamp8(acc)
			}
		}
	})
	return dst
}

// yuv is a YCbCr image as its three planes: the decoder's (any layout
// ycbcrPlanes accepts), or 4:2:0 once resized: chroma at half the width
// and height, rounded up, as image.YCbCr lays it out. (The JPEG encoder
// writes 4:2:0 anyway; resizing chroma straight to that size is half the
// chroma work of resizing it to full size and letting the encoder average
// it down, and no worse a filter.)
type yuv [3]plane

// ycbcrPlanes returns m's planes, or false for a layout the fast path does
// not handle (then the general path runs).
func ycbcrPlanes(m *image.YCbCr) (yuv, bool) {
	b := m.Rect
	if b.Min != (image.Point{}) {
		return yuv{}, false
	}
	w, h := b.Dx(), b.Dy()
	cw, ch := w, h
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio444:
	case image.YCbCrSubsampleRatio422:
		cw = (w + 1) / 2
	case image.YCbCrSubsampleRatio420:
		cw, ch = (w+1)/2, (h+1)/2
	case image.YCbCrSubsampleRatio440:
		ch = (h + 1) / 2
	default:
		return yuv{}, false
	}
	if len(m.Y) < (h-1)*m.YStride+w || len(m.Cb) < (ch-1)*m.CStride+cw || len(m.Cr) < (ch-1)*m.CStride+cw {
		return yuv{}, false
	}
	return yuv{
		{pix: m.Y, w: w, h: h, str: m.YStride},
		{pix: m.Cb, w: cw, h: ch, str: m.CStride},
		{pix: m.Cr, w: cw, h: ch, str: m.CStride},
	}, true
}

// resizeYUV resizes the planes to a 4:2:0 w×h image.
func resizeYUV(src yuv, w, h int, k kernel) yuv {
	var out yuv
	for i := range src {
		pw, ph := w, h
		if i > 0 {
			pw, ph = (w+1)/2, (h+1)/2
		}
		if src[i].w == pw && src[i].h == ph {
			out[i] = src[i]
			continue
		}
		out[i] = resize(src[i], pw, ph, k)
	}
	return out
}

// orient turns a plane as EXIF orientation o says (1 = as stored).
func orient(p plane, o int) plane {
	if o < 2 || o > 8 {
		return p
	}
	w, h := p.w, p.h
	ow, oh := w, h
	if o >= 5 {
		ow, oh = h, w
	}
	out := plane{pix: make([]uint8, ow*oh), w: ow, h: oh, str: ow}
	// out(x, y) is p.pix[off + x*ax + y*ay]
	last, str := (h-1)*p.str, p.str
	var off, ax, ay int
	switch o {
	case 2: // mirrored: src(w-1-x, y)
		off, ax, ay = w-1, -1, str
	case 3: // 180°: src(w-1-x, h-1-y)
		off, ax, ay = last+w-1, -1, -str
	case 4: // upside down mirrored: src(x, h-1-y)
		off, ax, ay = last, 1, -str
	case 5: // transposed: src(y, x)
		off, ax, ay = 0, str, 1
	case 6: // 90° clockwise: src(y, h-1-x)
		off, ax, ay = last, -str, 1
	case 7: // transverse: src(w-1-y, h-1-x)
		off, ax, ay = last+w-1, -str, -1
	case 8: // 90° counter-clockwise: src(w-1-y, x)
		off, ax, ay = w-1, str, -1
	}
	for y := range oh {
		row := out.pix[y*ow : (y+1)*ow]
		i := off + y*ay
		for x := range row {
			row[x] = p.pix[i]
			i += ax
		}
	}
	return out
}

// image returns resized (4:2:0) planes as an *image.YCbCr (sharing them),
// turned by EXIF orientation o. Turning the chroma planes with the luma
// keeps them 4:2:0: a quarter turn swaps both planes' sides.
func (m yuv) image(o int) *image.YCbCr {
	y, cb, cr := orient(m[0], o), orient(m[1], o), orient(m[2], o)
	return &image.YCbCr{Y: y.pix, Cb: cb.pix, Cr: cr.pix, YStride: y.str, CStride: cb.str,
		SubsampleRatio: image.YCbCrSubsampleRatio420, Rect: image.Rect(0, 0, y.w, y.h)}
}
