// Package paging is the one way a list is cut into pages: a page number
// from 1 and a page size, clamped to sane bounds, the offset of its first
// row, the last page of a total, and the links to the pages beside it.
// The console's and back-office's lists and the public catalog use it.
package paging

// MaxNumber is the highest page number a list serves: deeper pages are
// not useful to people and cost an offset scan.
const MaxNumber = 10000

// Page is a page of a list.
type Page struct {
	Number int // from 1
	Size   int // rows per page, at least 1
}

// Of returns page number of a list of size rows per page, with number
// clamped to 1..MaxNumber and size to at least 1 (a page number read from
// a URL may be anything).
func Of(number, size int) Page {
	return Page{Number: min(max(number, 1), MaxNumber), Size: max(size, 1)}
}

// Offset is the number of rows before the page.
func (p Page) Offset() int { return (p.Number - 1) * p.Size }

// Last is the last page number of a list of total rows (1 when empty).
func (p Page) Last(total int) int { return max(1, (total+p.Size-1)/p.Size) }

// Links are a page's neighbours in a list of total rows, as URLs made by
// url (empty when there is no such page). A page past the end links back
// to the last page.
type Links struct {
	Number, Last int
	Prev, Next   string
}

// Links returns the page's neighbours in a list of total rows.
func (p Page) Links(total int, url func(number int) string) Links {
	l := Links{Number: p.Number, Last: p.Last(total)}
	if p.Number > 1 {
		l.Prev = url(min(p.Number-1, l.Last))
	}
	if p.Number < l.Last {
		l.Next = url(p.Number + 1)
	}
	return l
}
