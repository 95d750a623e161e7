package media_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/diskmedia"
	"github.com/ocopvn/ocop/media/mediatest"
)

func refs(set map[string]bool) func(context.Context, []string) (map[string]bool, error) {
	return func(_ context.Context, keys []string) (map[string]bool, error) {
		if len(keys) > media.SweepBatch {
			return nil, fmt.Errorf("asked about %d keys", len(keys))
		}
		out := map[string]bool{}
		for _, k := range keys {
			if set[k] {
				out[k] = true
			}
		}
		return out, nil
	}
}

// Property (SECURITY.md D-06): over random stores, Sweep never deletes a
// referenced key or a young object, and deletes every old orphan.
func TestSweepProperty(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	for seed := range uint64(10) {
		r := rand.New(rand.NewPCG(seed, 7))
		dir := t.TempDir()
		s, err := diskmedia.New(dir, "/media")
		if err != nil {
			t.Fatal(err)
		}
		referenced := map[string]bool{}
		age := map[string]time.Duration{}
		n := 1 + r.IntN(800)
		for i := range n {
			key := fmt.Sprintf("products/%d/%x-320.jpg", r.IntN(30), i)
			if err := s.Put(ctx, key, strings.NewReader("x"), 1, "image/jpeg"); err != nil {
				t.Fatal(err)
			}
			age[key] = time.Duration(r.IntN(72)) * time.Hour
			mt := now.Add(-age[key])
			if err := os.Chtimes(filepath.Join(dir, key), mt, mt); err != nil {
				t.Fatal(err)
			}
			referenced[key] = r.IntN(2) == 0
		}
		deleted, err := media.Sweep(ctx, s, "products/", 24*time.Hour, now, refs(referenced))
		if err != nil {
			t.Fatal(err)
		}
		gone := map[string]bool{}
		for _, k := range deleted {
			gone[k] = true
			if referenced[k] {
				t.Fatalf("seed %d: deleted referenced %s", seed, k)
			}
			if age[k] <= 24*time.Hour {
				t.Fatalf("seed %d: deleted %s, only %v old", seed, k, age[k])
			}
		}
		left, _ := s.List(ctx, "")
		if len(left)+len(deleted) != len(age) {
			t.Fatalf("seed %d: %d left + %d deleted != %d", seed, len(left), len(deleted), len(age))
		}
		for _, o := range left {
			if !referenced[o.Key] && age[o.Key] > 24*time.Hour {
				t.Fatalf("seed %d: old orphan %s left", seed, o.Key)
			}
		}
		s.Close()
	}
}

func TestSweepFailsClosed(t *testing.T) {
	ctx := context.Background()
	s := mediatest.NewDisk(t)
	if err := s.Put(ctx, "a/b.jpg", strings.NewReader("x"), 1, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(48 * time.Hour)
	boom := func(context.Context, []string) (map[string]bool, error) { return nil, errors.New("database down") }
	if _, err := media.Sweep(ctx, s, "", 24*time.Hour, later, boom); err == nil {
		t.Fatal("want the error")
	}
	if _, err := media.Sweep(ctx, s, "", time.Second, later, refs(nil)); err == nil {
		t.Fatal("a tiny minAge must be refused")
	}
	objs, _ := s.List(ctx, "")
	if len(objs) != 1 {
		t.Fatalf("deleted on failure: %v", objs)
	}
}

// Against the real MinIO: ages come from the server's LastModified.
func TestSweepMinIO(t *testing.T) {
	ctx := context.Background()
	s := mediatest.NewMinIO(t)
	for _, k := range []string{"products/1/a.jpg", "products/1/b.jpg", "products/2/c.jpg"} {
		if err := s.Put(ctx, k, strings.NewReader("x"), 1, "image/jpeg"); err != nil {
			t.Fatal(err)
		}
	}
	// just written: nothing is old enough
	if d, err := media.Sweep(ctx, s, "", 24*time.Hour, time.Now(), refs(nil)); err != nil || len(d) != 0 {
		t.Fatalf("young objects swept: %v %v", d, err)
	}
	d, err := media.Sweep(ctx, s, "products/1/", 24*time.Hour, time.Now().Add(25*time.Hour), refs(map[string]bool{"products/1/a.jpg": true}))
	if err != nil || fmt.Sprint(d) != "[products/1/b.jpg]" {
		t.Fatalf("deleted %v, %v", d, err)
	}
	objs, _ := s.List(ctx, "")
	if len(objs) != 2 {
		t.Fatalf("left %v", objs)
	}
}
