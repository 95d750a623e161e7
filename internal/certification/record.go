package certification

import (
	"context"
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/producer"
	"github.com/ocopvn/ocop/internal/product"
)

// Form records an OCOP certificate for a product, as typed in the staff
// console.
type Form struct {
	DecisionNo       string
	DecisionDate     string // yyyy-mm-dd
	Star             string
	Score            string // optional, 0–100
	IssuingLevel     string
	IssuingAuthority string
	IssuingProvince  string
	// ValidFrom is the start of validity when the decision states a later
	// one than its own date (Yên Bái: "kể từ ngày 28/12/2023"); "" for the
	// decision date.
	ValidFrom string
	// MeetsMandatory is "no" when the product does not meet its star's
	// mandatory criteria (then it is not certified); anything else is yes.
	MeetsMandatory string
	// Confirm is "1" when the officer has read the warnings (a decision
	// that differs from its period's pattern) and records it anyway.
	Confirm string
}

// Certificate is a recorded certificate.
type Certificate struct {
	ID               int64
	DecisionNo       string
	DecisionDate     time.Time
	Star             int
	Score            string
	IssuingLevel     string
	IssuingAuthority string
	IssuingProvince  string
	ValidFrom        time.Time
	ValidUntil       time.Time
	Status           string
	CreatedAt        time.Time
	// the revoking decision, for a revoked certificate
	RevokedOn        *time.Time
	RevokeDecisionNo string
	RevokeReason     string
}

// Revoked is the revocation's date, dd/mm/yyyy ("" when not revoked).
func (c Certificate) Revoked() string {
	if c.RevokedOn == nil {
		return ""
	}
	return c.RevokedOn.Format("02/01/2006")
}

// Points is the score the Vietnamese way (95,64), or "" when none.
func (c Certificate) Points() string {
	f, err := strconv.ParseFloat(c.Score, 64)
	if err != nil {
		return c.Score
	}
	return ScoreText(f)
}

// PotentialFive reports a provincial 4★ scoring 90 or more.
func (c Certificate) PotentialFive() bool {
	f, err := strconv.ParseFloat(c.Score, 64)
	if err != nil {
		return false
	}
	h := int64(math.Round(f * 100))
	return PotentialFive(c.Star, c.IssuingLevel, &h)
}

// LevelLabel is the label of the certificate's issuing level.
func (c Certificate) LevelLabel() string { return LevelLabel(c.IssuingLevel) }

// Decided is the decision date, dd/mm/yyyy.
func (c Certificate) Decided() string { return c.DecisionDate.Format("02/01/2006") }

// From is the first valid day, dd/mm/yyyy.
func (c Certificate) From() string { return c.ValidFrom.Format("02/01/2006") }

// Until is the last valid day, dd/mm/yyyy.
func (c Certificate) Until() string { return c.ValidUntil.Format("02/01/2006") }

var (
	errNotFound = apperr.E(apperr.NotFound, "Không tìm thấy trang bạn cần.", "not found")
	// ErrNotOCOPOffice is staff of the province who do not work for its
	// OCOP office (trade promotion, say): certificates are not theirs.
	ErrNotOCOPOffice = apperr.E(apperr.Forbidden,
		"Chỉ cán bộ Văn phòng điều phối OCOP của tỉnh (Sở Nông nghiệp và Môi trường) được ghi nhận và thu hồi chứng nhận.",
		"only the province's OCOP office records and revokes certificates")
	provinceRE = regexp.MustCompile(`^[0-9]{2}$`)
)

// ProductCertificates returns a product of the producer (else NotFound)
// with its certificates, newest first. The actor must serve the
// producer's province.
func (s *Service) ProductCertificates(ctx context.Context, actor producer.Actor, producerID, productID int64) (p *product.ProductRef, certs []Certificate, err error) {
	defer apperr.Wrap(&err, "certification.ProductCertificates(%d, %d)", producerID, productID)
	p = &product.ProductRef{}
	var prov string
	err = s.pool.QueryRow(ctx, `SELECT x.id, x.name, x.slug, x.status, pr.province_code FROM product x
		JOIN producer pr ON pr.id = x.producer_id WHERE x.id = $1 AND x.producer_id = $2`, productID, producerID).
		Scan(&p.ID, &p.Name, &p.Slug, &p.Status, &prov)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !actor.Serves(prov)) {
		return nil, nil, errNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	certs, err = findByProduct(ctx, s.pool, productID)
	return p, certs, err
}

