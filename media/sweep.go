package media

import (
	"context"
	"errors"
	"time"
)

// SweepBatch is how many keys Sweep asks about at once.
const SweepBatch = 500

// MinSweepAge is the youngest object Sweep may delete. An upload stores its
// objects before the database row that refers to them is committed
// (SECURITY.md D-06), so a young unreferenced object may be in flight.
const MinSweepAge = time.Hour

// Sweep deletes orphans: objects under prefix last written before
// now-minAge whose keys referenced does not confirm. referenced gets up to
// SweepBatch keys and returns the set of those still in use (for example
// the keys present in the images table). It never deletes a key referenced
// reports, nor a younger object; an error from referenced stops the sweep
// before anything of that batch is deleted. It returns the deleted keys.
// Errors: Invalid (minAge below MinSweepAge, bad prefix), the store's and
// referenced's errors.
func Sweep(ctx context.Context, s Store, prefix string, minAge time.Duration, now time.Time,
	referenced func(ctx context.Context, keys []string) (map[string]bool, error)) (deleted []string, err error) {
	if minAge < MinSweepAge {
		return nil, errors.New("media.Sweep: minAge below MinSweepAge would delete uploads in flight")
	}
	objs, err := s.List(ctx, prefix)
	if err != nil {
		return nil, err
	}
	cutoff := now.Add(-minAge)
	var old []string
	for _, o := range objs {
		if o.ModTime.Before(cutoff) {
			old = append(old, o.Key)
		}
	}
	for len(old) > 0 {
		batch := old[:min(SweepBatch, len(old))]
		old = old[len(batch):]
		inUse, err := referenced(ctx, batch)
		if err != nil {
			return deleted, err
		}
		for _, k := range batch {
			if inUse[k] {
				continue
			}
			if err := s.Delete(ctx, k); err != nil {
				return deleted, err
			}
			deleted = append(deleted, k)
		}
	}
	return deleted, nil
}

// DeleteUnreferenced deletes the objects of keys that referenced does not
// confirm are in use (a committed row refers to them): what a refused or
// undone upload leaves. Failures are left to Sweep.
func DeleteUnreferenced(ctx context.Context, s Store, keys []string, referenced func(ctx context.Context, keys []string) (map[string]bool, error)) {
	used, err := referenced(ctx, keys)
	if err != nil {
		return
	}
	for _, k := range keys {
		if !used[k] {
			_ = s.Delete(ctx, k)
		}
	}
}
