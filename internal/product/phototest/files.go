// Package phototest makes upload test files in code (no binary corpus):
// ordinary photos, a JPEG carrying EXIF GPS, and the hostile files of
// SECURITY.md (pixel bombs, truncated, polyglots, SVG with script).
package phototest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// GPSSecret is planted in GPSJPEG's EXIF; it must not survive.
const GPSSecret = "GPS-SECRET-21.0285N-105.8542E"

// Gradient is a smooth w×h image that differs for each seed.
func Gradient(w, h, seed int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, color.RGBA{byte(x * 255 / w), byte(y * 255 / h), byte(seed * 37), 255})
		}
	}
	return img
}

// JPEG is a w×h JPEG, different for each seed.
func JPEG(tb testing.TB, w, h, seed int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, Gradient(w, h, seed), &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// PNG is a w×h PNG, different for each seed.
func PNG(tb testing.TB, w, h, seed int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, Gradient(w, h, seed)); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func pngChunk(buf *bytes.Buffer, typ string, data []byte) {
	_ = binary.Write(buf, binary.BigEndian, uint32(len(data)))
	buf.WriteString(typ)
	buf.Write(data)
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	_ = binary.Write(buf, binary.BigEndian, crc.Sum32())
}

// PixelBombPNG is a grayscale PNG whose header declares w×h; its IDAT
// holds a few KB of compressed zeros.
func PixelBombPNG(w, h uint32) []byte {
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	hdr := make([]byte, 13)
	binary.BigEndian.PutUint32(hdr[0:], w)
	binary.BigEndian.PutUint32(hdr[4:], h)
	hdr[8] = 8
	pngChunk(&buf, "IHDR", hdr)
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	_, _ = zw.Write(make([]byte, 1<<20))
	_ = zw.Close()
	pngChunk(&buf, "IDAT", z.Bytes())
	pngChunk(&buf, "IEND", nil)
	return buf.Bytes()
}

// LottaPixelJPEG is a small real JPEG whose SOF header claims w×h.
func LottaPixelJPEG(tb testing.TB, w, h uint16) []byte {
	tb.Helper()
	b := JPEG(tb, 64, 64, 3)
	i := bytes.Index(b, []byte{0xFF, 0xC0})
	if i < 0 {
		tb.Fatal("no SOF0 marker")
	}
	binary.BigEndian.PutUint16(b[i+5:], h)
	binary.BigEndian.PutUint16(b[i+7:], w)
	return b
}

// SVG is an SVG with a script.
var SVG = []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script></svg>`)

// Polyglot is a GIF/JavaScript polyglot.
var Polyglot = []byte("GIF89a/*\x0a\x00\x0a\x00\x00\x00\x00;*/=alert(1)//")

// GPSJPEG is a w×h JPEG with an APP1 Exif segment holding a GPS IFD and
// an ImageDescription of GPSSecret.
func GPSJPEG(tb testing.TB, w, h int) []byte {
	tb.Helper()
	base := JPEG(tb, w, h, 9)
	be := binary.BigEndian
	var tiff bytes.Buffer
	tiff.WriteString("MM")
	_ = binary.Write(&tiff, be, uint16(42))
	_ = binary.Write(&tiff, be, uint32(8))
	ifd0Len := 2 + 2*12 + 4
	descOff := 8 + ifd0Len
	gpsOff := descOff + len(GPSSecret) + 1
	entry := func(tag, typ uint16, count, value uint32) {
		_ = binary.Write(&tiff, be, tag)
		_ = binary.Write(&tiff, be, typ)
		_ = binary.Write(&tiff, be, count)
		_ = binary.Write(&tiff, be, value)
	}
	_ = binary.Write(&tiff, be, uint16(2))
	entry(0x010E, 2, uint32(len(GPSSecret)+1), uint32(descOff))
	entry(0x8825, 4, 1, uint32(gpsOff))
	_ = binary.Write(&tiff, be, uint32(0))
	tiff.WriteString(GPSSecret + "\x00")
	ratOff := gpsOff + 2 + 2*12 + 4
	_ = binary.Write(&tiff, be, uint16(2))
	entry(0x0001, 2, 2, uint32('N')<<24)
	entry(0x0002, 5, 3, uint32(ratOff))
	_ = binary.Write(&tiff, be, uint32(0))
	for _, v := range []uint32{21, 1, 1, 1, 42, 1} {
		_ = binary.Write(&tiff, be, v)
	}
	var out bytes.Buffer
	out.Write(base[:2])
	app1 := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	out.Write([]byte{0xFF, 0xE1})
	_ = binary.Write(&out, be, uint16(len(app1)+2))
	out.Write(app1)
	out.Write(base[2:])
	return out.Bytes()
}
