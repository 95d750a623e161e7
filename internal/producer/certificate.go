package producer

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/importer"
	"github.com/ocopvn/ocop/internal/postgres"
)

// CertificateForm records an OCOP certificate for a product.
type CertificateForm struct {
	DecisionNo       string
	DecisionDate     string // yyyy-mm-dd
	Star             string
	Score            string // optional, 0–100
	IssuingLevel     string
	IssuingAuthority string
	IssuingProvince  string
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
}

// Product is a producer's product, for the certificate page.
type Product struct {
	ID         int64
	ProducerID int64
	Name       string
	Status     string
}

// starFloor is the least score of each star.
var starFloor = map[int]float64{3: 50, 4: 70, 5: 90}

// programmeStart is the first day OCOP certificates were issued under
// the national programme (Decision 490/QĐ-TTg, 07/05/2018).
var programmeStart = time.Date(2018, 5, 7, 0, 0, 0, 0, time.UTC)

// ProductOf returns a product of the producer (else NotFound) with its
// certificates, newest first. The actor must serve the producer's
// province.
func (s *Service) ProductOf(ctx context.Context, actor Actor, producerID, productID int64) (p *Product, certs []Certificate, err error) {
	defer apperr.Wrap(&err, "producer.ProductOf(%d, %d)", producerID, productID)
	p = &Product{}
	var prov string
	err = s.pool.QueryRow(ctx, `SELECT x.id, x.producer_id, x.name, x.status, pr.province_code FROM product x
		JOIN producer pr ON pr.id = x.producer_id WHERE x.id = $1 AND x.producer_id = $2`, productID, producerID).
		Scan(&p.ID, &p.ProducerID, &p.Name, &p.Status, &prov)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !actor.Serves(prov)) {
		return nil, nil, errNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT id, decision_no, decision_date, star, coalesce(score::text, ''), issuing_level, issuing_authority,
		coalesce(issuing_province_code, ''), valid_from, valid_until, status, created_at
		FROM certificate WHERE product_id = $1 ORDER BY decision_date DESC, id DESC`, productID)
	if err != nil {
		return nil, nil, err
	}
	certs, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Certificate])
	return p, certs, err
}

// RecordCertificate records a certificate for a product of the producer
// (else NotFound). A certificate decided on or after the product's active
// one replaces it (which becomes superseded, in the same transaction); an
// older one, backfilled, is stored as history: superseded while still
// within its validity, expired past it. It returns the new certificate's
// id and status (active, superseded or expired).
func (s *Service) RecordCertificate(ctx context.Context, actor Actor, producerID, productID int64, f CertificateForm) (id int64, status string, err error) {
	defer apperr.Wrap(&err, "producer.RecordCertificate(%d, %d)", producerID, productID)
	fe := apperr.FieldErrors{}
	f.DecisionNo = text(fe, "decision_no", f.DecisionNo, true, 200, "số quyết định")
	f.IssuingAuthority = text(fe, "issuing_authority", f.IssuingAuthority, true, 300, "cơ quan ban hành")
	date, derr := time.Parse(time.DateOnly, strings.TrimSpace(f.DecisionDate))
	switch {
	case strings.TrimSpace(f.DecisionDate) == "":
		fe["decision_date"] = "Vui lòng nhập ngày ký quyết định."
	case derr != nil:
		fe["decision_date"] = "Ngày ký chưa đúng (năm-tháng-ngày, ví dụ 2025-03-15)."
	case date.After(s.today()):
		fe["decision_date"] = "Ngày ký quyết định không thể ở tương lai."
	case date.Before(programmeStart):
		fe["decision_date"] = "Ngày ký trước khi Chương trình OCOP bắt đầu (07/05/2018)."
	}
	star, serr := strconv.Atoi(strings.TrimSpace(f.Star))
	if serr != nil || star < 3 || star > 5 {
		fe["star"] = "Vui lòng chọn hạng sao: 3, 4 hoặc 5 sao."
		star = 0
	}
	var score *string
	if raw := strings.TrimSpace(strings.ReplaceAll(f.Score, ",", ".")); raw != "" {
		v, err := strconv.ParseFloat(raw, 64)
		switch {
		case err != nil || v < 0 || v > 100 || len(raw) > 6:
			fe["score"] = "Điểm là một số từ 0 đến 100 (có thể để trống)."
		case star != 0 && v < starFloor[star]:
			fe["score"] = "Điểm " + raw + " chưa đạt mức " + strconv.Itoa(int(starFloor[star])) + " điểm của hạng " + strconv.Itoa(star) + " sao."
		default:
			score = &raw
		}
	}
	if !valid(Levels, f.IssuingLevel) {
		fe["issuing_level"] = "Vui lòng chọn cấp ban hành."
	}
	f.IssuingProvince = strings.TrimSpace(f.IssuingProvince)
	var issuingProv *string
	if f.IssuingProvince != "" {
		var ok bool
		if provRE.MatchString(f.IssuingProvince) {
			if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM province WHERE code = $1)`, f.IssuingProvince).Scan(&ok); err != nil {
				return 0, "", err
			}
		}
		if !ok {
			fe["issuing_province"] = "Vui lòng chọn tỉnh ban hành trong danh sách."
		}
		issuingProv = &f.IssuingProvince
	}
	if len(fe) > 0 {
		return 0, "", fe
	}
	until := importer.ValidUntil(date)
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
		if err := refuseMember(ctx, tx, actor, producerID); err != nil {
			return err
		}
		var activeID int64
		var activeDate time.Time
		err = tx.QueryRow(ctx, `SELECT id, decision_date FROM certificate WHERE product_id = $1 AND status = 'active'`, productID).
			Scan(&activeID, &activeDate)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		status = "active"
		switch {
		case until.Before(s.today()):
			// a decision whose validity has passed is history, whether or
			// not the product has an active certificate
			status = "expired"
		case activeID != 0 && date.Before(activeDate):
			status = "superseded"
		}
		var superseded []int64
		if status == "active" && activeID != 0 {
			if _, err := tx.Exec(ctx, `UPDATE certificate SET status = 'superseded', updated_at = now() WHERE id = $1`, activeID); err != nil {
				return err
			}
			superseded = append(superseded, activeID)
		}
		err = tx.QueryRow(ctx, `INSERT INTO certificate (product_id, star, score, decision_no, decision_date, issuing_level, issuing_authority,
			issuing_province_code, valid_from, valid_until, status)
			VALUES ($1, $2, $3::numeric, $4, $5, $6, $7, $8, $5, $9, $10) RETURNING id`,
			productID, star, score, f.DecisionNo, date, f.IssuingLevel, f.IssuingAuthority, issuingProv, until, status).Scan(&id)
		if postgres.IsUniqueViolation(err, "certificate_decision_product_key") {
			return apperr.FieldErrors{"decision_no": "Sản phẩm này đã có chứng nhận theo quyết định số này."}
		}
		if err != nil {
			return err
		}
		detail := map[string]any{"product_id": productID, "decision_no": f.DecisionNo, "decision_date": date.Format(time.DateOnly),
			"star": star, "valid_until": until.Format(time.DateOnly), "issuing_level": f.IssuingLevel, "status": status}
		if len(superseded) > 0 {
			detail["superseded"] = superseded
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, ActingAs: actor.acting(), ProducerID: producerID,
			Entity: "certificate", EntityID: id, Action: "record", Detail: detail})
	})
	if err != nil {
		return 0, "", err
	}
	return id, status, nil
}
