package showroom

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/sheet"
	"github.com/ocopvn/ocop/internal/vntext"
)

// Staff manage the showrooms of the provinces whose trade promotion they
// work for (admins: all). May answers whether the acting person may change
// the showrooms of a province; every change is audited with the actor.
type May func(province string) bool

// ErrForbidden refuses a change to another province's showroom.
var ErrForbidden = apperr.E(apperr.Forbidden, "Bạn không phụ trách xúc tiến thương mại của tỉnh này.", "not trade promotion staff of this province")

// Fields are a showroom's form: the sheet's columns (code, name, type,
// operator, operator_kind, province_code, commune_code, address, lat,
// lng, phone, zalo, email, area_m2, hours, status, valid_from, valid_to).
type Fields map[string]string

// Columns are the form's fields, in the sheet's order.
var Columns = showroomSpec.Columns

// StaffList lists the showrooms of provinces (nil: every province),
// whatever their status and dates, by province and name.
func (s *Service) StaffList(ctx context.Context, provinces []string) (_ []*Showroom, err error) {
	defer apperr.Wrap(&err, "showroom.StaffList")
	rows, err := s.pool.Query(ctx, `
		SELECT `+columnsSQL+`
		FROM showroom s JOIN province p ON p.code = s.province_code LEFT JOIN commune c ON c.code = s.commune_code
		WHERE $1::text[] IS NULL OR s.province_code = ANY($1)
		ORDER BY s.province_code, s.name_fold, s.id`, provinces)
	if err != nil {
		return nil, err
	}
	var out []*Showroom
	for rows.Next() {
		sr, err := scanShowroom(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, sr)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.loadAllHours(ctx, out)
}

// ByID returns a showroom whatever its status, with its hours and
// exceptions (past ones too).
func (s *Service) ByID(ctx context.Context, id int64) (_ *Showroom, err error) {
	defer apperr.Wrap(&err, "showroom.ByID(%d)", id)
	sr, err := scanShowroom(s.pool.QueryRow(ctx, `
		SELECT `+columnsSQL+`
		FROM showroom s JOIN province p ON p.code = s.province_code LEFT JOIN commune c ON c.code = s.commune_code
		WHERE s.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return sr, s.loadAllHours(ctx, []*Showroom{sr})
}

// loadAllHours is loadHours for staff: every exception, past ones too.
func (s *Service) loadAllHours(ctx context.Context, srs []*Showroom) error {
	return s.loadHours(ctx, srs)
}

// FieldsOf returns the form of an existing showroom.
func FieldsOf(sr *Showroom) Fields {
	f := Fields{"code": sr.Code, "name": sr.Name, "type": sr.Type, "operator": sr.OperatorName, "operator_kind": sr.OperatorKind,
		"province_code": sr.ProvinceCode, "commune_code": sr.CommuneCode, "address": sr.Address,
		"phone": localNumber(sr.Phone), "zalo": localNumber(sr.Zalo), "email": sr.Email, "hours": sr.HoursText, "status": sr.Status}
	if !sr.Approximate {
		f["lat"], f["lng"] = fmt.Sprintf("%.6f", sr.Lat), fmt.Sprintf("%.6f", sr.Lng)
	}
	if sr.AreaM2 != nil {
		f["area_m2"] = fmt.Sprintf("%g", *sr.AreaM2)
	}
	if sr.ValidFrom != nil {
		f["valid_from"] = sr.ValidFrom.Format("02/01/2006")
	}
	if sr.ValidTo != nil {
		f["valid_to"] = sr.ValidTo.Format("02/01/2006")
	}
	return f
}

func localNumber(e164 string) string {
	if strings.HasPrefix(e164, "+84") {
		return "0" + e164[3:]
	}
	return e164
}

// Save creates (id 0) or updates the showroom of form, checked as a sheet
// row is; an update keeps the showroom's province and code. It returns
// the field errors of a refused form (nothing written), or the saved
// showroom's id.
func (s *Service) Save(ctx context.Context, a audit.Actor, may May, id int64, form Fields) (_ int64, _ apperr.FieldErrors, err error) {
	defer apperr.Wrap(&err, "showroom.Save(%d)", id)
	rec := sheet.Record{}
	for k, v := range form {
		rec[k] = v
	}
	var fe apperr.FieldErrors
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if id != 0 {
			var province, code string
			err := tx.QueryRow(ctx, `SELECT province_code, code FROM showroom WHERE id = $1 FOR UPDATE`, id).Scan(&province, &code)
			if errors.Is(err, pgx.ErrNoRows) {
				return ErrNotFound
			}
			if err != nil {
				return err
			}
			rec["province_code"], rec["code"] = province, code
		}
		if !may(strings.TrimSpace(rec["province_code"])) {
			return ErrForbidden
		}
		communes, centres, err := communesOf(ctx, tx)
		if err != nil {
			return err
		}
		r, errs := validate(rec, 0, communes)
		if r.lat == nil && r.commune != "" && len(errs) == 0 {
			if ctr, ok := centres[r.commune]; ok {
				r.lat, r.lng, r.fromCentre = &ctr.Lat, &ctr.Lng, true
			} else {
				errs = append(errs, sheet.RowError{Column: "lat", ReasonVI: "xã này chưa có toạ độ trung tâm: hãy ghi vĩ độ, kinh độ"})
			}
		}
		if id == 0 {
			var taken bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM showroom WHERE province_code = $1 AND code = $2)`, r.province, r.code).Scan(&taken); err != nil {
				return err
			}
			if taken {
				errs = append(errs, sheet.RowError{Column: "code", ReasonVI: "tỉnh đã có điểm bán mang mã này"})
			}
		}
		for _, e := range errs {
			fe = fe.Add(e.Column, upper(e.ReasonVI)+".")
		}
		if len(fe) > 0 {
			return fe
		}
		res, sid, err := s.writeRow(ctx, tx, r)
		if err != nil {
			return err
		}
		id = sid
		if res == "unchanged" {
			return nil
		}
		action := map[string]string{"created": "create", "updated": "update"}[res]
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "showroom", EntityID: sid, Action: action,
			Detail: map[string]any{"province": r.province, "code": r.code, "name": r.name, "hours": r.hours, "status": r.status}})
	})
	if errors.As(err, &fe) {
		return 0, fe, nil
	}
	return id, nil, err
}

