package pgsearch

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// The phrase test reads word ids written as uvarints: ids of one, two and
// three bytes, and bytes that match a phrase only from inside a longer id.
func TestHasPhraseOnVarints(t *testing.T) {
	m := newMemIndex()
	// fill the dictionary so that ids pass 128 and 16,384
	var filler []string
	for i := range 17000 {
		filler = append(filler, "w"+strconv.Itoa(i))
	}
	m.put(memRow{id: "1", nameF: strings.Join(filler, " ")})
	id := func(w string) int32 {
		id, ok := m.dict[w]
		if !ok {
			t.Fatalf("no word %q", w)
		}
		return id
	}
	// w1 w2 are ids 1 and 2 (one byte); w200 two bytes; w16500 three
	m.put(memRow{id: "2", nameF: "w1 w2 w200 w16500 w3", descF: "w7 w1"})
	d := &m.docs[m.byID[2]]
	for _, c := range []struct {
		phrase []string
		last   string
		want   bool
	}{
		{[]string{"w1"}, "w2", true},
		{[]string{"w1", "w2"}, "w200", true},
		{[]string{"w2", "w200"}, "w16500", true},
		{[]string{"w200", "w16500"}, "w3", true},
		{[]string{"w16500"}, "w3", true},
		{[]string{"w7"}, "w1", true}, // into the description
		{[]string{"w1"}, "w3", false},
		{[]string{"w2"}, "w16500", false},
		{[]string{"w3"}, "w7", true}, // the name runs on into the description
		{[]string{"w1"}, "w7", false},
		{[]string{"w16500", "w3", "w7", "w1"}, "w2", false}, // the phrase ends the document
	} {
		var ids []int32
		for _, w := range c.phrase {
			ids = append(ids, id(w))
		}
		if got := m.hasPhrase(d, encodePhrase(ids), []int32{id(c.last)}); got != c.want {
			t.Errorf("%v then %s: %t, want %t", c.phrase, c.last, got, c.want)
		}
	}
	// a byte sequence that is the tail of a longer id is no word: find the
	// two-byte id whose last byte equals a one-byte id's encoding
	inner := id("w200") // two bytes: 0x80|low7, high
	high := inner >> 7  // the second byte, a one-byte id of its own
	var highWord string
	for w, i := range m.dict {
		if i == high {
			highWord = w
		}
	}
	if highWord == "" {
		t.Fatalf("no word with id %d", high)
	}
	m.put(memRow{id: "3", nameF: fmt.Sprintf("w200 w5 %s w6", highWord)})
	d = &m.docs[m.byID[3]]
	if m.hasPhrase(d, encodePhrase([]int32{high}), []int32{id("w5")}) {
		t.Errorf("%s (id %d) matched inside w200 (id %d)", highWord, high, inner)
	}
	if !m.hasPhrase(d, encodePhrase([]int32{high}), []int32{id("w6")}) {
		t.Errorf("%s then w6 not found", highWord)
	}
	var got []int32
	for w := range m.wordsOf(d) {
		got = append(got, w)
	}
	if want := []int32{inner, id("w5"), high, id("w6")}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("words %v, want %v", got, want)
	}
}
