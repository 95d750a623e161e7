// Package progress shows how far long work has gone: a bar on a terminal
// (github.com/schollz/progressbar, a well-kept library that redraws one
// line), plain lines elsewhere (a log, CI, a pipe), each with the
// percentage, the rate and the time left. Lines are in Vietnamese with
// English in parentheses, like the rest of the command-line output.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Bar counts done items of a known total. It is safe for concurrent use.
type Bar struct {
	mu    sync.Mutex
	w     io.Writer
	what  string
	total int
	done  int
	start time.Time
	// plain output: the last line's time and tenth
	last      time.Time
	lastTenth int
	bar       *progressbar.ProgressBar
	now       func() time.Time
}

// New starts a bar of total items called what ("ảnh minh hoạ (photos)")
// on w: a redrawn bar when w is a terminal, plain lines otherwise. A zero
// total shows nothing.
func New(w io.Writer, what string, total int) *Bar {
	b := &Bar{w: w, what: what, total: total, start: time.Now(), now: time.Now}
	b.last = b.start
	if f, ok := w.(*os.File); ok && total > 0 && term.IsTerminal(int(f.Fd())) {
		b.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(what),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionSetWidth(30),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }))
	}
	return b
}

// Set records that done items of the total are done.
func (b *Bar) Set(done int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.total <= 0 || done <= b.done {
		return
	}
	b.done = min(done, b.total)
	if b.bar != nil {
		_ = b.bar.Set(b.done)
		return
	}
	// plain: a line at every tenth, or every 5 s, and at the end
	now := b.now()
	tenth := b.done * 10 / b.total
	if tenth == b.lastTenth && now.Sub(b.last) < 5*time.Second && b.done < b.total {
		return
	}
	b.last, b.lastTenth = now, tenth
	fmt.Fprintln(b.w, b.line(now))
}

// Add records n more items done.
func (b *Bar) Add(n int) {
	b.mu.Lock()
	done := b.done + n
	b.mu.Unlock()
	b.Set(done)
}

// line is the plain line: "ảnh minh hoạ (photos): 120/360 (33 %), 45/s, còn khoảng 5 giây (about 5 s left)".
func (b *Bar) line(now time.Time) string {
	elapsed := now.Sub(b.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(b.done) / elapsed
	}
	s := fmt.Sprintf("%s: %d/%d (%d %%), %.0f/s", b.what, b.done, b.total, b.done*100/b.total, rate)
	if b.done < b.total && rate > 0 {
		left := time.Duration(float64(b.total-b.done) / rate * float64(time.Second)).Round(time.Second)
		s += fmt.Sprintf(", còn khoảng %s (about %s left)", left, left)
	}
	return s
}
