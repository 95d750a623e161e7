package fair

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
)

// The floor plan: each zone is a grid of cells 3 m wide; a cell is an
// aisle or a booth of one of the event's booth types. Staff lay a zone out
// with a form of one select per cell (no drawing tool needed); booths are
// coded <zone>-01, <zone>-02… in reading order, and a booth keeps its code
// while it stays in its cell.

var zoneCodeRE = regexp.MustCompile(`^[A-Z][A-Z0-9]{0,3}$`)

// ZoneForm is a zone's form.
type ZoneForm struct {
	Code, Name, Theme string
	Cols, Rows        string
}

// SaveZone creates (zoneID 0) or updates a zone of event eventID: its
// code (A, B, K5…), name, theme and grid size. Shrinking the grid removes
// the booths outside it.
func (s *Service) SaveZone(ctx context.Context, a audit.Actor, may May, eventID, zoneID int64, f ZoneForm) (_ int64, _ apperr.FieldErrors, err error) {
	defer apperr.Wrap(&err, "fair.SaveZone(%d, %d)", eventID, zoneID)
	fe := apperr.FieldErrors{}
	code := strings.ToUpper(strings.TrimSpace(f.Code))
	if !zoneCodeRE.MatchString(code) {
		fe.Add("zone_code", "Mã khu là 1–4 chữ cái hoặc số, bắt đầu bằng chữ cái, ví dụ A hoặc K5.")
	}
	name := fe.Text("zone_name", strings.TrimSpace(f.Name), false, 200, "tên khu")
	theme := fe.Text("zone_theme", strings.TrimSpace(f.Theme), false, 200, "chủ đề")
	size := func(k, v string) int {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > 40 {
			fe.Add(k, "Số ô là số từ 1 đến 40.")
		}
		return n
	}
	cols, rows := size("zone_cols", f.Cols), size("zone_rows", f.Rows)
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		// who may comes first: a refused person learns nothing of the form
		if _, err := scoped(ctx, tx, may, eventID); err != nil {
			return err
		}
		if len(fe) > 0 {
			return fe
		}
		var taken bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM event_zone WHERE event_id = $1 AND code = $2 AND id <> $3)`,
			eventID, code, zoneID).Scan(&taken); err != nil {
			return err
		}
		if taken {
			fe.Add("zone_code", "Sự kiện đã có khu mang mã này.")
			return fe
		}
		action := "update_zone"
		if zoneID == 0 {
			action = "create_zone"
			if err := tx.QueryRow(ctx, `
				INSERT INTO event_zone (event_id, code, name, theme, cols, rows, position)
				VALUES ($1, $2, $3, $4, $5, $6, (SELECT count(*) FROM event_zone WHERE event_id = $1)) RETURNING id`,
				eventID, code, name, theme, cols, rows).Scan(&zoneID); err != nil {
				return err
			}
		} else {
			var old string
			err := tx.QueryRow(ctx, `SELECT code FROM event_zone WHERE id = $1 AND event_id = $2`, zoneID, eventID).Scan(&old)
			if errors.Is(err, pgx.ErrNoRows) {
				return ErrNotFound
			}
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE event_zone SET code = $2, name = $3, theme = $4, cols = $5, rows = $6 WHERE id = $1`,
				zoneID, code, name, theme, cols, rows); err != nil {
				return err
			}
			if err := assignedAmong(ctx, tx, `zone_id = $1 AND (x >= $2 OR y >= $3)`, zoneID, cols, rows); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM booth WHERE zone_id = $1 AND (x >= $2 OR y >= $3)`, zoneID, cols, rows); err != nil {
				return err
			}
			if old != code {
				// the booths take the zone's new code
				if _, err := tx.Exec(ctx, `UPDATE booth SET code = $2 || substr(code, strpos(code, '-')) WHERE zone_id = $1`, zoneID, code); err != nil {
					return err
				}
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "event", EntityID: eventID, Action: action,
			Detail: map[string]any{"zone": code, "name": name, "cols": cols, "rows": rows}})
	})
	if errors.As(err, &fe) {
		return 0, fe, nil
	}
	return zoneID, nil, err
}

// Aisle is the cell value of no booth.
const Aisle = ""

// SaveLayout sets the cells of zone zoneID: cells maps "x,y" to a booth
// type of the event or Aisle (a missing cell is an aisle). A booth that
// stays keeps its code; new booths are numbered after the zone's highest.
// It returns how many booths the zone has.
func (s *Service) SaveLayout(ctx context.Context, a audit.Actor, may May, eventID, zoneID int64, cells map[string]string) (_ int, err error) {
	defer apperr.Wrap(&err, "fair.SaveLayout(%d, %d)", eventID, zoneID)
	n := 0
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := scoped(ctx, tx, may, eventID); err != nil {
			return err
		}
		var code string
		var cols, rows int
		err := tx.QueryRow(ctx, `SELECT code, cols, rows FROM event_zone WHERE id = $1 AND event_id = $2 FOR UPDATE`, zoneID, eventID).Scan(&code, &cols, &rows)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		prices, err := boothPrices(ctx, tx, eventID)
		if err != nil {
			return err
		}
		type cell struct{ x, y int }
		want := map[cell]string{}
		for k, t := range cells {
			if t == Aisle {
				continue
			}
			xs, ys, ok := strings.Cut(k, ",")
			x, err1 := strconv.Atoi(xs)
			y, err2 := strconv.Atoi(ys)
			if !ok || err1 != nil || err2 != nil || x < 0 || y < 0 || x >= cols || y >= rows {
				return apperr.E(apperr.Invalid, "Ô ngoài sơ đồ của khu.", fmt.Sprintf("cell %q outside the %dx%d grid", vntext.Truncate(k, 12), cols, rows))
			}
			if _, ok := prices[t]; !ok {
				return apperr.E(apperr.Invalid, "Loại gian này chưa có giá trong sự kiện: hãy ghi giá ở phần thông tin sự kiện.", "booth type not offered: "+vntext.Truncate(t, 20))
			}
			want[cell{x, y}] = t
		}
		type have struct {
			id         int64
			typ        string
			number     int
			x, y, w, h int
		}
		rs, err := tx.Query(ctx, `SELECT id, booth_type, split_part(code, '-', 2)::int, x, y, w, h FROM booth WHERE zone_id = $1`, zoneID)
		if err != nil {
			return err
		}
		var existing []have
		var b have
		if _, err := pgx.ForEachRow(rs, []any{&b.id, &b.typ, &b.number, &b.x, &b.y, &b.w, &b.h}, func() error {
			existing = append(existing, b)
			return nil
		}); err != nil {
			return err
		}
		maxNumber := 0
		kept := map[cell]bool{}
		var removed []int64
		changed := 0
		for _, b := range existing {
			maxNumber = max(maxNumber, b.number)
			t, ok := want[cell{b.x, b.y}]
			if !ok {
				removed = append(removed, b.id)
				continue
			}
			kept[cell{b.x, b.y}] = true
			if t != b.typ {
				if err := assignedAmong(ctx, tx, `id = $1`, b.id); err != nil {
					return err
				}
				bt, _ := boothType(t)
				if _, err := tx.Exec(ctx, `UPDATE booth SET booth_type = $2, area_m2 = $3 WHERE id = $1`, b.id, t, bt.AreaM2); err != nil {
					return err
				}
				changed++
			}
		}
		if len(removed) > 0 {
			if err := assignedAmong(ctx, tx, `id = ANY($1)`, removed); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `DELETE FROM booth WHERE id = ANY($1)`, removed); err != nil {
				return err
			}
		}
		// new booths in reading order
		added := 0
		for y := range rows {
			for x := range cols {
				t, ok := want[cell{x, y}]
				if !ok || kept[cell{x, y}] {
					continue
				}
				maxNumber++
				if maxNumber > 999 {
					return apperr.E(apperr.Invalid, "Một khu có tối đa 999 gian.", "zone numbering past 999")
				}
				bt, _ := boothType(t)
				if _, err := tx.Exec(ctx, `INSERT INTO booth (event_id, zone_id, code, booth_type, x, y, area_m2) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
					eventID, zoneID, fmt.Sprintf("%s-%02d", code, maxNumber), t, x, y, bt.AreaM2); err != nil {
					return err
				}
				added++
			}
		}
		n = len(want)
		if added == 0 && changed == 0 && len(removed) == 0 {
			return nil
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "event", EntityID: eventID, Action: "layout_zone",
			Detail: map[string]any{"zone": code, "added": added, "changed": changed, "removed": len(removed), "booths": n}})
	})
	return n, err
}