// signedOn reads a decision's date of signature (yyyy-mm-dd) into field,
// recording a message in fe when it is missing, malformed or in the future
// in Vietnam; ok reports a usable date.
func (s *Service) signedOn(fe apperr.FieldErrors, field, raw, what string) (date time.Time, ok bool) {
	date, err := time.Parse(time.DateOnly, strings.TrimSpace(raw))
	switch {
	case strings.TrimSpace(raw) == "":
		fe[field] = "Vui lòng nhập ngày ký " + what + "."
	case err != nil:
		fe[field] = "Ngày ký chưa đúng (năm-tháng-ngày, ví dụ 2025-03-15)."
	case date.After(s.Today()):
		fe[field] = "Ngày ký quyết định không thể ở tương lai."
	default:
		return date, true
	}
	return date, false
}

// check validates f, returning the decision date, star and score
// (hundredths, nil when not given) or the field errors.
func (s *Service) check(ctx context.Context, f *Form) (date, from time.Time, star int, score *string, issuingProv *string, err error) {
	fe := apperr.FieldErrors{}
	f.DecisionNo = fe.Text("decision_no", f.DecisionNo, true, 200, "số quyết định")
	f.IssuingAuthority = fe.Text("issuing_authority", f.IssuingAuthority, true, 300, "cơ quan ban hành")
	date, ok := s.signedOn(fe, "decision_date", f.DecisionDate, "quyết định")
	switch {
	case !ok:
	case date.Before(ProgrammeStart):
		fe["decision_date"] = "Ngày ký trước khi Chương trình OCOP bắt đầu (07/05/2018)."
	}
	star, serr := strconv.Atoi(strings.TrimSpace(f.Star))
	floor, ok := MinScore(star)
	if serr != nil || !ok {
		fe["star"] = "Vui lòng chọn hạng sao: 3, 4 hoặc 5 sao."
		star = 0
	}
	if raw := strings.TrimSpace(strings.ReplaceAll(f.Score, ",", ".")); raw != "" {
		v, err := strconv.ParseFloat(raw, 64)
		switch {
		case err != nil || v < 0 || v > 100 || len(raw) > 6:
			fe["score"] = "Điểm là một số từ 0 đến 100 (có thể để trống)."
		case star != 0 && v*100 < float64(floor):
			fe["score"] = "Điểm " + raw + " chưa đạt mức " + strconv.FormatInt(floor/100, 10) + " điểm của hạng " + strconv.Itoa(star) + " sao."
			// the band's upper bound and the potential-5★ case are Check's
		default:
			score = &raw
		}
	}
	if !validLevel(f.IssuingLevel) {
		fe["issuing_level"] = "Vui lòng chọn cấp ban hành."
	}
	from = date
	if raw := strings.TrimSpace(f.ValidFrom); raw != "" && fe["decision_date"] == "" {
		v, err := time.Parse(time.DateOnly, raw)
		switch {
		case err != nil:
			fe["valid_from"] = "Ngày bắt đầu hiệu lực chưa đúng (năm-tháng-ngày)."
		case v.Before(date):
			fe["valid_from"] = "Hiệu lực không thể bắt đầu trước ngày ký quyết định."
		case v.After(date.AddDate(1, 0, 0)):
			fe["valid_from"] = "Ngày bắt đầu hiệu lực cách ngày ký quá một năm: hãy kiểm tra lại quyết định."
		default:
			from = v
		}
	}
	if len(fe) == 0 {
		// the rules of Decisions 148 and 1489: refusals always, warnings
		// until the officer confirms them
		d := Decision{Star: star, Level: f.IssuingLevel, Authority: f.IssuingAuthority, Date: date, MeetsMandatory: f.MeetsMandatory != "no"}
		if score != nil {
			v, _ := strconv.ParseFloat(*score, 64)
			h := int64(math.Round(v * 100))
			d.Score = &h
		}
		refusals, warnings := Check(d)
		for _, r := range refusals {
			fe = fe.Add(r.Field, r.VI)
		}
		if len(refusals) == 0 && len(warnings) > 0 && f.Confirm != "1" {
			for _, w := range warnings {
				fe = fe.Add(w.Field, w.VI)
			}
			fe["confirm"] = "Quyết định này khác với quy định thường gặp của thời kỳ (xem ghi chú ở các ô). Nếu quyết định đúng như vậy, hãy đánh dấu xác nhận rồi ghi nhận lại."
		}
	}
	f.IssuingProvince = strings.TrimSpace(f.IssuingProvince)
	if f.IssuingProvince != "" {
		var ok bool
		if provinceRE.MatchString(f.IssuingProvince) {
			if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM province WHERE code = $1)`, f.IssuingProvince).Scan(&ok); err != nil {
				return date, from, 0, nil, nil, err
			}
		}
		if !ok {
			fe["issuing_province"] = "Vui lòng chọn tỉnh ban hành trong danh sách."
		}
		issuingProv = &f.IssuingProvince
	}
	return date, from, star, score, issuingProv, fe.OrNil()
}

// Record records a certificate for a product of the producer (else
// NotFound; Unprocessable with field errors for a bad form; producer.ErrOwnCase
// (Conflict) for an officer who is a member of the producer). A certificate decided on or
// after the product's active one replaces it (which becomes superseded, in
// the same transaction); an older one, backfilled, is stored as history:
// superseded while still within its validity, expired past it. It returns
// the new certificate's id and status (active, superseded or expired).
func (s *Service) Record(ctx context.Context, actor producer.Actor, producerID, productID int64, f Form) (id int64, status string, err error) {
	defer apperr.Wrap(&err, "certification.Record(%d, %d)", producerID, productID)
	date, from, star, score, issuingProv, err := s.check(ctx, &f)
	if err != nil {
		return 0, "", err
	}
	until := ValidUntil(from)
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var prov string
		err := tx.QueryRow(ctx, `SELECT pr.province_code FROM product x JOIN producer pr ON pr.id = x.producer_id
			WHERE x.id = $1 AND x.producer_id = $2 FOR UPDATE OF x`, productID, producerID).Scan(&prov)
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && !actor.Serves(prov)) {
			return errNotFound
		}
		if err != nil {
			return err
		}
		if !actor.CertifiesIn(prov) {
			return ErrNotOCOPOffice
		}
		if err := producer.RefuseMember(ctx, tx, actor, producerID); err != nil {
			return err
		}
		kind, err := recordKind(ctx, tx, productID, star)
		if err != nil {
			return err
		}
		activeID, activeDate, err := findActive(ctx, tx, productID)
		if err != nil {
			return err
		}
		var supersedes bool
		status, supersedes = Place(s.Today(), date, until, activeDate, NewWins)
		var superseded []int64
		if supersedes {
			if err := setStatus(ctx, tx, activeID, Superseded); err != nil {
				return err
			}
			superseded = append(superseded, activeID)
		}
		id, err = insertOne(ctx, tx, productID, star, score, f, date, from, issuingProv, until, status)
		if postgres.IsUniqueViolation(err, "certificate_decision_product_key") {
			return apperr.FieldErrors{"decision_no": "Sản phẩm này đã có chứng nhận theo quyết định số này."}
		}
		if err != nil {
			return err
		}
		detail := map[string]any{"product_id": productID, "decision_no": f.DecisionNo, "decision_date": date.Format(time.DateOnly),
			"star": star, "valid_from": from.Format(time.DateOnly), "valid_until": until.Format(time.DateOnly), "kind": kind, "issuing_level": f.IssuingLevel, "status": status}
		if len(superseded) > 0 {
			detail["superseded"] = superseded
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActingAs: actor.Acting(), ProducerID: producerID,
			Entity: "certificate", EntityID: id, Action: "record", Detail: detail})
	})
	if err != nil {
		return 0, "", err
	}
	return id, status, nil
}
