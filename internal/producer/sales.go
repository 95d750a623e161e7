package producer

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
)

// Sales are how a producer sells online: the bank account VietQR
// transfers of its own orders go to, and its shipping fee.
type Sales struct {
	BankBIN         string // "" when it takes no transfers itself
	BankAccountNo   string
	BankAccountName string
	ShippingFeeVND  int64
	// FreeShippingFromVND is the order subtotal from which shipping is
	// free; nil: never.
	FreeShippingFromVND *int64
}

// MaxShippingFeeVND is the highest flat shipping fee.
const MaxShippingFeeVND = 5_000_000

var (
	binRE     = regexp.MustCompile(`^[0-9]{6}$`)
	accountRE = regexp.MustCompile(`^[0-9A-Za-z]{1,19}$`)
)

// Sales returns a producer's sales settings.
func (s *Service) Sales(ctx context.Context, producerID int64) (*Sales, error) {
	v := &Sales{}
	err := s.pool.QueryRow(ctx, `SELECT COALESCE(bank_bin, ''), COALESCE(bank_account_no, ''), COALESCE(bank_account_name, ''),
		shipping_fee_vnd, free_shipping_from_vnd FROM producer WHERE id = $1`, producerID).
		Scan(&v.BankBIN, &v.BankAccountNo, &v.BankAccountName, &v.ShippingFeeVND, &v.FreeShippingFromVND)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrProducerNotFound
	}
	return v, err
}

// SetSales checks and saves a producer's sales settings, audited. The
// caller checks the BIN against the bank list (the screen offers only
// listed banks); here it must be six digits.
func (s *Service) SetSales(ctx context.Context, a audit.Actor, producerID int64, in Sales) error {
	fe := apperr.FieldErrors{}
	in.BankAccountNo = strings.ReplaceAll(strings.TrimSpace(in.BankAccountNo), " ", "")
	in.BankAccountName = strings.ToUpper(vntext.CleanText(in.BankAccountName))
	if in.BankBIN != "" || in.BankAccountNo != "" {
		if !binRE.MatchString(in.BankBIN) {
			fe.Add("bank_bin", "Hãy chọn ngân hàng.")
		}
		if !accountRE.MatchString(in.BankAccountNo) {
			fe.Add("bank_account_no", "Số tài khoản gồm 1–19 chữ số hoặc chữ cái, không dấu cách.")
		}
		fe.Text("bank_account_name", in.BankAccountName, true, 100, "tên chủ tài khoản")
	}
	if in.ShippingFeeVND < 0 || in.ShippingFeeVND > MaxShippingFeeVND {
		fe.Add("shipping_fee", "Phí vận chuyển từ 0 đến 5.000.000 ₫.")
	}
	if in.FreeShippingFromVND != nil && (*in.FreeShippingFromVND < 0 || *in.FreeShippingFromVND > 1_000_000_000) {
		fe.Add("free_shipping_from", "Mức miễn phí vận chuyển không hợp lệ.")
	}
	if err := fe.OrNil(); err != nil {
		return err
	}
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		old, err := s.Sales(ctx, producerID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE producer SET bank_bin = NULLIF($2, ''), bank_account_no = NULLIF($3, ''),
			bank_account_name = NULLIF($4, ''), shipping_fee_vnd = $5, free_shipping_from_vnd = $6, updated_at = clock_timestamp() WHERE id = $1`,
			producerID, in.BankBIN, in.BankAccountNo, in.BankAccountName, in.ShippingFeeVND, in.FreeShippingFromVND)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, ProducerID: producerID, Entity: "producer",
			EntityID: producerID, Action: "sales", Detail: map[string]any{
				"bank_bin":         audit.Change{Old: old.BankBIN, New: in.BankBIN},
				"bank_account_no":  audit.Change{Old: old.BankAccountNo, New: in.BankAccountNo},
				"shipping_fee_vnd": audit.Change{Old: old.ShippingFeeVND, New: in.ShippingFeeVND},
			}})
	})
}
