package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/account"
)

// DemoPassword is the password of the demo accounts (development only).
const DemoPassword = "demo-ocop-2026"

// demoAccount is one account `ocop seed -demo-accounts` makes.
type demoAccount struct {
	email, name, role string
	// province a staff member serves, or the producer (by name) an owner
	// runs
	province, producer string
}

// demoAccounts let a developer try every role on the demo catalog: the
// household is in Đắk Lắk, so the Đắk Lắk officer may also manage it on
// its behalf.
var demoAccounts = []demoAccount{
	{email: "quantri@ocop.test", name: "Quản trị viên (demo)", role: "admin"},
	{email: "canbo.daklak@ocop.test", name: "Cán bộ Sở Công Thương Đắk Lắk (demo)", role: "staff", province: "66"},
	{email: "yensao.banme@ocop.test", name: "Chủ hộ Yến sào Ban Mê (demo)", role: "owner", producer: "Hộ kinh doanh Yến sào Ban Mê"},
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
	fmt.Fprintf(stdout, "demo accounts (password %q):\n", DemoPassword)
	for _, d := range demoAccounts {
		var id int64
		err := pool.QueryRow(ctx, `SELECT id FROM app_user WHERE email = $1`, d.email).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
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
			_, err = pool.Exec(ctx, `UPDATE app_user SET is_admin = true WHERE id = $1 AND NOT is_admin`, id)
			what = "admin"
		case "staff":
			err = acc.AddStaffProvince(ctx, id, d.province)
			what = "staff of province " + d.province
		case "owner":
			var producerID int64
			if err = pool.QueryRow(ctx, `SELECT id FROM producer WHERE name = $1`, d.producer).Scan(&producerID); err == nil {
				err = acc.AddProducerMember(ctx, id, producerID, "owner")
				what = fmt.Sprintf("owner of %s (/quan-ly/%d)", d.producer, producerID)
			}
		}
		if err != nil {
			return fmt.Errorf("demo account %s: %w", d.email, err)
		}
		fmt.Fprintf(stdout, "  %-26s %s\n", d.email, what)
	}
	return nil
}
