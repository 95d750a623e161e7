package showroom

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
)

// Criterion is one item of the 950/QĐ-BCT checklist.
type Criterion struct {
	Code, Group, Text string
}

// Criteria are the checklist of Decision 950/QĐ-BCT (18/04/2023) for
// points of introduction and sale of OCOP products, in its three groups:
// location, products, and facilities, management and signage (the
// signage following the OCOP brand design of 3041/QĐ-BCT).
var Criteria = []Criterion{
	{"location_access", "Địa điểm", "Giao thông thuận lợi, đông người qua lại (khách du lịch, dân cư tập trung)"},
	{"location_kind", "Địa điểm", "Đặt tại nơi theo quy định: nhà ga, sân bay, bến xe, trạm dừng nghỉ; trung tâm thương mại, siêu thị, chợ; điểm du lịch; làng nghề; trung tâm thương mại xã; khu hội chợ triển lãm; bưu điện"},
	{"products_star", "Sản phẩm", "Sản phẩm OCOP đạt từ 3 sao trở lên, hoặc sản phẩm chủ lực, đặc trưng của địa phương"},
	{"products_quality", "Sản phẩm", "Sản phẩm bảo đảm chất lượng, an toàn thực phẩm, có nguồn gốc rõ ràng"},
	{"facilities", "Cơ sở vật chất, quản lý", "Mặt bằng, quầy kệ, trang thiết bị trưng bày và bảo quản phù hợp"},
	{"management", "Cơ sở vật chất, quản lý", "Có người quản lý, niêm yết giá, sổ sách theo dõi hàng hoá"},
	{"signage", "Cơ sở vật chất, quản lý", "Biển hiệu, nhận diện thương hiệu OCOP theo Quyết định 3041/QĐ-BCT"},
}

// Inspection is one inspection of a showroom.
type Inspection struct {
	ID          int64
	InspectedOn time.Time
	Officer     string
	Results     map[string]bool
	Passed      bool
	Notes       string
}

// RecordInspection records an inspection of showroom id: its date
// (dd/mm/yyyy, not in the future), the officer and the result of every
// criterion (results maps each Criteria code to "dat" or "khong_dat").
// It passes when every criterion is met. It returns the inspection's id,
// or the field errors that name what to fix (nothing written).
func (s *Service) RecordInspection(ctx context.Context, a audit.Actor, may May, id int64, day, officer string, results map[string]string, notes string) (_ int64, _ apperr.FieldErrors, err error) {
	defer apperr.Wrap(&err, "showroom.RecordInspection(%d)", id)
	var fe apperr.FieldErrors
	var iid int64
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := scoped(ctx, tx, may, id); err != nil {
			return err
		}
		fe = apperr.FieldErrors{}
		d := date(day, "date", func(string, string, string) {})
		today := s.now().In(Vietnam)
		switch {
		case d == nil:
			fe.Add("inspected_on", "Ghi ngày kiểm tra theo dạng dd/mm/yyyy.")
		case d.After(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)):
			fe.Add("inspected_on", "Ngày kiểm tra không thể ở tương lai.")
		}
		officer = fe.Text("officer", strings.TrimSpace(officer), true, 200, "tên cán bộ kiểm tra")
		notes = fe.Text("notes", strings.TrimSpace(notes), false, 2000, "ghi chú")
		met := map[string]bool{}
		passed := true
		for _, c := range Criteria {
			switch results[c.Code] {
			case "dat":
				met[c.Code] = true
			case "khong_dat":
				met[c.Code], passed = false, false
			default:
				fe.Add("c_"+c.Code, "Chọn đạt hoặc không đạt.")
			}
		}
		if len(fe) > 0 {
			return fe
		}
		raw, _ := json.Marshal(met)
		if err := tx.QueryRow(ctx, `
			INSERT INTO showroom_inspection (showroom_id, inspected_on, officer, results, passed, notes, recorded_by)
			VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, 0)) RETURNING id`, id, *d, officer, raw, passed, notes, a.UserID).Scan(&iid); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, ActingAs: a.ActingAs, Entity: "showroom", EntityID: id, Action: "inspect",
			Detail: map[string]any{"date": d.Format(time.DateOnly), "officer": officer, "passed": passed}})
	})
	if errors.As(err, &fe) {
		return 0, fe, nil
	}
	return iid, nil, err
}

// UploadInspectionPhoto stores one photo taken at inspection inspectionID
// of showroom id (the officer's evidence, shown in the console only).
func (s *Service) UploadInspectionPhoto(ctx context.Context, a audit.Actor, may May, id, inspectionID int64, data []byte, alt string) (_ *Photo, err error) {
	defer apperr.Wrap(&err, "showroom.UploadInspectionPhoto(%d, %d)", id, inspectionID)
	if inspectionID <= 0 {
		return nil, ErrNotFound
	}
	return s.upload(ctx, a, may, id, inspectionID, data, alt)
}

// Inspections lists the inspections of showroom id, latest first.
func (s *Service) Inspections(ctx context.Context, id int64) (_ []Inspection, err error) {
	defer apperr.Wrap(&err, "showroom.Inspections(%d)", id)
	rows, err := s.pool.Query(ctx, `
		SELECT id, inspected_on, officer, results, passed, notes FROM showroom_inspection
		WHERE showroom_id = $1 ORDER BY inspected_on DESC, id DESC`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Inspection, error) {
		var in Inspection
		err := r.Scan(&in.ID, &in.InspectedOn, &in.Officer, &in.Results, &in.Passed, &in.Notes)
		return in, err
	})
}

// Latest returns the latest inspection of showroom id, or nil.
func (s *Service) Latest(ctx context.Context, id int64) (*Inspection, error) {
	all, err := s.Inspections(ctx, id)
	if err != nil || len(all) == 0 {
		return nil, err
	}
	return &all[0], nil
}
