package order

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
)

// CartRef names a cart: a signed-in user's, or a guest's by the token in
// its cookie. The zero value is a guest without a cart yet.
type CartRef struct {
	UserID int64
	Token  string
}

// Cart is a cart priced now: its lines grouped by producer, each part with
// its shipping fee.
type Cart struct {
	Parts       []CartPart
	Count       int // units in the cart
	SubtotalVND int64
	ShippingVND int64
	TotalVND    int64
	// Ready is whether every line can be checked out.
	Ready bool
}

// CartPart is the lines of one producer.
type CartPart struct {
	ProducerID       int64
	ProducerSlug     string
	ProducerName     string
	Lines            []CartLine
	SubtotalVND      int64
	ShippingVND      int64
	TotalVND         int64
	FreeShippingFrom *int64
}

// CartLine is one product in a cart, at its current price.
type CartLine struct {
	ProductID    int64
	Slug         string
	Name         string
	Unit         string
	UnitPriceVND int64
	// ListPriceVND is the product's own price: above UnitPriceVND while a
	// promotion runs
	ListPriceVND int64
	Quantity     int
	// Max is the most that may be ordered: min(stock, the line cap).
	Max          int
	LineTotalVND int64
	// Problem is why the line cannot be checked out (Problem*), or "".
	Problem string
}

// Lines returns every line of the cart.
func (c *Cart) Lines() []CartLine {
	var out []CartLine
	for _, p := range c.Parts {
		out = append(out, p.Lines...)
	}
	return out
}

var errCartProduct = apperr.E(apperr.NotFound, "Không tìm thấy sản phẩm này.", "no such product")

var errCartFull = apperr.E(apperr.Unprocessable, fmt.Sprintf("Giỏ hàng có tối đa %d sản phẩm khác nhau.", MaxLines), "the cart is full")

