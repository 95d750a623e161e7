package seed

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"strings"
	"sync"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// The demo photos are drawn, not downloaded: 800×600 (the cards' 4:3),
// a colour and a pattern per product group, a motif per group family,
// and the product's name on a band that says the picture is
// illustrative. DejaVu Sans (github.com/go-fonts/dejavu, a Go module
// that embeds the font) is used because it draws every Vietnamese letter;
// the Go fonts of golang.org/x/image do not.
const (
	photoW = 800
	photoH = 600
)

// palette is the colour of each group family (level 1: I…VI): a light
// and a deep tone.
var palette = map[string][2]color.RGBA{
	"I":   {{0xfd, 0xe6, 0xc4, 0xff}, {0xc2, 0x5e, 0x12, 0xff}}, // food: harvest orange
	"II":  {{0xd6, 0xe9, 0xf8, 0xff}, {0x1f, 0x5f, 0x9e, 0xff}}, // drinks: water blue
	"III": {{0xdc, 0xf2, 0xdc, 0xff}, {0x2e, 0x7d, 0x32, 0xff}}, // herbs: leaf green
	"IV":  {{0xf1, 0xe2, 0xd3, 0xff}, {0x7a, 0x4a, 0x24, 0xff}}, // crafts: clay brown
	"V":   {{0xfb, 0xdf, 0xea, 0xff}, {0xad, 0x2f, 0x67, 0xff}}, // flowers: petal pink
	"VI":  {{0xd3, 0xf0, 0xee, 0xff}, {0x13, 0x6f, 0x6a, 0xff}}, // tourism: river teal
}

var (
	// drawMu serialises drawing: fonts and faces of golang.org/x/image
	// cache glyphs and are not safe for concurrent use
	drawMu           sync.Mutex
	faceOnce         sync.Once
	nameFace, small  font.Face
	errFace          error
	boldTTF, sansTTF = dejavusansbold.TTF, dejavusans.TTF
)

func faces() (font.Face, font.Face, error) {
	faceOnce.Do(func() {
		b, err := opentype.Parse(boldTTF)
		if err != nil {
			errFace = err
			return
		}
		r, err := opentype.Parse(sansTTF)
		if err != nil {
			errFace = err
			return
		}
		if nameFace, errFace = opentype.NewFace(b, &opentype.FaceOptions{Size: 38, DPI: 72, Hinting: font.HintingFull}); errFace != nil {
			return
		}
		small, errFace = opentype.NewFace(r, &opentype.FaceOptions{Size: 22, DPI: 72, Hinting: font.HintingFull})
	})
	return nameFace, small, errFace
}

// DemoPhoto draws the illustrative photo of a demo product of group (a
// leaf code such as "I.5.a") and star (0 when unknown), as a JPEG.
func DemoPhoto(name, group string, star int) ([]byte, error) {
	drawMu.Lock()
	defer drawMu.Unlock()
	nf, sf, err := faces()
	if err != nil {
		return nil, err
	}
	family, _, _ := strings.Cut(group, ".")
	pal, ok := palette[family]
	if !ok {
		pal = palette["I"]
	}
	light, deep := pal[0], pal[1]
	img := image.NewRGBA(image.Rect(0, 0, photoW, photoH))
	// a gradient from the light tone to a mix of both
	for y := range photoH {
		t := float64(y) / photoH * 0.35
		c := mix(light, deep, t)
		draw.Draw(img, image.Rect(0, y, photoW, y+1), image.NewUniform(c), image.Point{}, draw.Src)
	}
	h := hash(group)
	pattern(img, int(h%3), withAlpha(deep, 0x22))
	shape := family
	if strings.HasPrefix(group, "I.5") {
		shape = "III" // tea: a leaf
	}
	motif(img, shape, deep, light)

	// the band: name in up to two lines, then what the picture is
	band := image.Rect(40, 400, photoW-40, photoH-30)
	fill(img, roundRect(band, 18), color.NRGBA{0xff, 0xff, 0xff, 0xee})
	lines := wrap(nf, name, band.Dx()-48, 2)
	y := band.Min.Y + 52
	if len(lines) == 1 {
		y += 18
	}
	for _, l := range lines {
		text(img, nf, l, band.Min.X+24, y, color.RGBA{0x1f, 0x1f, 0x1f, 0xff})
		y += 46
	}
	label := "Ảnh minh hoạ · OCOP"
	if star >= 3 && star <= 5 {
		label += " " + strings.Repeat("★", star)
	}
	text(img, sf, label, band.Min.X+24, band.Max.Y-18, deep)

	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 88}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func mix(a, b color.RGBA, t float64) color.RGBA {
	f := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), 0xff}
}

