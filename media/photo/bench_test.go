package photo_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"io"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/photo"
)

// discardStore stores nothing, so the benchmark measures the pipeline only.
type discardStore struct{ media.Store }

func (discardStore) Put(_ context.Context, _ string, r io.Reader, _ int64, _ string) error {
	_, err := io.Copy(io.Discard, r)
	return err
}

// Open finds nothing, so every variant is encoded and "stored".
func (discardStore) Open(context.Context, string) (io.ReadCloser, error) {
	return nil, apperr.E(apperr.NotFound, "Không có ảnh.", "not found")
}

// photoLike is a w×h image with smooth areas and fine detail, closer to a
// phone photo than noise (which no camera produces) or a flat gradient.
func photoLike(w, h int) *image.RGBA {
	r := rand.New(rand.NewPCG(1, 2))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			n := byte(r.IntN(24))
			img.SetRGBA(x, y, color.RGBA{byte(x*200/w) + n, byte(y*200/h) + n, byte((x+y)*100/(w+h)) + n, 255})
		}
	}
	return img
}

// BenchmarkProcess12MP processes one 12-megapixel (4000×3000) JPEG into all
// variants. Reports the median time and the peak live heap over the runs.
func BenchmarkProcess12MP(b *testing.B) {
	src := encodeJPEG(b, photoLike(4000, 3000), 90)
	p := photo.New(discardStore{}, photo.Options{})
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // sample the live heap
		defer close(done)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	var times []time.Duration
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		if _, err := p.Process(context.Background(), 1, bytes.NewReader(src)); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	close(stop)
	<-done
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(float64(times[len(times)/2].Milliseconds()), "median-ms")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(len(src))/(1<<20), "input-MB")
}
