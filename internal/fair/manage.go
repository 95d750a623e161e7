package fair

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
)

// Fields are an event's form, as typed: kind, name, organizer,
// description, province_code (a new event only), venue_name,
// venue_address, commune_code, lat, lng, starts_on, ends_on, hours
// ("08:00-22:00"), registration_opens_on, registration_closes_on,
// move_in_at, move_out_until ("dd/mm/yyyy hh:mm"), min_star,
// eligible_provinces, eligible_groups (codes separated by commas),
// subsidy_percent, subsidy_cap_vnd, subsidy_legal_basis,
// max_booths_per_producer, deposit_percent and price_<booth type> (empty:
// not offered).
type Fields map[string]string

// FieldsOf is the form of e with its booth types.
func FieldsOf(e *Event, types []BoothType) Fields {
	f := Fields{"kind": e.Kind, "name": e.Name, "organizer": e.Organizer, "description": e.Description,
		"province_code": e.ProvinceCode, "venue_name": e.VenueName, "venue_address": e.VenueAddress, "commune_code": e.CommuneCode,
		"starts_on": e.StartsOn.Format("02/01/2006"), "ends_on": e.EndsOn.Format("02/01/2006"),
		"hours": clock(e.Opens) + "-" + clock(e.Closes), "min_star": strconv.Itoa(e.MinStar),
		"eligible_provinces": strings.Join(e.EligibleProvinces, ", "), "eligible_groups": strings.Join(e.EligibleGroups, ", "),
		"subsidy_percent": strconv.Itoa(e.SubsidyPercent), "subsidy_legal_basis": e.SubsidyLegalBasis,
		"max_booths_per_producer": strconv.Itoa(e.MaxBoothsPerProducer), "deposit_percent": strconv.Itoa(e.DepositPercent)}
	if e.Lat != nil && e.Lng != nil {
		f["lat"], f["lng"] = strconv.FormatFloat(*e.Lat, 'f', -1, 64), strconv.FormatFloat(*e.Lng, 'f', -1, 64)
	}
	if e.SubsidyCapVND != nil {
		f["subsidy_cap_vnd"] = strconv.FormatInt(*e.SubsidyCapVND, 10)
	}
	for k, d := range map[string]*time.Time{"registration_opens_on": e.RegistrationOpensOn, "registration_closes_on": e.RegistrationClosesOn} {
		if d != nil {
			f[k] = d.Format("02/01/2006")
		}
	}
	for k, t := range map[string]*time.Time{"move_in_at": e.MoveInAt, "move_out_until": e.MoveOutUntil} {
		if t != nil {
			f[k] = t.In(Vietnam).Format("02/01/2006 15:04")
		}
	}
	for _, t := range types {
		f["price_"+t.Code] = strconv.FormatInt(t.PriceVND, 10)
	}
	return f
}

// event is a validated form.
type event struct {
	kind, name, organizer, description, province, venueName, venueAddress, commune string
	lat, lng                                                                       *float64
	startsOn, endsOn                                                               time.Time
	opens, closes                                                                  int
	regOpens, regCloses, moveIn, moveOut                                           *time.Time
	minStar, subsidyPercent, maxBooths, depositPercent                             int
	provinces, groups                                                              []string
	subsidyCap                                                                     *int64
	legalBasis                                                                     string
	prices                                                                         map[string]int64
}

var (
	provinceCodeRE = regexp.MustCompile(`^[0-9]{2}$`)
	groupCodeRE    = regexp.MustCompile(`^[IVX]+(\.[0-9]+(\.[a-z])?)?$`)
	hoursRE        = regexp.MustCompile(`^([01]?[0-9]|2[0-4])[:hH.]([0-5][0-9])\s*[-–]\s*([01]?[0-9]|2[0-4])[:hH.]([0-5][0-9])$`)
)

