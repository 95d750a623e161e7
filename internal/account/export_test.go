package account

import "testing"

// HashWithParamsForTest hashes pw with older parameters.
func HashWithParamsForTest(t *testing.T, pw string, memory, time uint32) string {
	t.Helper()
	h, err := hashWith(pw, argonParams{memory: memory, time: time, threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	return h
}
