package pgtest

import "net/url"

// replaceDB returns the URL admin with its database name replaced by name.
func replaceDB(admin, name string) string {
	u, err := url.Parse(admin)
	if err != nil {
		return admin
	}
	u.Path = "/" + name
	return u.String()
}