// validate checks a form; provinces maps the province codes to names,
// communes the commune codes to their province.
func validate(f Fields, provinces map[string]bool, communes map[string]string) (event, apperr.FieldErrors) {
	fe := apperr.FieldErrors{}
	var e event
	get := func(k string) string { return strings.TrimSpace(f[k]) }
	e.kind = get("kind")
	if KindName(e.kind) == e.kind {
		fe.Add("kind", "Chọn loại sự kiện.")
	}
	e.name = fe.Text("name", get("name"), true, 200, "tên sự kiện")
	e.organizer = fe.Text("organizer", get("organizer"), false, 200, "đơn vị tổ chức")
	e.description = fe.Text("description", get("description"), false, 4000, "phần giới thiệu")
	e.province = get("province_code")
	if !provinces[e.province] {
		fe.Add("province_code", "Chọn tỉnh, thành phố tổ chức.")
	}
	e.venueName = fe.Text("venue_name", get("venue_name"), e.kind != "livestream", 200, "địa điểm tổ chức")
	e.venueAddress = fe.Text("venue_address", get("venue_address"), false, 300, "địa chỉ")
	if e.commune = get("commune_code"); e.commune != "" {
		if p, ok := communes[e.commune]; !ok || p != e.province {
			fe.Add("commune_code", "Mã xã/phường không có trong tỉnh tổ chức.")
		}
	}
	lat, lng := get("lat"), get("lng")
	if lat != "" || lng != "" {
		la, err1 := strconv.ParseFloat(strings.Replace(lat, ",", ".", 1), 64)
		ln, err2 := strconv.ParseFloat(strings.Replace(lng, ",", ".", 1), 64)
		if err1 != nil || la < 6 || la > 24 {
			fe.Add("lat", "Vĩ độ phải là số từ 6 đến 24 (lãnh thổ Việt Nam), ví dụ 20.9517.")
		}
		if err2 != nil || ln < 102 || ln > 118 {
			fe.Add("lng", "Kinh độ phải là số từ 102 đến 118, ví dụ 107.0800.")
		}
		e.lat, e.lng = &la, &ln
	}
	day := func(k, label string, required bool) *time.Time {
		v := get(k)
		if v == "" {
			if required {
				fe.Add(k, "Vui lòng nhập "+label+" (dd/mm/yyyy).")
			}
			return nil
		}
		for _, layout := range []string{"02/01/2006", "2/1/2006", time.DateOnly} {
			if t, err := time.Parse(layout, v); err == nil {
				return &t
			}
		}
		fe.Add(k, "Ghi "+label+" theo dạng dd/mm/yyyy.")
		return nil
	}
	moment := func(k, label string) *time.Time {
		v := get(k)
		if v == "" {
			return nil
		}
		for _, layout := range []string{"02/01/2006 15:04", "2/1/2006 15:04", "2006-01-02 15:04", "2006-01-02T15:04"} {
			if t, err := time.ParseInLocation(layout, v, Vietnam); err == nil {
				return &t
			}
		}
		fe.Add(k, "Ghi "+label+" theo dạng dd/mm/yyyy hh:mm.")
		return nil
	}
	if s, end := day("starts_on", "ngày khai mạc", true), day("ends_on", "ngày bế mạc", true); s != nil && end != nil {
		e.startsOn, e.endsOn = *s, *end
		if end.Before(*s) {
			fe.Add("ends_on", "Ngày bế mạc phải từ ngày khai mạc trở đi.")
		} else if end.Sub(*s) > 60*24*time.Hour {
			fe.Add("ends_on", "Một sự kiện kéo dài tối đa 60 ngày.")
		}
	}
	e.opens, e.closes = 8*60, 22*60
	if h := get("hours"); h != "" {
		m := hoursRE.FindStringSubmatch(h)
		if m == nil {
			fe.Add("hours", "Ghi giờ mở cửa hằng ngày như 08:00-22:00.")
		} else {
			oh, _ := strconv.Atoi(m[1])
			om, _ := strconv.Atoi(m[2])
			ch, _ := strconv.Atoi(m[3])
			cm, _ := strconv.Atoi(m[4])
			e.opens, e.closes = oh*60+om, ch*60+cm
			if e.opens >= 24*60 || e.closes > 24*60 || e.opens == e.closes {
				fe.Add("hours", "Giờ mở cửa không hợp lệ: ghi như 08:00-22:00.")
			}
			if e.closes == 24*60 {
				e.closes = 0
			}
		}
	}
	e.regOpens, e.regCloses = day("registration_opens_on", "ngày mở đăng ký", false), day("registration_closes_on", "hạn đăng ký", false)
	if e.regOpens != nil && e.regCloses != nil && e.regCloses.Before(*e.regOpens) {
		fe.Add("registration_closes_on", "Hạn đăng ký phải sau ngày mở đăng ký.")
	}
	if e.regCloses != nil && !e.startsOn.IsZero() && e.regCloses.After(e.endsOn) {
		fe.Add("registration_closes_on", "Hạn đăng ký phải trước khi sự kiện kết thúc.")
	}
	e.moveIn, e.moveOut = moment("move_in_at", "giờ nhận gian hàng"), moment("move_out_until", "hạn trả gian hàng")
	number := func(k, label string, def, lo, hi int) int {
		v := get(k)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(strings.TrimSuffix(v, "%"))
		if err != nil || n < lo || n > hi {
			fe.Add(k, fmt.Sprintf("%s là số từ %d đến %d.", label, lo, hi))
			return def
		}
		return n
	}
	e.minStar = number("min_star", "Hạng sao tối thiểu", 3, 3, 5)
	e.subsidyPercent = number("subsidy_percent", "Tỷ lệ hỗ trợ (%)", 0, 0, 100)
	e.maxBooths = number("max_booths_per_producer", "Số gian tối đa mỗi chủ thể", 2, 1, 50)
	e.depositPercent = number("deposit_percent", "Tỷ lệ đặt cọc (%)", 0, 0, 100)
	e.legalBasis = fe.Text("subsidy_legal_basis", get("subsidy_legal_basis"), false, 500, "căn cứ hỗ trợ")
	if v := get("subsidy_cap_vnd"); v != "" {
		n, err := vntext.ParseVND(v)
		if err != nil {
			fe.Add("subsidy_cap_vnd", "Mức hỗ trợ tối đa ghi bằng số đồng, ví dụ 10.000.000.")
		} else {
			e.subsidyCap = &n
		}
	}
	e.provinces = codes(get("eligible_provinces"))
	for _, p := range e.provinces {
		if !provinces[p] {
			fe.Add("eligible_provinces", fmt.Sprintf("Mã tỉnh %q không có; ghi các mã 2 chữ số, cách nhau bởi dấu phẩy.", vntext.Truncate(p, 10)))
		}
	}
	e.groups = codes(get("eligible_groups"))
	for _, g := range e.groups {
		if !groupCodeRE.MatchString(g) {
			fe.Add("eligible_groups", fmt.Sprintf("Mã nhóm %q không hợp lệ; ghi như I.5 hoặc I.5.a.", vntext.Truncate(g, 10)))
		}
	}
	e.prices = map[string]int64{}
	for _, t := range BoothTypes {
		v := get("price_" + t.Code)
		if v == "" {
			continue
		}
		n, err := vntext.ParseVND(v)
		if err != nil {
			fe.Add("price_"+t.Code, "Giá ghi bằng số đồng, ví dụ 2.500.000 (ghi 0 nếu miễn phí).")
			continue
		}
		e.prices[t.Code] = n
	}
	return e, fe
}