// DeleteZone removes a zone and its booths.
func (s *Service) DeleteZone(ctx context.Context, a audit.Actor, may May, eventID, zoneID int64) (err error) {
	defer apperr.Wrap(&err, "fair.DeleteZone(%d, %d)", eventID, zoneID)
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := scoped(ctx, tx, may, eventID); err != nil {
			return err
		}
		if err := assignedAmong(ctx, tx, `zone_id = $1`, zoneID); err != nil {
			return err
		}
		var code string
		err := tx.QueryRow(ctx, `DELETE FROM event_zone WHERE id = $1 AND event_id = $2 RETURNING code`, zoneID, eventID).Scan(&code)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "event", EntityID: eventID, Action: "delete_zone",
			Detail: map[string]any{"zone": code}})
	})
}

// boothPrices maps the event's booth types to their prices.
func boothPrices(ctx context.Context, q postgres.Querier, eventID int64) (map[string]int64, error) {
	rows, err := q.Query(ctx, `SELECT code, price_vnd FROM event_booth_type WHERE event_id = $1`, eventID)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	var c string
	var p int64
	_, err = pgx.ForEachRow(rows, []any{&c, &p}, func() error { out[c] = p; return nil })
	return out, err
}

// Offered lists the event's booth types with their prices, in the order
// of BoothTypes.
func (s *Service) Offered(ctx context.Context, eventID int64) (_ []BoothType, err error) {
	defer apperr.Wrap(&err, "fair.Offered(%d)", eventID)
	prices, err := boothPrices(ctx, s.pool, eventID)
	if err != nil {
		return nil, err
	}
	out := []BoothType{}
	for _, t := range BoothTypes {
		if p, ok := prices[t.Code]; ok {
			t.PriceVND = p
			out = append(out, t)
		}
	}
	return out, nil
}

