package miniomedia

// NewUnchecked builds a Store without contacting the server, so a test can
// use one whose server is down.
func NewUnchecked(o Options) (*Store, error) { return newStore(o) }