// codes splits a list of codes typed with commas, semicolons or spaces.
func codes(s string) []string {
	out := []string{}
	for _, c := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// Save creates (id 0) or updates the event of form; an update keeps the
// event's province. It returns the field errors of a refused form
// (nothing written), or the saved event's id. Booth types in use by a
// booth cannot be removed.
func (s *Service) Save(ctx context.Context, a audit.Actor, may May, id int64, form Fields) (_ int64, _ apperr.FieldErrors, err error) {
	defer apperr.Wrap(&err, "fair.Save(%d)", id)
	var fe apperr.FieldErrors
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		f := Fields{}
		for k, v := range form {
			f[k] = v
		}
		if id != 0 {
			var province string
			err := tx.QueryRow(ctx, `SELECT province_code FROM event WHERE id = $1 FOR UPDATE`, id).Scan(&province)
			if errors.Is(err, pgx.ErrNoRows) {
				return ErrNotFound
			}
			if err != nil {
				return err
			}
			f["province_code"] = province
		}
		if !may(strings.TrimSpace(f["province_code"])) {
			return ErrForbidden
		}
		provinces, communes, err := places(ctx, tx)
		if err != nil {
			return err
		}
		e, errs := validate(f, provinces, communes)
		if id != 0 && len(errs) == 0 {
			// a booth type the plan uses stays offered
			rows, err := tx.Query(ctx, `SELECT booth_type FROM booth WHERE event_id = $1
				UNION SELECT booth_type FROM booth_application WHERE event_id = $1`, id)
			if err != nil {
				return err
			}
			used, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				return err
			}
			for _, u := range used {
				if _, ok := e.prices[u]; !ok {
					t, _ := boothType(u)
					errs.Add("price_"+u, "Sơ đồ hoặc hồ sơ đăng ký đang có "+strings.ToLower(t.Name)+": hãy giữ loại gian này.")
				}
			}
		}
		if len(errs) > 0 {
			fe = errs
			return fe
		}
		args := []any{e.kind, e.name, e.organizer, e.description, e.venueName, e.venueAddress, nullable(e.commune), e.lat, e.lng,
			e.startsOn, e.endsOn, clock(e.opens), clock(e.closes), e.regOpens, e.regCloses, e.moveIn, e.moveOut,
			e.minStar, e.provinces, e.groups, e.subsidyPercent, e.subsidyCap, e.legalBasis, e.maxBooths, e.depositPercent}
		action := "update"
		if id == 0 {
			action = "create"
			slug, err := uniqueSlug(ctx, tx, e.name, e.startsOn)
			if err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `
				INSERT INTO event (kind, name, organizer, description, venue_name, venue_address, commune_code, lat, lng,
				  starts_on, ends_on, opens, closes, registration_opens_on, registration_closes_on, move_in_at, move_out_until,
				  min_star, eligible_provinces, eligible_groups, subsidy_percent, subsidy_cap_vnd, subsidy_legal_basis,
				  max_booths_per_producer, deposit_percent, province_code, slug)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::time, $13::time, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)
				RETURNING id`, append(args, e.province, slug)...).Scan(&id); err != nil {
				return err
			}
		} else {
			tag, err := tx.Exec(ctx, `
				UPDATE event SET kind = $1, name = $2, organizer = $3, description = $4, venue_name = $5, venue_address = $6,
				  commune_code = $7, lat = $8, lng = $9, starts_on = $10, ends_on = $11, opens = $12::time, closes = $13::time,
				  registration_opens_on = $14, registration_closes_on = $15, move_in_at = $16, move_out_until = $17,
				  min_star = $18, eligible_provinces = $19, eligible_groups = $20, subsidy_percent = $21, subsidy_cap_vnd = $22,
				  subsidy_legal_basis = $23, max_booths_per_producer = $24, deposit_percent = $25, updated_at = now()
				WHERE id = $26`, append(args, id)...)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return ErrNotFound
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM event_booth_type WHERE event_id = $1 AND NOT (code = ANY($2))`, id, keys(e.prices)); err != nil {
			return err
		}
		for code, price := range e.prices {
			if _, err := tx.Exec(ctx, `INSERT INTO event_booth_type (event_id, code, price_vnd) VALUES ($1, $2, $3)
				ON CONFLICT (event_id, code) DO UPDATE SET price_vnd = excluded.price_vnd`, id, code, price); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "event", EntityID: id, Action: action,
			Detail: map[string]any{"name": e.name, "province": e.province, "starts_on": e.startsOn.Format(time.DateOnly),
				"ends_on": e.endsOn.Format(time.DateOnly), "prices": e.prices, "subsidy_percent": e.subsidyPercent}})
	})
	if errors.As(err, &fe) {
		return 0, fe, nil
	}
	return id, nil, err
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func keys(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// places reads the province codes and each commune's province.
func places(ctx context.Context, tx pgx.Tx) (map[string]bool, map[string]string, error) {
	provinces := map[string]bool{}
	rows, err := tx.Query(ctx, `SELECT code FROM province`)
	if err != nil {
		return nil, nil, err
	}
	codes, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, nil, err
	}
	for _, c := range codes {
		provinces[c] = true
	}
	communes := map[string]string{}
	rows, err = tx.Query(ctx, `SELECT code, province_code FROM commune`)
	if err != nil {
		return nil, nil, err
	}
	var c, p string
	_, err = pgx.ForEachRow(rows, []any{&c, &p}, func() error { communes[c] = p; return nil })
	return provinces, communes, err
}

// uniqueSlug is the slug of name (with the year when the name lacks it),
// with -2, -3… when taken.
func uniqueSlug(ctx context.Context, tx pgx.Tx, name string, starts time.Time) (string, error) {
	base := vntext.Slug(name)
	if y := strconv.Itoa(starts.Year()); !strings.Contains(base, y) {
		base = strings.Trim(base+"-"+y, "-")
	}
	if len(base) > 100 {
		base = strings.Trim(base[:100], "-")
	}
	return postgres.FreeSlug(ctx, tx, "event", base)
}

// scoped locks event id and checks may on its province; it returns the
// event's status.
func scoped(ctx context.Context, tx pgx.Tx, may May, id int64) (string, error) {
	var province, status string
	err := tx.QueryRow(ctx, `SELECT province_code, status FROM event WHERE id = $1 FOR UPDATE`, id).Scan(&province, &status)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	if !may(province) {
		return "", ErrForbidden
	}
	return status, nil
}

// ErrTransition refuses a status change the event's status does not
// allow.
var ErrTransition = apperr.E(apperr.Conflict, "Không thể chuyển sự kiện sang trạng thái này từ trạng thái hiện tại.", "status change not allowed")

// SetStatus moves event id to status. Opening registration needs the
// registration window and at least one booth on offer; cancelling needs a
// reason, shown to the public.
func (s *Service) SetStatus(ctx context.Context, a audit.Actor, may May, id int64, status, reason string) (err error) {
	defer apperr.Wrap(&err, "fair.SetStatus(%d, %s)", id, status)
	reason = vntext.NFC(strings.TrimSpace(reason))
	return postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		cur, err := scoped(ctx, tx, may, id)
		if err != nil {
			return err
		}
		if !slices.Contains(transitions[cur], status) {
			return ErrTransition
		}
		switch status {
		case RegistrationOpen:
			var window bool
			var booths int
			if err := tx.QueryRow(ctx, `SELECT registration_closes_on IS NOT NULL,
				(SELECT count(*) FROM booth WHERE event_id = $1 AND NOT blocked) FROM event WHERE id = $1`, id).Scan(&window, &booths); err != nil {
				return err
			}
			if !window {
				return apperr.E(apperr.Invalid, "Hãy ghi hạn đăng ký gian hàng trước khi mở đăng ký.", "registration_closes_on is not set")
			}
			if booths == 0 {
				return apperr.E(apperr.Invalid, "Sơ đồ chưa có gian hàng nào: hãy thêm khu và gian trước khi mở đăng ký.", "no booth on offer")
			}
		case Cancelled:
			if reason == "" || len([]rune(reason)) > 500 {
				return apperr.E(apperr.Invalid, "Hãy ghi lý do huỷ (tối đa 500 ký tự): người xem trang sự kiện sẽ thấy lý do này.", "a cancellation needs a reason")
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE event SET status = $2, cancel_reason = $3, updated_at = now() WHERE id = $1`, id, status, reason); err != nil {
			return err
		}
		switch status {
		case Finished:
			// the exhibitors who came have taken part
			if _, err := tx.Exec(ctx, `UPDATE booth_application SET status = 'completed', updated_at = now() WHERE event_id = $1 AND status = 'checked_in'`, id); err != nil {
				return err
			}
		case Cancelled:
			// every application still in play is cancelled by the organiser; booths are freed
			if _, err := tx.Exec(ctx, `DELETE FROM booth_assignment x USING booth_application a WHERE a.id = x.application_id AND a.event_id = $1`, id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE booth_application SET status = 'cancelled_by_organiser', refund_vnd = paid_vnd, updated_at = now()
				WHERE event_id = $1 AND status NOT IN ('rejected', 'withdrawn', 'cancelled_by_organiser')`, id); err != nil {
				return err
			}
		}
		detail := map[string]any{"from": cur, "to": status}
		if reason != "" {
			detail["reason"] = reason
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "event", EntityID: id, Action: "set_status", Detail: detail})
	})
}
