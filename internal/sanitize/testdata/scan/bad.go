// Package bad is a fixture for scan_test.go: the lines the source scan
// must report end in a "flag" comment, and it must leave the others
// alone. It is never built.
package bad

import (
	"html/template"
	ht "html/template"
	tt "text/template" // flag

	"github.com/gofiber/fiber/v2"
)

func conversions(s string) {
	_ = template.HTML(s)     // flag
	_ = template.JS(s)       // flag
	_ = template.URL(s)      // flag
	_ = template.CSS(s)      // flag
	_ = template.HTMLAttr(s) // flag
	_ = template.JSStr(s)    // flag
	_ = template.Srcset(s)   // flag
	_ = ht.HTML(s)           // flag: renamed import
	_ = (template.HTML)(s)   // flag: in parentheses
	_ = conv[template.JS](s) // flag: type argument
	_ = tt.New("x")
}

// H would make H(s) a conversion the scan cannot see.
type H = template.HTML // flag: alias

func conv[T ~string](s string) T { return T(s) }

func jsonp(c *fiber.Ctx) error {
	if cb := c.Query("callback"); cb != "" { // flag
		return c.JSONP(map[string]int{}, cb) // flag
	}
	_ = "https://api.example/x?callback=f" // flag
	return nil
}

// allowed: not conversions. A comment may say template.HTML(s) and
// callback=f.
func allowed(v any, s string) []template.HTML {
	_ = template.HTMLEscapeString(s)
	_ = template.JSEscapeString(s)
	if h, ok := v.(template.HTML); ok {
		return []template.HTML{h}
	}
	var card template.HTML
	return []template.HTML{card, "<b>constant</b>"}
}
