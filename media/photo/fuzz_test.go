package photo_test

import (
	"testing"

	"github.com/ocopvn/ocop/media/photo"
)

// Hostile bytes never panic the header checks or the EXIF reader.
func FuzzCheck(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"))
	f.Add(pixelBombPNG(50_000, 50_000)[:100])
	f.Add(lottaPixelJPEG(f, 64250, 64250))
	f.Add(exifJPEG(f, gradient(16, 16, 1), 6)[:300])
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, _ = photo.Check(data)
		if o := photo.JPEGOrientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}