func upper(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// scoped loads the province of showroom id and checks may.
func scoped(ctx context.Context, tx pgx.Tx, may May, id int64) error {
	var province string
	err := tx.QueryRow(ctx, `SELECT province_code FROM showroom WHERE id = $1 FOR UPDATE`, id).Scan(&province)
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	if !may(province) {
		return ErrForbidden
	}
	return nil
}

// ErrException refuses an exception day.
var ErrException = apperr.E(apperr.Invalid, "Ngày hoặc giờ không đúng: ghi ngày dd/mm/yyyy, để trống giờ nếu đóng cửa cả ngày, hoặc ghi giờ như 08:00-12:00.", "bad exception date or hours")

// SetException records a day unlike the week on showroom id: closed when
// hours is empty, else open at those hours (one interval); a day set
// before is replaced.
func (s *Service) SetException(ctx context.Context, a audit.Actor, may May, id int64, day, hours, note string) (err error) {
	defer apperr.Wrap(&err, "showroom.SetException(%d)", id)
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		// who may comes first: a refused person learns nothing of the form
		if err := scoped(ctx, tx, may, id); err != nil {
			return err
		}
		d := date(day, "date", func(string, string, string) {})
		if d == nil {
			return ErrException
		}
		var opens, closes *string
		if strings.TrimSpace(hours) != "" {
			ivs, err := ParseIntervals(hours)
			if err != nil || len(ivs) != 1 {
				return ErrException
			}
			o, c := clock(ivs[0].Opens), clock(ivs[0].Closes)
			opens, closes = &o, &c
		}
		note = strings.TrimSpace(note)
		if len([]rune(note)) > 200 {
			return ErrException
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO showroom_exception (showroom_id, on_date, opens, closes, note) VALUES ($1, $2, $3::time, $4::time, $5)
			ON CONFLICT (showroom_id, on_date) DO UPDATE SET opens = excluded.opens, closes = excluded.closes, note = excluded.note`,
			id, *d, opens, closes, note); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "showroom", EntityID: id, Action: "set_exception",
			Detail: map[string]any{"date": d.Format(time.DateOnly), "hours": strings.TrimSpace(hours), "note": note}})
	})
}

// RemoveException removes the exception of a day.
func (s *Service) RemoveException(ctx context.Context, a audit.Actor, may May, id int64, day string) (err error) {
	defer apperr.Wrap(&err, "showroom.RemoveException(%d)", id)
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := scoped(ctx, tx, may, id); err != nil {
			return err
		}
		d := date(day, "date", func(string, string, string) {})
		if d == nil {
			return ErrException
		}
		tag, err := tx.Exec(ctx, `DELETE FROM showroom_exception WHERE showroom_id = $1 AND on_date = $2`, id, *d)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "showroom", EntityID: id, Action: "remove_exception",
			Detail: map[string]any{"date": d.Format(time.DateOnly)}})
	})
}

// ErrProductSlug refuses a product that is not public.
var ErrProductSlug = apperr.E(apperr.Invalid, "Không có sản phẩm OCOP đang bán với địa chỉ này. Hãy dán đường dẫn hoặc mã của trang sản phẩm (ví dụ che-shan-tuyet-tan-cuong).", "no public product with this slug")

// ProductChange is a change of the products a showroom carries.
type ProductChange string

// Changes of a product carried.
const (
	AddProduct    ProductChange = "add"
	RemoveProduct ProductChange = "remove"
	InStock       ProductChange = "in_stock"     // back on the shelves
	OutOfStock    ProductChange = "out_of_stock" // carried, sold out there for now
)

// ProductChangeOf is the change a form's action asks for ("" adds).
func ProductChangeOf(action string) ProductChange {
	switch c := ProductChange(action); c {
	case RemoveProduct, InStock, OutOfStock:
		return c
	}
	return AddProduct
}

// SetProduct changes a product carried by showroom id, by its slug or
// page address: adds it, removes it, or marks it in or out of stock
// there.
func (s *Service) SetProduct(ctx context.Context, a audit.Actor, may May, id int64, slug string, change ProductChange) (err error) {
	defer apperr.Wrap(&err, "showroom.SetProduct(%d)", id)
	return s.setProduct(ctx, a, 0, func(tx pgx.Tx) error { return scoped(ctx, tx, may, id) }, id, slug, change)
}

// setProduct is SetProduct once check (run first in the transaction,
// locking the showroom) allows the change; producerID (or 0) is the
// operator acting.
func (s *Service) setProduct(ctx context.Context, a audit.Actor, producerID int64, check func(pgx.Tx) error, id int64, ref string, change ProductChange) error {
	slug := vntext.SlugIn(ref, "san-pham")
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := check(tx); err != nil {
			return err
		}
		var pid int64
		var name string
		// only a public product may be added; any carried may change
		q := `SELECT id, name FROM public_product WHERE slug = $1`
		if change != AddProduct {
			q = `SELECT id, name FROM product WHERE slug = $1`
		}
		err := tx.QueryRow(ctx, q, slug).Scan(&pid, &name)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrProductSlug
		}
		if err != nil {
			return err
		}
		var sql, action string
		switch change {
		case RemoveProduct:
			sql, action = `DELETE FROM showroom_product WHERE showroom_id = $1 AND product_id = $2`, "remove_product"
		case InStock, OutOfStock:
			sql = `UPDATE showroom_product SET in_stock = $3 WHERE showroom_id = $1 AND product_id = $2 AND in_stock <> $3`
			action = string(change)
		default:
			sql, action = `INSERT INTO showroom_product (showroom_id, product_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, "add_product"
		}
		args := []any{id, pid}
		if change == InStock || change == OutOfStock {
			args = append(args, change == InStock)
		}
		tag, err := tx.Exec(ctx, sql, args...)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, ProducerID: producerID, Entity: "showroom", EntityID: id,
			Action: action, Detail: map[string]any{"product": name, "slug": slug}})
	})
}

// communesOf reads the communes' provinces and centres.
func communesOf(ctx context.Context, tx pgx.Tx) (map[string]string, map[string]Point, error) {
	communes := map[string]string{}
	centres := map[string]Point{}
	rows, err := tx.Query(ctx, `SELECT code, province_code, lat, lng FROM commune`)
	if err != nil {
		return nil, nil, err
	}
	var c, p string
	var lat, lng *float64
	_, err = pgx.ForEachRow(rows, []any{&c, &p, &lat, &lng}, func() error {
		communes[c] = p
		if lat != nil && lng != nil {
			centres[c] = Point{*lat, *lng}
		}
		return nil
	})
	return communes, centres, err
}
