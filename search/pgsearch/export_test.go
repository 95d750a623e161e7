package pgsearch

// SetCompactMin sets the least waste worth compacting and returns the
// previous value.
func SetCompactMin(n int) int {
	old := compactMin
	compactMin = n
	return old
}
