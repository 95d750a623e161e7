package app_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ocopvn/ocop/internal/catalog/catalogtest"
)

// TestPhotoPagesShowBackofficeHeader: the photo and logo/banner pages carry
// the back-office header, so staff managing a household see that they act
// on its behalf there too, and a suspended producer sees why.
func TestPhotoPagesShowBackofficeHeader(t *testing.T) {
	s := newSite(t)
	p := signInRoles(t, s)
	f := catalogtest.Fixture{T: t, Pool: s.pool}
	product := f.Product(p.producerA, catalogtest.Product{Name: "Chè búp A", Group: "I.5.a", Price: 100000, Star: 3})
	f.Exec(`UPDATE producer SET status = 'suspended', suspended_reason = 'Giấy phép hết hạn' WHERE id = $1`, p.producerA)
	for _, path := range []string{
		fmt.Sprintf("/quan-ly/%d/san-pham/%d/anh", p.producerA, product),
		fmt.Sprintf("/quan-ly/%d/cua-hang/anh", p.producerA),
	} {
		for role, want := range map[string][]string{
			"staff19":   {"Bạn đang quản lý thay mặt", "Giấy phép hết hạn", `href="/quan-ly/` + fmt.Sprint(p.producerA) + `/san-pham"`},
			"producerA": {"Giấy phép hết hạn"},
		} {
			c := s.client()
			c.cookies["sid"] = p.cookie[role]
			r := c.do("GET", path, nil)
			if r.status != 200 {
				t.Fatalf("%s as %s: %d", path, role, r.status)
			}
			for _, w := range want {
				if !strings.Contains(r.body, w) {
					t.Errorf("%s as %s lacks %q", path, role, w)
				}
			}
			if role == "producerA" && strings.Contains(r.body, "Bạn đang quản lý thay mặt") {
				t.Errorf("%s: the owner is told someone acts on its behalf", path)
			}
		}
	}
}