// cartID returns the cart's id, or 0 when it has none.
func cartID(ctx context.Context, q postgres.Querier, ref CartRef) (int64, error) {
	var id int64
	var err error
	switch {
	case ref.UserID != 0:
		err = q.QueryRow(ctx, `SELECT id FROM cart WHERE user_id = $1`, ref.UserID).Scan(&id)
	case ref.Token != "":
		err = q.QueryRow(ctx, `SELECT id FROM cart WHERE token_hash = $1`, hash(ref.Token)).Scan(&id)
	default:
		return 0, nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// ensureCart returns the cart's id, creating the cart (and, for a guest
// without one, its token) when needed.
func ensureCart(ctx context.Context, tx pgx.Tx, ref CartRef) (int64, CartRef, error) {
	if ref.UserID == 0 && ref.Token == "" {
		ref.Token = newToken()
	}
	var id int64
	var err error
	if ref.UserID != 0 {
		err = tx.QueryRow(ctx, `INSERT INTO cart (user_id) VALUES ($1)
			ON CONFLICT (user_id) DO UPDATE SET updated_at = now() RETURNING id`, ref.UserID).Scan(&id)
	} else {
		err = tx.QueryRow(ctx, `INSERT INTO cart (token_hash) VALUES ($1)
			ON CONFLICT (token_hash) DO UPDATE SET updated_at = now() RETURNING id`, hash(ref.Token)).Scan(&id)
	}
	return id, ref, err
}

// AddToCart adds quantity units of the product (by slug) to the cart,
// capped at what may be ordered. It returns the cart's ref, with a new
// guest token when the guest had no cart.
func (s *Service) AddToCart(ctx context.Context, ref CartRef, slug string, quantity int) (CartRef, error) {
	if quantity < 1 {
		quantity = 1
	}
	ps, err := productsBySlug(ctx, s.pool, []string{slug})
	if err != nil {
		return ref, err
	}
	p := ps[slug]
	if p == nil || p.problem(1) == ProblemUnavailable {
		return ref, errCartProduct
	}
	if pr := p.problem(1); pr != "" {
		return ref, apperr.E(apperr.Conflict, problemText(pr, p.Name), pr)
	}
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		id, ref, err = ensureCart(ctx, tx, ref)
		if err != nil {
			return err
		}
		var lines int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM cart_line WHERE cart_id = $1 AND product_id <> $2`, id, p.ID).Scan(&lines); err != nil {
			return err
		}
		if lines >= MaxLines {
			return errCartFull
		}
		_, err = tx.Exec(ctx, `INSERT INTO cart_line (cart_id, product_id, quantity) VALUES ($1, $2, LEAST($3::int, $4::int))
			ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = LEAST(cart_line.quantity + $3::int, $4::int)`,
			id, p.ID, quantity, min(s.lineCap, max(p.Stock, 1)))
		return err
	})
	return ref, err
}

// SetQuantity sets a line's quantity; 0 removes it. A quantity above what
// may be ordered is kept at that maximum.
func (s *Service) SetQuantity(ctx context.Context, ref CartRef, productID int64, quantity int) error {
	id, err := cartID(ctx, s.pool, ref)
	if err != nil || id == 0 {
		return err
	}
	if quantity <= 0 {
		_, err = s.pool.Exec(ctx, `DELETE FROM cart_line WHERE cart_id = $1 AND product_id = $2`, id, productID)
		return err
	}
	_, err = s.pool.Exec(ctx, `UPDATE cart_line l SET quantity = LEAST($3::int, $4::int, GREATEST(p.stock, 1))
		FROM product p WHERE l.cart_id = $1 AND l.product_id = $2 AND p.id = l.product_id`, id, productID, quantity, s.lineCap)
	return err
}

// CartCount is the number of units in the cart (for the header).
func (s *Service) CartCount(ctx context.Context, ref CartRef) (int, error) {
	if ref.UserID == 0 && ref.Token == "" {
		return 0, nil
	}
	var n int
	var err error
	if ref.UserID != 0 {
		err = s.pool.QueryRow(ctx, `SELECT COALESCE(sum(l.quantity), 0) FROM cart c JOIN cart_line l ON l.cart_id = c.id WHERE c.user_id = $1`, ref.UserID).Scan(&n)
	} else {
		err = s.pool.QueryRow(ctx, `SELECT COALESCE(sum(l.quantity), 0) FROM cart c JOIN cart_line l ON l.cart_id = c.id WHERE c.token_hash = $1`, hash(ref.Token)).Scan(&n)
	}
	return n, err
}

// MergeCart moves a guest's cart into the user's at sign-in: quantities of
// a product in both add up (capped); the guest cart is deleted.
func (s *Service) MergeCart(ctx context.Context, guestToken string, userID int64) error {
	if guestToken == "" || userID == 0 {
		return nil
	}
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		guest, err := cartID(ctx, tx, CartRef{Token: guestToken})
		if err != nil || guest == 0 {
			return err
		}
		mine, _, err := ensureCart(ctx, tx, CartRef{UserID: userID})
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO cart_line (cart_id, product_id, quantity, added_at)
			SELECT $2, l.product_id, LEAST(l.quantity, $3::int, GREATEST(p.stock, 1)), l.added_at
			FROM cart_line l JOIN product p ON p.id = l.product_id WHERE l.cart_id = $1
			ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = LEAST(cart_line.quantity + EXCLUDED.quantity, $3::int,
				(SELECT GREATEST(p.stock, 1) FROM product p WHERE p.id = EXCLUDED.product_id))`,
			guest, mine, s.lineCap); err != nil {
			return err
		}
		// keep the cart within MaxLines: the oldest lines stay
		if _, err := tx.Exec(ctx, `DELETE FROM cart_line WHERE cart_id = $1 AND product_id IN (
			SELECT product_id FROM cart_line WHERE cart_id = $1 ORDER BY added_at, product_id OFFSET $2)`, mine, MaxLines); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM cart WHERE id = $1`, guest)
		return err
	})
}

// LoadCart returns the cart priced now; an empty cart when there is none.
func (s *Service) LoadCart(ctx context.Context, ref CartRef) (*Cart, error) {
	id, err := cartID(ctx, s.pool, ref)
	if err != nil || id == 0 {
		return &Cart{}, err
	}
	rows, err := s.pool.Query(ctx, `SELECT product_id, quantity FROM cart_line WHERE cart_id = $1 ORDER BY added_at, product_id`, id)
	if err != nil {
		return nil, err
	}
	var lines []LineInput
	var ids []int64
	var pid int64
	var q int
	if _, err := pgx.ForEachRow(rows, []any{&pid, &q}, func() error {
		ids = append(ids, pid)
		lines = append(lines, LineInput{productID: pid, Quantity: q})
		return nil
	}); err != nil {
		return nil, err
	}
	ps, err := productsByID(ctx, s.pool, ids)
	if err != nil {
		return nil, err
	}
	return s.price(lines, func(l LineInput) *productRow { return ps[l.productID] }), nil
}

// price groups lines by producer (in the order producers first appear)
// and prices them at the products' current prices.
func (s *Service) price(lines []LineInput, find func(LineInput) *productRow) *Cart {
	c := &Cart{Ready: len(lines) > 0}
	for _, l := range lines {
		p := find(l)
		if p == nil {
			continue // deleted since it was added
		}
		line := CartLine{ProductID: p.ID, Slug: p.Slug, Name: p.Name, Unit: p.Unit, UnitPriceVND: p.PriceVND, ListPriceVND: p.ListPriceVND,
			Quantity: l.Quantity, Max: max(min(s.lineCap, p.Stock), 0), Problem: p.problem(l.Quantity)}
		line.LineTotalVND = line.UnitPriceVND * int64(line.Quantity)
		if line.Problem != "" {
			c.Ready = false
		}
		i := slices.IndexFunc(c.Parts, func(x CartPart) bool { return x.ProducerID == p.ProducerID })
		if i < 0 {
			c.Parts = append(c.Parts, CartPart{ProducerID: p.ProducerID, ProducerSlug: p.ProducerSlug, ProducerName: p.ProducerName,
				FreeShippingFrom: p.FreeShippingFrom})
			i = len(c.Parts) - 1
		}
		part := &c.Parts[i]
		part.Lines = append(part.Lines, line)
		c.Count += line.Quantity
		if line.Problem == "" {
			part.SubtotalVND += line.LineTotalVND
		}
	}
	for i := range c.Parts {
		part := &c.Parts[i]
		if part.SubtotalVND > 0 {
			p := find(LineInput{productID: part.Lines[0].ProductID, Product: part.Lines[0].Slug})
			part.ShippingVND = Shipping(part.SubtotalVND, p.ShippingFeeVND, p.FreeShippingFrom)
		}
		part.TotalVND = part.SubtotalVND + part.ShippingVND
		c.SubtotalVND += part.SubtotalVND
		c.ShippingVND += part.ShippingVND
		c.TotalVND += part.TotalVND
	}
	return c
}

// problemText is a line problem said to the shopper.
func problemText(problem, name string) string {
	switch problem {
	case ProblemUncertified:
		return fmt.Sprintf("“%s” không còn chứng nhận OCOP hiệu lực nên tạm ngừng bán.", name)
	case ProblemOutOfStock:
		return fmt.Sprintf("“%s” đã hết hàng.", name)
	case ProblemTooMany:
		return fmt.Sprintf("“%s” không còn đủ số lượng bạn chọn.", name)
	}
	return fmt.Sprintf("“%s” hiện không bán.", strings.TrimSpace(vntext.Truncate(name, 120)))
}

// ProblemText is a line problem said to the shopper, for the cart page.
func ProblemText(problem, name string) string { return problemText(problem, name) }
