// Photos: product photos and a producer's logo and banner. An
// upload goes through the media/photo pipeline (type by content, size and
// pixel limits before decoding, EXIF orientation, metadata stripped,
// sized variants under content-addressed keys), order, alt text and
// deletion, which deletes the objects too; Sweep removes orphans.
//
// Objects are stored before the row that refers to them (SECURITY.md
// D-06); when the row is not written, the objects of that upload are
// deleted again unless a committed row refers to the same keys (the same
// photo uploaded before). Uploads and deletions of one product's photos
// (or one producer's images) run one at a time in this process, so that
// check cannot race with another upload or a deletion of the same photo;
// the periodic sweep catches anything left by a crash. (Several app
// processes would need the lock in the database instead.)

package product

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
	"github.com/ocopvn/ocop/media"
	"github.com/ocopvn/ocop/media/photo"
)

// MaxPerProduct is the most photos a product may have.
const MaxPerProduct = 10

// MaxAlt is the longest alt text, in runes.
const MaxAlt = 300

// Photos manages product photos and a producer's logo and banner.
type Photos struct {
	pool  *pgxpool.Pool
	store media.Store
	proc  *photo.Processor
	now   func() time.Time

	limits Limits

	locks sync.Map // string -> *sync.Mutex, one per product or producer
}

// NewPhotos returns the photos service. now may be nil (time.Now).
func NewPhotos(pool *pgxpool.Pool, store media.Store, proc *photo.Processor, now func() time.Time) *Photos {
	if now == nil {
		now = time.Now
	}
	return &Photos{pool: pool, store: store, proc: proc, now: now, limits: DefaultLimits()}
}

// Variant is one stored size of a photo (the JSON of product_photo.variants).
type Variant = media.Variant

// Photo is one product photo.
type Photo struct {
	ID       int64
	Position int
	Alt      string
	Width    int
	Height   int
	Variants []Variant // smallest first
}

// ProductRef is the product whose photos are managed.
type ProductRef struct {
	ID     int64
	Name   string
	Slug   string
	Status string
}

// Refusals.
var (
	ErrPhotoNotFound = apperr.E(apperr.NotFound, "Không tìm thấy ảnh.", "photo not found for this product")
	ErrFull          = apperr.E(apperr.Conflict, "Sản phẩm đã có đủ 10 ảnh. Hãy xoá bớt ảnh cũ trước khi tải ảnh mới.", "a product has at most 10 photos")
	ErrDuplicate     = apperr.E(apperr.Conflict, "Ảnh này đã có trong danh sách ảnh của sản phẩm.", "the same photo is already attached")
	ErrCertified     = apperr.E(apperr.Conflict, "Sản phẩm đã từng được chứng nhận OCOP nên không thể xoá. Hãy chuyển trạng thái sang \"Ngừng bán\".", "a product that had a certificate cannot be deleted")
	ErrAlt           = apperr.E(apperr.Invalid, "Mô tả ảnh dài quá 300 ký tự.", "alt text over 300 runes")
	ErrKind          = apperr.E(apperr.NotFound, "Không tìm thấy trang bạn cần.", "unknown producer image kind")
)

func (s *Photos) lock(name string) func() {
	m, _ := s.locks.LoadOrStore(name, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// Product returns the product id if it belongs to producerID, else
// ErrProductNotFound.
func (s *Photos) Product(ctx context.Context, producerID, productID int64) (_ *ProductRef, err error) {
	defer apperr.Wrap(&err, "product.Product(%d, %d)", producerID, productID)
	p := &ProductRef{ID: productID}
	err = s.pool.QueryRow(ctx, `SELECT name, slug, status FROM product WHERE id = $1 AND producer_id = $2`,
		productID, producerID).Scan(&p.Name, &p.Slug, &p.Status)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrProductNotFound
	}
	return p, err
}

// Photos returns the product's photos in order; the product must belong
// to producerID.
func (s *Photos) Photos(ctx context.Context, producerID, productID int64) (_ []Photo, err error) {
	defer apperr.Wrap(&err, "product.Photos(%d, %d)", producerID, productID)
	rows, err := s.pool.Query(ctx, `
		SELECT ph.id, ph.position, ph.alt, ph.width, ph.height, ph.variants
		FROM product_photo ph JOIN product p ON p.id = ph.product_id
		WHERE ph.product_id = $1 AND p.producer_id = $2
		ORDER BY ph.position, ph.id`, productID, producerID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Photo, error) {
		var ph Photo
		err := r.Scan(&ph.ID, &ph.Position, &ph.Alt, &ph.Width, &ph.Height, &ph.Variants)
		return ph, err
	})
}

