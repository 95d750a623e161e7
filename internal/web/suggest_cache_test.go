package web

import (
	"testing"
	"time"

	"github.com/ocopvn/ocop/search"
)

func TestSuggestCache(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	c := newSuggestCache(func() time.Time { return now })
	items := []search.Suggestion{{Kind: search.KindProduct, Key: "che-tan-cuong", Text: "Chè Tân Cương"}}

	if _, ok := c.get("v1", "che t"); ok {
		t.Fatal("hit in an empty cache")
	}
	c.put("v1", "che t", items)
	if got, ok := c.get("v1", "che t"); !ok || len(got) != 1 {
		t.Fatalf("miss after put: %v %v", got, ok)
	}
	if _, ok := c.get("v2", "che t"); ok {
		t.Error("hit across a catalog change")
	}
	now = now.Add(suggestTTL + time.Second)
	if _, ok := c.get("v1", "che t"); ok {
		t.Error("hit after the TTL")
	}
	// a new version empties the cache; a full cache starts over
	c.put("v2", "a", items)
	if _, ok := c.get("v2", "che t"); ok {
		t.Error("old version's entry survived")
	}
	for i := range suggestCacheLimit + 1 {
		c.put("v2", string(rune('a'+i%26))+string(rune(i)), items)
	}
	if len(c.entries) > suggestCacheLimit {
		t.Errorf("cache grew to %d entries", len(c.entries))
	}
}
