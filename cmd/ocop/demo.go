package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/order"
	"github.com/ocopvn/ocop/internal/payment"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/seed"
)

// DemoPassword is the password of the demo accounts (development only).
const DemoPassword = "demo-ocop-2026"

// demoAccount is one account `ocop seed -demo-accounts` makes.
type demoAccount struct {
	email, name, role string
	// province a staff member serves, or the producer (by name) an owner
	// runs
	province, producer string
	kind               string // a staff member's department (producer.StaffKinds)
}

// demoAccounts let a developer try every role on the demo catalog: the
// household is in Đắk Lắk, so the Đắk Lắk officer may also manage it on
// its behalf.
var demoAccounts = []demoAccount{
	{email: "quantri@ocop.test", name: "Quản trị viên (demo)", role: "admin"},
	{email: "canbo.daklak@ocop.test", name: "Cán bộ Văn phòng OCOP Đắk Lắk (demo)", role: "staff", province: "66", kind: producer.StaffOCOPOffice},
	{email: "xuctien.daklak@ocop.test", name: "Cán bộ Xúc tiến thương mại Đắk Lắk (demo)", role: "staff", province: "66", kind: producer.StaffTradePromotion},
	{email: "nongsan.eakao@ocop.test", name: "Chủ hộ Nông sản Ea Kao (demo)", role: "owner", producer: seed.DemoProducer},
	{email: "nguoimua@ocop.test", name: "Người mua (demo)", role: "shopper"},
}

// seedDemoAccounts creates the demo accounts (idempotent: an existing one
// keeps its password and gets its role again). It refuses to run in
// production, where a known password would be a hole.
func seedDemoAccounts(ctx context.Context, pool *pgxpool.Pool, production bool, stdout io.Writer) error {
	if production {
		return errors.New("demo accounts are for development only (OCOP_ENV=production)")
	}
	acc := account.New(pool, account.Options{})
	producers := producer.New(pool, nil, nil)
	fmt.Fprintf(stdout, "tài khoản mẫu, mật khẩu %q (demo accounts and their password):\n", DemoPassword)
	for _, d := range demoAccounts {
		id, err := account.FindUserID(ctx, pool, account.Identifier{Email: d.email})
		if errors.Is(err, account.ErrNoSuchUser) {
			var u *account.User
			if u, err = acc.Register(ctx, account.SignUp{Identifier: d.email, DisplayName: d.name, Password: DemoPassword}); err == nil {
				id = u.ID
			}
		}
		if err != nil {
			return fmt.Errorf("demo account %s: %w", d.email, err)
		}
		what := "shopper"
		switch d.role {
		case "admin":
			err = acc.SetAdmin(ctx, id)
			what = "admin"
		case "staff":
			err = producers.GrantStaff(ctx, producer.System, id, d.province, d.kind)
			what = "staff of province " + d.province + " (" + d.kind + ")"
		case "owner":
			var producerID int64
			if producerID, err = producers.FindIDByName(ctx, d.producer); err == nil {
				err = producers.AddMember(ctx, producer.System, id, producerID, "owner")
				what = fmt.Sprintf("owner of %s (/quan-ly/%d)", d.producer, producerID)
			}
		}
		if err != nil {
			return fmt.Errorf("demo account %s: %w", d.email, err)
		}
		fmt.Fprintf(stdout, "  %-26s %s\n", d.email, what)
	}
	return seedDemoSales(ctx, pool, stdout)
}