// ToVariants are the pipeline's variants as stored in a row.
func ToVariants(vs []photo.Variant) []Variant {
	out := make([]Variant, len(vs))
	for i, v := range vs {
		out[i] = Variant{Key: v.Key, Width: v.Width, Height: v.Height, Type: v.ContentType, Bytes: v.Size}
	}
	return out
}

// KeysOf are the object keys of vs.
func KeysOf(vs []Variant) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Key
	}
	return out
}

// ContentSHA is the sha256 in the largest variant's key
// (<prefix>/<sha>-<width>.jpg): the same photo gives the same variants.
func ContentSHA(vs []Variant) string {
	k := vs[len(vs)-1].Key
	base := k[strings.LastIndexByte(k, '/')+1:]
	sha, _, _ := strings.Cut(base, "-")
	return sha
}

// Upload checks and stores one photo of a product of producerID and
// appends it to the product's photos. Errors: ErrProductNotFound, the
// pipeline's Invalid refusals, ErrFull, ErrDuplicate, ErrQuota,
// Unavailable. On any error nothing of this upload is left stored.
func (s *Photos) Upload(ctx context.Context, a Actor, producerID, productID int64, data []byte) (_ *Photo, err error) {
	defer apperr.Wrap(&err, "product.Upload(%d, %d)", producerID, productID)
	if _, err := s.Product(ctx, producerID, productID); err != nil {
		return nil, err
	}
	unlock := s.lock("product:" + strconv.FormatInt(productID, 10))
	defer unlock()
	// a full product refuses before any work or object
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM product_photo WHERE product_id = $1`, productID).Scan(&n); err != nil {
		return nil, err
	}
	if n >= MaxPerProduct {
		return nil, ErrFull
	}
	// so does a producer already at its quota (checked again, with this
	// photo's bytes, before the insert)
	if err := s.checkQuota(ctx, s.pool, producerID, "", nil); err != nil {
		return nil, err
	}
	pvs, err := s.proc.ProcessBytes(ctx, productID, data)
	if err != nil {
		return nil, err
	}
	vs := ToVariants(pvs)
	largest := vs[len(vs)-1]
	ph := &Photo{Width: largest.Width, Height: largest.Height, Variants: vs}
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		// the producer row lock serialises uploads to all its products and
		// images across processes (quota: sum, then insert); the product
		// row lock, taken second, the changes of one product's photos
		// (count, then insert)
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM producer WHERE id = $1 FOR NO KEY UPDATE`, producerID).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrProductNotFound
		}
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `SELECT id FROM product WHERE id = $1 AND producer_id = $2 FOR UPDATE`, productID, producerID).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrProductNotFound
		}
		if err != nil {
			return err
		}
		var n int
		var dup bool
		if err := tx.QueryRow(ctx, `SELECT count(*), coalesce(bool_or(content_sha = $2), false) FROM product_photo WHERE product_id = $1`,
			productID, ContentSHA(vs)).Scan(&n, &dup); err != nil {
			return err
		}
		if dup {
			return ErrDuplicate
		}
		if n >= MaxPerProduct {
			return ErrFull
		}
		if err := s.checkQuota(ctx, tx, producerID, "", vs); err != nil {
			return err
		}
		ph.Position = n
		if err := tx.QueryRow(ctx, `
			INSERT INTO product_photo (product_id, position, content_sha, width, height, variants)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			productID, n, ContentSHA(vs), ph.Width, ph.Height, vs).Scan(&ph.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, ProducerID: producerID,
			Entity: "product_photo", EntityID: ph.ID, Action: "create",
			Detail: map[string]any{"product_id": productID, "position": n, "keys": KeysOf(vs)}})
	})
	if err != nil {
		s.deleteUnreferenced(context.WithoutCancel(ctx), KeysOf(vs))
		return nil, err
	}
	return ph, nil
}

// deleteUnreferenced deletes the objects of keys that no committed row
// refers to. Failures are left to the sweeper.
func (s *Photos) deleteUnreferenced(ctx context.Context, keys []string) {
	media.DeleteUnreferenced(ctx, s.store, keys, s.Referenced)
}

// Referenced returns which of keys a product photo, a producer's logo or
// a producer's banner refers to. The sweeper's callback.
func (s *Photos) Referenced(ctx context.Context, keys []string) (_ map[string]bool, err error) {
	defer apperr.Wrap(&err, "product.Referenced(%d keys)", len(keys))
	return postgres.StringSet(s.pool.Query(ctx, `
		SELECT k FROM unnest($1::text[]) AS k
		WHERE EXISTS (SELECT 1 FROM product_photo WHERE variants @> jsonb_build_array(jsonb_build_object('key', k)))
		   OR EXISTS (SELECT 1 FROM producer WHERE logo_variants @> jsonb_build_array(jsonb_build_object('key', k))
		                                       OR banner_variants @> jsonb_build_array(jsonb_build_object('key', k))
		                                       OR logo_key = k OR banner_key = k)`, keys))
}

// PhotoUpdate is a change of a photo's alt text and position (0-based).
type PhotoUpdate struct {
	Alt      string
	Position int
}

// Update sets a photo's alt text and moves it to position (clamped to the
// photos' range); the other photos are renumbered 0..n-1 in the same
// transaction. The photo must belong to the product, and the product to
// producerID. Errors: ErrPhotoNotFound, ErrAlt.
func (s *Photos) Update(ctx context.Context, a Actor, producerID, productID, photoID int64, u PhotoUpdate) (err error) {
	defer apperr.Wrap(&err, "product.Update(%d, %d, %d)", producerID, productID, photoID)
	alt := vntext.NFC(strings.TrimSpace(u.Alt))
	if len([]rune(alt)) > MaxAlt {
		return ErrAlt
	}
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		ids, err := s.lockPhotos(ctx, tx, producerID, productID)
		if err != nil {
			return err
		}
		from := -1
		for i, id := range ids {
			if id == photoID {
				from = i
			}
		}
		if from < 0 {
			return ErrPhotoNotFound
		}
		to := min(max(u.Position, 0), len(ids)-1)
		ids = append(ids[:from], ids[from+1:]...)
		ids = append(ids[:to], append([]int64{photoID}, ids[to:]...)...)
		if _, err := tx.Exec(ctx, `UPDATE product_photo SET alt = $2 WHERE id = $1`, photoID, alt); err != nil {
			return err
		}
		if err := renumber(ctx, tx, ids); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, ProducerID: producerID,
			Entity: "product_photo", EntityID: photoID, Action: "update",
			Detail: map[string]any{"product_id": productID, "alt": alt, "position": to}})
	})
}

// lockPhotos locks the product (which must belong to producerID) and
// returns its photos' ids in order.
func (s *Photos) lockPhotos(ctx context.Context, tx pgx.Tx, producerID, productID int64) ([]int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM product WHERE id = $1 AND producer_id = $2 FOR UPDATE`, productID, producerID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrProductNotFound
	}
	if err != nil {
		return nil, err
	}
	rows, err := tx.Query(ctx, `SELECT id FROM product_photo WHERE product_id = $1 ORDER BY position, id`, productID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// renumber gives ids the positions 0..n-1 (the unique constraint is
// checked at commit).
func renumber(ctx context.Context, tx pgx.Tx, ids []int64) error {
	_, err := tx.Exec(ctx, `
		UPDATE product_photo ph SET position = o.pos - 1
		FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, pos)
		WHERE ph.id = o.id AND ph.position <> o.pos - 1`, ids)
	return err
}

// Delete removes a photo of a product of producerID, renumbers the others
// and, after the commit, deletes its objects (keys still referenced by
// another row are kept). Errors: ErrPhotoNotFound.
func (s *Photos) Delete(ctx context.Context, a Actor, producerID, productID, photoID int64) (err error) {
	defer apperr.Wrap(&err, "product.Delete(%d, %d, %d)", producerID, productID, photoID)
	// an upload of the same photo in flight must not see its objects go
	unlock := s.lock("product:" + strconv.FormatInt(productID, 10))
	defer unlock()
	var vs []Variant
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		ids, err := s.lockPhotos(ctx, tx, producerID, productID)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `DELETE FROM product_photo WHERE id = $1 AND product_id = $2 RETURNING variants`, photoID, productID).Scan(&vs)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrPhotoNotFound
		}
		if err != nil {
			return err
		}
		rest := ids[:0]
		for _, id := range ids {
			if id != photoID {
				rest = append(rest, id)
			}
		}
		if err := renumber(ctx, tx, rest); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, ProducerID: producerID,
			Entity: "product_photo", EntityID: photoID, Action: "delete",
			Detail: map[string]any{"product_id": productID, "keys": KeysOf(vs)}})
	})
	if err != nil {
		return err
	}
	s.deleteUnreferenced(context.WithoutCancel(ctx), KeysOf(vs))
	return nil
}

