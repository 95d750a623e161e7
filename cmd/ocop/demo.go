package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/account"
	"github.com/ocopvn/ocop/internal/producer"
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
	producers := producer.New(pool, nil, nil)
	fmt.Fprintf(stdout, "demo accounts (password %q):\n", DemoPassword)
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
	return nil
}