// seedDemoSales lets a new user see the whole sales flow at once: the
// demo household takes VietQR transfers to its own account, the platform
// has an account for mixed carts, and the demo shopper has orders in
// several states (placed once: a second run adds none).
func seedDemoSales(ctx context.Context, pool *pgxpool.Pool, stdout io.Writer) error {
	producers := producer.New(pool, nil, nil)
	household, err := producers.FindIDByName(ctx, seed.DemoProducer)
	if err != nil {
		return err
	}
	free := int64(500_000)
	if err := producers.SetSales(ctx, audit.Actor{ActingAs: audit.AsSystem}, household, producer.Sales{BankBIN: "970415",
		BankAccountNo: "0011001932418", BankAccountName: "HO KINH DOANH NONG SAN EA KAO", ShippingFeeVND: 25_000, FreeShippingFromVND: &free}); err != nil {
		return err
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	orders, err := order.New(pool, order.Options{TokenKey: key})
	if err != nil {
		return err
	}
	payments := payment.New(pool, orders, payment.Options{})
	if err := payments.SetPlatformBank(ctx, audit.Actor{ActingAs: audit.AsSystem}, "970436", "1234567890", "SAN OCOP VIET NAM"); err != nil {
		return err
	}
	shopper, err := account.FindUserID(ctx, pool, account.Identifier{Email: "nguoimua@ocop.test"})
	if err != nil {
		return err
	}
	var placed bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM order_group WHERE user_id = $1)`, shopper).Scan(&placed); err != nil || placed {
		return err
	}
	// products in stock: two of the household's province (Đắk Lắk), one of
	// them the household's when it has one on sale
	rows, err := pool.Query(ctx, `
		SELECT p.slug FROM product p JOIN producer pr ON pr.id = p.producer_id
		JOIN certificate c ON c.product_id = p.id AND c.status = 'active'
		WHERE p.status = 'published' AND p.stock >= 5 AND pr.province_code = '66'
		ORDER BY p.producer_id = $1 DESC, p.producer_id, p.id LIMIT 4`, household)
	if err != nil {
		return err
	}
	slugs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	var commune string
	if err := pool.QueryRow(ctx, `SELECT code FROM commune WHERE province_code = '66' ORDER BY code LIMIT 1`).Scan(&commune); err != nil || len(slugs) < 2 {
		fmt.Fprintln(stdout, "demo orders: skipped (communes not loaded, or too few products in stock)")
		return nil
	}
	// the producer of the first product takes transfers to its own
	// account too: its VietQR order shows a producer as the payee
	var seller int64
	if err := pool.QueryRow(ctx, `SELECT producer_id FROM product WHERE slug = $1`, slugs[0]).Scan(&seller); err != nil {
		return err
	}
	if seller != household {
		if err := producers.SetSales(ctx, audit.Actor{ActingAs: audit.AsSystem}, seller, producer.Sales{BankBIN: "970405",
			BankAccountNo: "5100205123456", BankAccountName: "DEMO CHU THE OCOP", ShippingFeeVND: 30_000, FreeShippingFromVND: &free}); err != nil {
			return err
		}
	}
	place := func(method string, lines ...string) (*payment.Result, error) {
		in := order.CheckoutInput{Buyer: order.Buyer{Name: "Người mua (demo)", Phone: "0912345678", Email: "nguoimua@ocop.test"},
			Shipping: order.Address{ProvinceCode: "66", CommuneCode: commune, Address: "Số 12, đường Lê Duẩn"}, Method: method, UserID: shopper}
		for _, s := range lines {
			in.Lines = append(in.Lines, order.LineInput{Product: s, Quantity: 1})
		}
		return payments.Checkout(ctx, in)
	}
	move := func(r *payment.Result, cs ...order.Change) error {
		for _, o := range r.Group.Orders {
			for _, c := range cs {
				c.Actor = audit.Actor{ActingAs: audit.AsSystem}
				if _, err := orders.Transition(ctx, o.ProducerID, o.Code, c); err != nil {
					return err
				}
			}
		}
		return nil
	}
	// shipped, from two producers; delivered and completed; a transfer
	// waiting to be paid; cancelled by the shopper
	shipped, err := place(order.MethodCOD, slugs[0], slugs[len(slugs)-1])
	if err == nil {
		err = move(shipped, order.Change{To: order.Confirmed, Party: order.ByProducer},
			order.Change{To: order.Shipped, Party: order.ByProducer, Carrier: "Viettel Post", TrackingNo: "VTP123456789"})
	}
	if err != nil {
		return err
	}
	done, err := place(order.MethodCOD, slugs[1])
	if err == nil {
		err = move(done, order.Change{To: order.Confirmed, Party: order.ByProducer},
			order.Change{To: order.Shipped, Party: order.ByProducer, Carrier: "GHN", TrackingNo: "GHN0001"},
			order.Change{To: order.Delivered, Party: order.ByProducer}, order.Change{To: order.Completed, Party: order.ByProducer})
	}
	if err != nil {
		return err
	}
	if _, err := place(order.MethodVietQR, slugs[0]); err != nil {
		return err
	}
	cancelled, err := place(order.MethodCOD, slugs[1])
	if err == nil {
		_, err = orders.CancelByShopper(ctx, cancelled.Group.Code, orders.TrackingToken(cancelled.Group.Code), shopper)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo orders: 4 for nguoimua@ocop.test (shipped, completed, awaiting a VietQR transfer, cancelled); the seller's orders at /quan-ly/%d/don-hang (staff of 66, admin)\n", seller)
	return nil
}
