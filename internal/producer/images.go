package producer

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/media"
)

// imageColumns returns the key and variants columns of a producer image
// kind ("logo" or "banner"; a constant, never user text, so it may be put
// into SQL).
func imageColumns(kind string) (key, variants string, err error) {
	switch kind {
	case "logo":
		return "logo_key", "logo_variants", nil
	case "banner":
		return "banner_key", "banner_variants", nil
	}
	return "", "", fmt.Errorf("unknown producer image kind %q", kind)
}

// LockImage locks the producer's row in tx (FOR NO KEY UPDATE: an upload
// quota counted under it cannot change until commit) and returns the
// variants of its logo or banner (kind). ErrProducerNotFound when there
// is no such producer.
func LockImage(ctx context.Context, tx pgx.Tx, producerID int64, kind string) (_ []media.Variant, err error) {
	defer apperr.Wrap(&err, "producer.LockImage")
	_, varCol, err := imageColumns(kind)
	if err != nil {
		return nil, err
	}
	var vs []media.Variant
	err = tx.QueryRow(ctx, `SELECT `+varCol+` FROM producer WHERE id = $1 FOR NO KEY UPDATE`, producerID).Scan(&vs)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrProducerNotFound
	}
	return vs, err
}

// SetImage sets the producer's logo or banner (kind) to vs in tx (the
// largest variant last is the key), or removes it when vs is empty. The
// caller records the audit entry and deletes replaced objects after the
// commit.
func SetImage(ctx context.Context, tx pgx.Tx, producerID int64, kind string, vs []media.Variant) (err error) {
	defer apperr.Wrap(&err, "producer.SetImage")
	keyCol, varCol, err := imageColumns(kind)
	if err != nil {
		return err
	}
	if len(vs) == 0 {
		_, err = tx.Exec(ctx, `UPDATE producer SET `+keyCol+` = NULL, `+varCol+` = '[]' WHERE id = $1`, producerID)
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE producer SET `+keyCol+` = $2, `+varCol+` = $3 WHERE id = $1`, producerID, vs[len(vs)-1].Key, vs)
	return err
}