func withAlpha(c color.RGBA, a uint8) color.Color {
	return color.NRGBA{c.R, c.G, c.B, a}
}

// pattern draws one of three background patterns: diagonal stripes, a
// grid of dots, or waves.
func pattern(img *image.RGBA, kind int, c color.Color) {
	z := vector.NewRasterizer(photoW, photoH)
	switch kind {
	case 0:
		for x := -photoH; x < photoW; x += 48 {
			z.MoveTo(float32(x), photoH)
			z.LineTo(float32(x+photoH), 0)
			z.LineTo(float32(x+photoH+16), 0)
			z.LineTo(float32(x+16), photoH)
			z.ClosePath()
		}
	case 1:
		for y := 24; y < photoH; y += 48 {
			for x := 24 + (y/48%2)*24; x < photoW; x += 48 {
				circle(z, float32(x), float32(y), 7)
			}
		}
	default:
		for y := 30; y < photoH; y += 56 {
			z.MoveTo(0, float32(y))
			for x := 0; x < photoW; x += 80 {
				z.QuadTo(float32(x+20), float32(y-18), float32(x+40), float32(y))
				z.QuadTo(float32(x+60), float32(y+18), float32(x+80), float32(y))
			}
			z.LineTo(photoW, float32(y+10))
			for x := photoW; x > 0; x -= 80 {
				z.QuadTo(float32(x-20), float32(y+28), float32(x-40), float32(y+10))
				z.QuadTo(float32(x-60), float32(y-8), float32(x-80), float32(y+10))
			}
			z.ClosePath()
		}
	}
	z.Draw(img, img.Bounds(), image.NewUniform(c), image.Point{})
}

// motif draws the group family's picture above the band: a fruit for
// food, a bottle for drinks, a leaf for herbs, a vase for crafts, a flower
// for flowers and plants, mountains and a sun for tourism.
func motif(img *image.RGBA, family string, deep, light color.RGBA) {
	cx, cy := float32(photoW/2), float32(205)
	z := vector.NewRasterizer(photoW, photoH)
	accent := mix(deep, color.RGBA{0xff, 0xff, 0xff, 0xff}, 0.35)
	switch family {
	case "II": // a bottle
		z.MoveTo(cx-22, 40)
		z.LineTo(cx+22, 40)
		z.LineTo(cx+22, 120)
		z.QuadTo(cx+80, 140, cx+80, 200)
		z.LineTo(cx+80, 350)
		z.QuadTo(cx+80, 370, cx+60, 370)
		z.LineTo(cx-60, 370)
		z.QuadTo(cx-80, 370, cx-80, 350)
		z.LineTo(cx-80, 200)
		z.QuadTo(cx-80, 140, cx-22, 120)
		z.ClosePath()
		z.Draw(img, img.Bounds(), image.NewUniform(deep), image.Point{})
		fill(img, image.Rect(int(cx)-70, 220, int(cx)+70, 310), light)
	case "III": // a leaf with its vein
		leaf(z, cx, cy, 150, 85)
		z.Draw(img, img.Bounds(), image.NewUniform(deep), image.Point{})
		v := vector.NewRasterizer(photoW, photoH)
		v.MoveTo(cx-150, cy+4)
		v.LineTo(cx+150, cy-2)
		v.LineTo(cx+150, cy+2)
		v.LineTo(cx-150, cy+8)
		v.ClosePath()
		v.Draw(img, img.Bounds(), image.NewUniform(light), image.Point{})
	case "IV": // a vase
		z.MoveTo(cx-40, 50)
		z.LineTo(cx+40, 50)
		z.QuadTo(cx+30, 110, cx+90, 200)
		z.QuadTo(cx+140, 300, cx+60, 370)
		z.LineTo(cx-60, 370)
		z.QuadTo(cx-140, 300, cx-90, 200)
		z.QuadTo(cx-30, 110, cx-40, 50)
		z.ClosePath()
		z.Draw(img, img.Bounds(), image.NewUniform(deep), image.Point{})
		fill(img, image.Rect(int(cx)-95, 215, int(cx)+95, 235), light)
		fill(img, image.Rect(int(cx)-105, 270, int(cx)+105, 285), light)
	case "V": // a flower
		for i := range 6 {
			a := float64(i) * math.Pi / 3
			circle(z, cx+float32(70*math.Cos(a)), cy+float32(70*math.Sin(a)), 58)
		}
		z.Draw(img, img.Bounds(), image.NewUniform(accent), image.Point{})
		c := vector.NewRasterizer(photoW, photoH)
		circle(c, cx, cy, 48)
		c.Draw(img, img.Bounds(), image.NewUniform(deep), image.Point{})
	case "VI": // mountains under a sun
		s := vector.NewRasterizer(photoW, photoH)
		circle(s, cx+150, 110, 50)
		s.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{0xf5, 0xb7, 0x00, 0xff}), image.Point{})
		z.MoveTo(cx-300, 380)
		z.LineTo(cx-110, 120)
		z.LineTo(cx+40, 300)
		z.LineTo(cx+140, 190)
		z.LineTo(cx+300, 380)
		z.ClosePath()
		z.Draw(img, img.Bounds(), image.NewUniform(deep), image.Point{})
	default: // a fruit with a leaf
		circle(z, cx, cy+20, 140)
		z.Draw(img, img.Bounds(), image.NewUniform(deep), image.Point{})
		l := vector.NewRasterizer(photoW, photoH)
		leaf(l, cx+70, 70, 60, 28)
		l.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{0x3f, 0x8f, 0x3a, 0xff}), image.Point{})
		h := vector.NewRasterizer(photoW, photoH)
		circle(h, cx-50, cy-30, 30)
		h.Draw(img, img.Bounds(), image.NewUniform(withAlpha(light, 0x88)), image.Point{})
	}
}