// Zones returns the event's zones with their booths (by code), each with
// its price.
func (s *Service) Zones(ctx context.Context, eventID int64) (_ []Zone, err error) {
	defer apperr.Wrap(&err, "fair.Zones(%d)", eventID)
	rows, err := s.pool.Query(ctx, `SELECT id, code, name, theme, cols, rows FROM event_zone WHERE event_id = $1 ORDER BY position, code`, eventID)
	if err != nil {
		return nil, err
	}
	zones, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Zone, error) {
		var z Zone
		err := r.Scan(&z.ID, &z.Code, &z.Name, &z.Theme, &z.Cols, &z.Rows)
		return z, err
	})
	if err != nil || len(zones) == 0 {
		return zones, err
	}
	byID := map[int64]int{}
	for i, z := range zones {
		byID[z.ID] = i
	}
	rows, err = s.pool.Query(ctx, `
		SELECT b.id, b.zone_id, b.code, b.booth_type, b.x, b.y, b.w, b.h, b.area_m2::float8, b.blocked, t.price_vnd,
		  coalesce(nullif(pr.display_name, ''), pr.name, ''), coalesce(pr.slug, ''),
		  EXISTS (SELECT 1 FROM booth_offer o WHERE o.booth_id = b.id AND o.expires_at > $2)
		FROM booth b JOIN event_booth_type t ON t.event_id = b.event_id AND t.code = b.booth_type
		LEFT JOIN booth_assignment x ON x.booth_id = b.id
		LEFT JOIN booth_application a ON a.id = x.application_id
		LEFT JOIN producer pr ON pr.id = a.producer_id
		WHERE b.event_id = $1 ORDER BY b.zone_id, split_part(b.code, '-', 2)::int`, eventID, s.now())
	if err != nil {
		return nil, err
	}
	var b Booth
	_, err = pgx.ForEachRow(rows, []any{&b.ID, &b.ZoneID, &b.Code, &b.Type, &b.X, &b.Y, &b.W, &b.H, &b.AreaM2, &b.Blocked, &b.PriceVND,
		&b.Exhibitor, &b.ExhibitorSlug, &b.Held}, func() error {
		bt, _ := boothType(b.Type)
		if bt.PerM2 {
			b.PriceVND = int64(float64(b.PriceVND) * b.AreaM2)
		}
		z := &zones[byID[b.ZoneID]]
		z.Booths = append(z.Booths, b)
		return nil
	})
	return zones, err
}

// assignedAmong refuses a change of the booths matching where (args as
// $1…) when one of them has an exhibitor.
func assignedAmong(ctx context.Context, tx pgx.Tx, where string, args ...any) error {
	var codes []string
	if err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(b.code ORDER BY b.code), '{}') FROM booth b
		WHERE `+where+` AND EXISTS (SELECT 1 FROM booth_assignment a WHERE a.booth_id = b.id)`, args...).Scan(&codes); err != nil {
		return err
	}
	if len(codes) == 0 {
		return nil
	}
	return apperr.E(apperr.Invalid, "Gian "+strings.Join(codes, ", ")+" đã xếp cho chủ thể: hãy chuyển chủ thể sang gian khác trước khi đổi hoặc bỏ gian.",
		"booths with an exhibitor: "+strings.Join(codes, ", "))
}
