package photo_test

// Generators of the hostile files of SECURITY.md (c) 1-9, made in the test
// so no binary corpus is checked in.

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"testing"
)

func pngChunk(buf *bytes.Buffer, typ string, data []byte) {
	_ = binary.Write(buf, binary.BigEndian, uint32(len(data)))
	buf.WriteString(typ)
	buf.Write(data)
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	_ = binary.Write(buf, binary.BigEndian, crc.Sum32())
}

func ihdr(w, h uint32, depth, colorType byte) []byte {
	b := make([]byte, 13)
	binary.BigEndian.PutUint32(b[0:], w)
	binary.BigEndian.PutUint32(b[4:], h)
	b[8], b[9] = depth, colorType
	return b
}

// pixelBombPNG is a grayscale PNG whose header declares w×h; its IDAT holds
// a few KB of compressed zeros, far fewer rows than declared.
func pixelBombPNG(w, h uint32) []byte {
	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	pngChunk(&buf, "IHDR", ihdr(w, h, 8, 0))
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	_, _ = zw.Write(make([]byte, 4<<20))
	_ = zw.Close()
	pngChunk(&buf, "IDAT", z.Bytes())
	pngChunk(&buf, "IEND", nil)
	return buf.Bytes()
}

// zeroPNG16 is a complete, valid 16-bit RGBA PNG of w×h black pixels
// (10000×5000: about 300 KB on disk, 400 MB decoded). The zlib stream is
// assembled from one compressed row repeated, since deflating 400 MB under
// -race takes most of a minute: after a sync flush the compressor's output
// for another row of zeros, on a window of zeros, is the same bytes.
func zeroPNG16(t testing.TB, w, h int) []byte {
	t.Helper()
	row := make([]byte, 1+w*8) // filter byte 0, then zeros
	var out bytes.Buffer
	fw, _ := flate.NewWriter(&out, flate.BestCompression)
	step := func() []byte {
		start := out.Len()
		_, _ = fw.Write(row)
		_ = fw.Flush()
		return append([]byte(nil), out.Bytes()[start:]...)
	}
	first, second, third := step(), step(), step()
	if !bytes.Equal(second, third) {
		t.Fatal("zeroPNG16: the compressor's output for a repeated row is not stable")
	}
	start := out.Len()
	_ = fw.Close()
	final := out.Bytes()[start:]

	var z bytes.Buffer
	z.Write([]byte{0x78, 0xDA}) // zlib header, best compression
	z.Write(first)
	for range h - 1 {
		z.Write(second)
	}
	z.Write(final)
	// Adler-32 of n zero bytes: A = 1, B = n mod 65521
	n := uint64(len(row)) * uint64(h)
	_ = binary.Write(&z, binary.BigEndian, uint32(n%65521)<<16|1)

	var buf bytes.Buffer
	buf.WriteString("\x89PNG\r\n\x1a\n")
	pngChunk(&buf, "IHDR", ihdr(uint32(w), uint32(h), 16, 6))
	pngChunk(&buf, "IDAT", z.Bytes())
	pngChunk(&buf, "IEND", nil)
	return buf.Bytes()
}

// noise returns a w×h image of random colours (hard to compress, so JPEGs
// of it are big).
func noise(w, h int, seed uint64) *image.RGBA {
	r := rand.New(rand.NewPCG(seed, 1))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(r.Uint32())
	}
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 255
	}
	return img
}

// halves returns a w×h image whose left half is red and right half blue.
func halves(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{255, 0, 0, 255}
			if x >= w/2 {
				c = color.RGBA{0, 0, 255, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

func encodeJPEG(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// lottaPixelJPEG is a small real JPEG whose SOF header is patched to claim
// w×h (the "lottapixel" file of bimg#394).
func lottaPixelJPEG(t testing.TB, w, h uint16) []byte {
	t.Helper()
	b := encodeJPEG(t, noise(64, 64, 3), 90)
	i := bytes.Index(b, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 marker")
	}
	// FFC0, length (2), precision (1), height (2), width (2)
	binary.BigEndian.PutUint16(b[i+5:], h)
	binary.BigEndian.PutUint16(b[i+7:], w)
	return b
}

// Markers planted in the EXIF-GPS JPEG; none may survive.
const (
	gpsSecret     = "GPS-SECRET-21.0285N-105.8542E"
	commentSecret = "HOME-ADDRESS-COMMENT"
)

// exifJPEG inserts, after SOI, an APP1 Exif segment with orientation o, a
// GPS IFD (latitude/longitude of a home) and an ImageDescription holding
// gpsSecret, plus 1 MB of COM comment segments.
func exifJPEG(t testing.TB, img image.Image, o uint16) []byte {
	t.Helper()
	base := encodeJPEG(t, img, 95)

	be := binary.BigEndian
	var tiff bytes.Buffer
	tiff.WriteString("MM")
	_ = binary.Write(&tiff, be, uint16(42))
	_ = binary.Write(&tiff, be, uint32(8)) // IFD0 at 8
	// IFD0: 3 entries (12 bytes each) + next-IFD offset
	ifd0Len := 2 + 3*12 + 4
	descOff := 8 + ifd0Len
	gpsOff := descOff + len(gpsSecret) + 1
	entry := func(tag, typ uint16, count, value uint32) {
		_ = binary.Write(&tiff, be, tag)
		_ = binary.Write(&tiff, be, typ)
		_ = binary.Write(&tiff, be, count)
		_ = binary.Write(&tiff, be, value)
	}
	_ = binary.Write(&tiff, be, uint16(3))
	entry(0x010E, 2, uint32(len(gpsSecret)+1), uint32(descOff)) // ImageDescription
	entry(0x0112, 3, 1, uint32(o)<<16)                          // Orientation (SHORT, left-justified)
	entry(0x8825, 4, 1, uint32(gpsOff))                         // GPSInfo IFD pointer
	_ = binary.Write(&tiff, be, uint32(0))
	tiff.WriteString(gpsSecret + "\x00")
	// GPS IFD: LatitudeRef 'N', Latitude 21/1 1/1 42/1 (rationals after it)
	ratOff := gpsOff + 2 + 2*12 + 4
	_ = binary.Write(&tiff, be, uint16(2))
	entry(0x0001, 2, 2, uint32('N')<<24)
	entry(0x0002, 5, 3, uint32(ratOff))
	_ = binary.Write(&tiff, be, uint32(0))
	for _, v := range []uint32{21, 1, 1, 1, 42, 1} {
		_ = binary.Write(&tiff, be, v)
	}

	var out bytes.Buffer
	out.Write(base[:2]) // SOI
	app1 := append([]byte("Exif\x00\x00"), tiff.Bytes()...)
	out.Write([]byte{0xFF, 0xE1})
	_ = binary.Write(&out, be, uint16(len(app1)+2))
	out.Write(app1)
	comment := bytes.Repeat([]byte(commentSecret+" "), 65000/(len(commentSecret)+1))
	for range 16 { // ~1 MB of comments
		out.Write([]byte{0xFF, 0xFE})
		_ = binary.Write(&out, be, uint16(len(comment)+2))
		out.Write(comment)
	}
	out.Write(base[2:])
	return out.Bytes()
}

// gradient returns a smooth w×h image (quick to encode and decode) that
// differs for each seed.
func gradient(w, h int, seed int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, color.RGBA{byte(x * 255 / w), byte(y * 255 / h), byte(seed * 37), 255})
		}
	}
	return img
}