// circle adds a circle of radius r at (x, y) to z (four cubic arcs).
func circle(z *vector.Rasterizer, x, y, r float32) {
	const k = 0.5523 // control distance of a quarter circle
	z.MoveTo(x+r, y)
	z.CubeTo(x+r, y+k*r, x+k*r, y+r, x, y+r)
	z.CubeTo(x-k*r, y+r, x-r, y+k*r, x-r, y)
	z.CubeTo(x-r, y-k*r, x-k*r, y-r, x, y-r)
	z.CubeTo(x+k*r, y-r, x+r, y-k*r, x+r, y)
	z.ClosePath()
}

// leaf adds a leaf of half-length a and half-width b at (x, y) to z.
func leaf(z *vector.Rasterizer, x, y, a, b float32) {
	z.MoveTo(x-a, y+b/4)
	z.QuadTo(x, y-2*b, x+a, y-b/4)
	z.QuadTo(x, y+2*b, x-a, y+b/4)
	z.ClosePath()
}

// roundRect is the path of r with rounded corners of radius rad.
func roundRect(r image.Rectangle, rad float32) *vector.Rasterizer {
	z := vector.NewRasterizer(photoW, photoH)
	x0, y0, x1, y1 := float32(r.Min.X), float32(r.Min.Y), float32(r.Max.X), float32(r.Max.Y)
	z.MoveTo(x0+rad, y0)
	z.LineTo(x1-rad, y0)
	z.QuadTo(x1, y0, x1, y0+rad)
	z.LineTo(x1, y1-rad)
	z.QuadTo(x1, y1, x1-rad, y1)
	z.LineTo(x0+rad, y1)
	z.QuadTo(x0, y1, x0, y1-rad)
	z.LineTo(x0, y0+rad)
	z.QuadTo(x0, y0, x0+rad, y0)
	z.ClosePath()
	return z
}

// fill paints a rectangle, or a path, in c.
func fill(img *image.RGBA, shape any, c color.Color) {
	switch s := shape.(type) {
	case image.Rectangle:
		draw.Draw(img, s, image.NewUniform(c), image.Point{}, draw.Over)
	case *vector.Rasterizer:
		s.Draw(img, img.Bounds(), image.NewUniform(c), image.Point{})
	}
}

func text(img *image.RGBA, f font.Face, s string, x, y int, c color.Color) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: f, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// wrap breaks s into at most n lines of width px at most, the last one
// cut with an ellipsis when the words do not fit.
func wrap(f font.Face, s string, width, n int) []string {
	limit := fixed.I(width)
	var lines []string
	line := ""
	words := strings.Fields(s)
	for i, w := range words {
		next := strings.TrimSpace(line + " " + w)
		if font.MeasureString(f, next) <= limit {
			line = next
			continue
		}
		if line == "" {
			line = w // one long word: cut below
		}
		if len(lines) == n-1 {
			rest := strings.TrimSpace(line + " " + strings.Join(words[i:], " "))
			return append(lines, ellipsis(f, rest, limit))
		}
		lines = append(lines, line)
		line = w
	}
	if line != "" {
		lines = append(lines, ellipsis(f, line, limit))
	}
	return lines
}

func ellipsis(f font.Face, s string, limit fixed.Int26_6) string {
	if font.MeasureString(f, s) <= limit {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && font.MeasureString(f, string(r)+"…") > limit {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}
