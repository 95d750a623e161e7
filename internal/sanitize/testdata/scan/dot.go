package bad

import . "html/template"

func dot(s string) HTML {
	_ = HTMLEscapeString(s)
	return HTML(s) // flag: dot import
}