// DeleteProduct deletes a product of producerID that never had a
// certificate, with its photos, and then the photos' objects. Errors:
// ErrProductNotFound, ErrCertified.
func (s *Photos) DeleteProduct(ctx context.Context, a Actor, producerID, productID int64) (err error) {
	defer apperr.Wrap(&err, "product.DeleteProduct(%d, %d)", producerID, productID)
	unlock := s.lock("product:" + strconv.FormatInt(productID, 10))
	defer unlock()
	var keys []string
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var name string
		err := tx.QueryRow(ctx, `SELECT name FROM product WHERE id = $1 AND producer_id = $2 FOR UPDATE`, productID, producerID).Scan(&name)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrProductNotFound
		}
		if err != nil {
			return err
		}
		var certified bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM certificate WHERE product_id = $1)`, productID).Scan(&certified); err != nil {
			return err
		}
		if certified {
			return ErrCertified
		}
		rows, err := tx.Query(ctx, `DELETE FROM product_photo WHERE product_id = $1 RETURNING variants`, productID)
		if err != nil {
			return err
		}
		all, err := pgx.CollectRows(rows, pgx.RowTo[[]Variant])
		if err != nil {
			return err
		}
		for _, vs := range all {
			keys = append(keys, KeysOf(vs)...)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM product WHERE id = $1`, productID); err != nil {
			return fmt.Errorf("delete product: %w", err)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, ProducerID: producerID,
			Entity: "product", EntityID: productID, Action: "delete",
			Detail: map[string]any{"name": name, "photo_keys": keys}})
	})
	if err != nil {
		return err
	}
	s.deleteUnreferenced(context.WithoutCancel(ctx), keys)
	return nil
}

// sweptPrefixes are the prefixes of the objects Photos keeps (showroom
// photos are internal/showroom's).
var sweptPrefixes = []string{"products/", "producers/"}

// Sweep deletes objects under products/ and producers/ older than minAge
// that no row refers to; never anything under another prefix.
func (s *Photos) Sweep(ctx context.Context, minAge time.Duration) (deleted []string, err error) {
	for _, prefix := range sweptPrefixes {
		d, err := media.Sweep(ctx, s.store, prefix, minAge, s.now(), s.Referenced)
		deleted = append(deleted, d...)
		if err != nil {
			return deleted, err
		}
	}
	return deleted, nil
}
