package apperr

import (
	"errors"
	"fmt"
	"testing"
)

func TestKindOf(t *testing.T) {
	nf := E(NotFound, "Không tìm thấy", "not found")
	wrapped := fmt.Errorf("ctx: %w", nf)
	if KindOf(wrapped) != NotFound {
		t.Errorf("KindOf(wrapped) = %v", KindOf(wrapped))
	}
	if KindOf(errors.New("x")) != Internal {
		t.Error("plain error should be Internal")
	}
	var err error = nf
	Wrap(&err, "op(%d)", 1)
	if err.Error() != "op(1): not_found: not found" || As(err) != nf {
		t.Errorf("Wrap = %q", err)
	}
}
