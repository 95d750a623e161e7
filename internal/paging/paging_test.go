package paging

import "testing"

func TestPage(t *testing.T) {
	url := func(n int) string { return string(rune('0' + n)) }
	tests := []struct {
		name             string
		number, size     int
		total            int
		offset, last     int
		prev, next       string
		wantNum, wantLen int
	}{
		{"first of three", 1, 10, 25, 0, 3, "", "2", 1, 10},
		{"middle", 2, 10, 25, 10, 3, "1", "3", 2, 10},
		{"last", 3, 10, 25, 20, 3, "2", "", 3, 10},
		{"past the end links back to the last", 9, 10, 25, 80, 3, "3", "", 9, 10},
		{"empty list", 1, 10, 0, 0, 1, "", "", 1, 10},
		{"page 0 is page 1", 0, 10, 25, 0, 3, "", "2", 1, 10},
		{"negative page", -5, 10, 25, 0, 3, "", "2", 1, 10},
		{"size 0 is 1", 2, 0, 3, 1, 3, "1", "3", 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Of(tt.number, tt.size)
			if p.Number != tt.wantNum || p.Size != tt.wantLen {
				t.Fatalf("Of(%d, %d) = %+v", tt.number, tt.size, p)
			}
			l := p.Links(tt.total, url)
			if p.Offset() != tt.offset || l.Last != tt.last || l.Prev != tt.prev || l.Next != tt.next {
				t.Errorf("offset %d, links %+v; want offset %d, last %d, prev %q, next %q", p.Offset(), l, tt.offset, tt.last, tt.prev, tt.next)
			}
		})
	}
	if p := Of(MaxNumber+1, 20); p.Number != MaxNumber {
		t.Errorf("Of(MaxNumber+1) = %+v", p)
	}
}
