package producer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"
	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
)

// Document limits.
const (
	MaxDocuments    = 5
	MaxDocumentSize = 10 << 20
)

// docTypes are the document types accepted (by content), with the key's
// extension.
var docTypes = map[string]string{"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

// ApplicationForm is what an applicant submits.
type ApplicationForm struct {
	LegalName      string
	ProducerType   string
	TaxCode        string
	RegistrationNo string
	Representative string
	Province       string
	Commune        string // a commune code, or its name within the province
	StreetLine     string
	Phone          string
	Zalo           string
}

// Upload is one uploaded document. File is read from its start.
type Upload struct {
	Name string
	Size int64
	File io.ReadSeeker
}

// Application is a stored application.
type Application struct {
	ID             int64
	UserID         int64
	ApplicantName  string
	ApplicantEmail string
	ApplicantPhone string
	ApplicationForm
	CommuneName  string
	ProvinceName string
	PhoneE164    string
	Status       string
	ReviewNote   string
	ReviewedBy   string
	ReviewedAt   *time.Time
	ProducerID   int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Documents    []Document
}

// Document is an application's document.
type Document struct {
	ID            int64
	ApplicationID int64
	Key           string
	FileName      string
	ContentType   string
	Size          int64
	CreatedAt     time.Time
}

var (
	// 10 digits, 10+3 for a branch, or since 01/07/2025 a household's
	// 12-digit personal identification number
	taxCodeRE = regexp.MustCompile(`^([0-9]{10}(-[0-9]{3})?|[0-9]{12})$`)
	codeRE    = regexp.MustCompile(`^[0-9]{5}$`)
	provRE    = regexp.MustCompile(`^[0-9]{2}$`)
)

// NormalizePhone returns a Vietnamese phone number (a mobile, 0 and 9
// digits, or a landline, 0 and 10 digits starting 2; written 0912 345 678,
// +84 912.345.678, (0219) 3 862 555, 84…) in E.164, or ok false.
func NormalizePhone(s string) (string, bool) {
	var d strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			d.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return "", false
		}
	}
	n := d.String()
	switch {
	case strings.HasPrefix(n, "84") && (len(n) == 11 || len(n) == 12):
		n = n[2:]
	case strings.HasPrefix(n, "0") && (len(n) == 10 || len(n) == 11):
		n = n[1:]
	default:
		return "", false
	}
	// mobile: 9 digits after the 0, starting 3, 5, 7, 8 or 9; landline:
	// 10 digits starting 2 (area code 02x or 02xx)
	switch {
	case len(n) == 9 && strings.ContainsRune("35789", rune(n[0])):
	case len(n) == 10 && n[0] == '2':
	default:
		return "", false
	}
	return "+84" + n, true
}

// checkForm cleans f in place and returns its field errors.
func (s *Service) checkForm(ctx context.Context, q postgres.Querier, f *ApplicationForm) (apperr.FieldErrors, string, error) {
	fe := apperr.FieldErrors{}
	f.LegalName = fe.Text("legal_name", f.LegalName, true, 300, "tên chủ thể theo giấy đăng ký")
	f.RegistrationNo = fe.Text("registration_no", f.RegistrationNo, false, 50, "số đăng ký kinh doanh")
	f.Representative = fe.Text("representative", f.Representative, true, 200, "tên người đại diện")
	f.StreetLine = fe.Text("street_line", f.StreetLine, false, 300, "địa chỉ (thôn, số nhà)")
	f.Zalo = fe.Text("zalo", f.Zalo, false, 50, "số Zalo")
	if z, ok := NormalizePhone(f.Zalo); ok {
		f.Zalo = z // Zalo goes with a mobile number
	}
	f.ProducerType = strings.TrimSpace(f.ProducerType)
	if !valid(Types, f.ProducerType) {
		fe["producer_type"] = "Vui lòng chọn loại hình chủ thể."
	}
	f.TaxCode = strings.Join(strings.Fields(f.TaxCode), "")
	switch {
	case f.TaxCode == "" && !taxOptional[f.ProducerType] && fe["producer_type"] == "":
		fe["tax_code"] = "Vui lòng nhập mã số thuế (hộ kinh doanh và cơ sở sản xuất có thể để trống)."
	case f.TaxCode != "" && !taxCodeRE.MatchString(f.TaxCode):
		fe["tax_code"] = "Mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số (ví dụ 0101234567-001); hộ kinh doanh dùng số định danh cá nhân 12 chữ số."
	}
	phone := ""
	f.Phone = strings.TrimSpace(f.Phone)
	if f.Phone == "" {
		fe["phone"] = "Vui lòng nhập số điện thoại."
	} else if p, ok := NormalizePhone(f.Phone); ok {
		phone = p
	} else {
		fe["phone"] = "Số điện thoại chưa đúng. Ví dụ: 0912 345 678 hoặc 0219 3862 555."
	}
	f.Province = strings.TrimSpace(f.Province)
	f.Commune = vntext.NFC(f.Commune)
	var provOK bool
	if provRE.MatchString(f.Province) {
		if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM province WHERE code = $1)`, f.Province).Scan(&provOK); err != nil {
			return nil, "", err
		}
	}
	if !provOK {
		fe["province"] = "Vui lòng chọn tỉnh, thành phố."
		return fe, phone, nil
	}
	code, err := s.resolveCommune(ctx, q, f.Province, f.Commune)
	if err != nil {
		return nil, "", err
	}
	switch {
	case code == "" && f.Commune == "":
		var any bool
		if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM commune WHERE province_code = $1)`, f.Province).Scan(&any); err != nil {
			return nil, "", err
		}
		if any {
			fe["commune"] = "Vui lòng chọn xã, phường."
		}
	case code == "":
		fe["commune"] = "Không tìm thấy xã, phường này trong tỉnh đã chọn. Hãy chọn trong danh sách."
	default:
		f.Commune = code
	}
	return fe, phone, nil
}

// resolveCommune finds a commune of the province by code or by name
// (folded, with or without "xã"/"phường"); "" when none or ambiguous.
func (s *Service) resolveCommune(ctx context.Context, q postgres.Querier, province, v string) (string, error) {
	return ResolveCommune(ctx, q, province, v)
}

// ResolveCommune finds a commune of the province by code or by name
// (folded, with or without "xã"/"phường"); "" when none or ambiguous.
func ResolveCommune(ctx context.Context, q postgres.Querier, province, v string) (string, error) {
	if v == "" {
		return "", nil
	}
	if c, _, ok := strings.Cut(v, " "); ok && codeRE.MatchString(c) {
		v = c // "01234 – Xã A" from the list
	}
	var codes []string
	rows, err := q.Query(ctx, `SELECT code FROM commune WHERE province_code = $1 AND (code = $2 OR name_fold = $3 OR $3 = ANY (ARRAY[
		'xa ' || name_fold, 'phuong ' || name_fold, 'dac khu ' || name_fold])) LIMIT 2`, province, v, vntext.Fold(v))
	if err != nil {
		return "", err
	}
	codes, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(codes) != 1 {
		return "", err
	}
	return codes[0], nil
}

// checkedDoc is a document that passed the checks.
type checkedDoc struct {
	Upload
	contentType, ext, name string
}

// checkDocuments checks uploads by content and size; existing is the
// number the application has already.
func checkDocuments(ups []Upload, existing int) ([]checkedDoc, string) {
	if existing+len(ups) > MaxDocuments {
		return nil, fmt.Sprintf("Mỗi hồ sơ có tối đa %d tài liệu (đã có %d, gửi thêm %d).", MaxDocuments, existing, len(ups))
	}
	var out []checkedDoc
	for _, u := range ups {
		name := cleanFileName(u.Name)
		if u.Size <= 0 {
			return nil, fmt.Sprintf("Tệp “%s” trống (0 byte). Hãy chọn lại tệp.", name)
		}
		if u.Size > MaxDocumentSize {
			return nil, fmt.Sprintf("Tệp “%s” lớn hơn 10 MB. Hãy chụp hoặc quét lại với dung lượng nhỏ hơn.", name)
		}
		if _, err := u.File.Seek(0, io.SeekStart); err != nil {
			return nil, "Không đọc được tệp “" + name + "”."
		}
		mt, err := mimetype.DetectReader(u.File)
		if err != nil {
			return nil, "Không đọc được tệp “" + name + "”."
		}
		ct := mt.String()
		if i := strings.IndexByte(ct, ';'); i >= 0 {
			ct = ct[:i]
		}
		ext, ok := docTypes[ct]
		if !ok {
			return nil, fmt.Sprintf("Tệp “%s” không phải PDF, JPEG hay PNG. Chỉ nhận giấy tờ dạng PDF hoặc ảnh chụp JPEG, PNG.", name)
		}
		if _, err := u.File.Seek(0, io.SeekStart); err != nil {
			return nil, "Không đọc được tệp “" + name + "”."
		}
		if strings.TrimSuffix(name, path.Ext(name)) == "" {
			name = "tai-lieu"
		}
		out = append(out, checkedDoc{Upload: u, contentType: ct, ext: ext, name: name})
	}
	return out, ""
}

// cleanFileName keeps a display name: the base name, NFC, no controls,
// at most 200 runes. It is never used in a key.
func cleanFileName(n string) string {
	n = strings.ReplaceAll(n, "\\", "/")
	n = path.Base(n)
	n = vntext.NFC(strings.NewReplacer("\"", "", "/", "").Replace(n))
	if n == "" || n == "." {
		n = "tai-lieu"
	}
	return vntext.Truncate(n, 200)
}

func randomHex() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

var (
	// ErrApplicationOpen is a new application while one awaits review.
	ErrApplicationOpen = apperr.E(apperr.Conflict, "Hồ sơ của bạn đang chờ cán bộ xem xét. Bạn chưa cần gửi lại.", "an application is already waiting for review")
	// ErrAlreadyApproved is an application from a user whose application was approved.
	ErrAlreadyApproved = apperr.E(apperr.Conflict, "Hồ sơ của bạn đã được duyệt; gian hàng đã mở.", "the application was approved already")
)

// latestApplication returns the user's latest application's id and status
// (0, "" when none) and its number of documents, locking the row with
// FOR UPDATE when q is a transaction and lock is true.
func latestApplication(ctx context.Context, q postgres.Querier, userID int64, lock bool) (id int64, status string, docs int, err error) {
	sql := `SELECT id, status, (SELECT count(*) FROM application_document d WHERE d.application_id = a.id)
		FROM producer_application a WHERE user_id = $1 ORDER BY id DESC LIMIT 1`
	if lock {
		sql += ` FOR UPDATE`
	}
	err = q.QueryRow(ctx, sql, userID).Scan(&id, &status, &docs)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, "", 0, nil
	}
	return id, status, docs, err
}

// openFor is the application a submission updates (0: a new one), or
// the refusal of a submission while the latest application is in status.
func openFor(id int64, status string) (int64, error) {
	switch status {
	case "submitted":
		return 0, ErrApplicationOpen
	case "approved":
		return 0, ErrAlreadyApproved
	case "changes_requested":
		return id, nil
	}
	return 0, nil // none yet, or rejected: a new one
}

// ErrApplicationChanged is a submission that raced with another change
// of the user's application (another tab, a decision meanwhile).
var ErrApplicationChanged = apperr.E(apperr.Conflict, "Hồ sơ vừa thay đổi ở nơi khác nên chưa được gửi. Hãy tải lại trang rồi gửi lại.", "the application changed during the submission")

// Submit files an application for the user (or resubmits the one whose
// changes were requested) with its documents. Invalid input is
// apperr.FieldErrors and changes nothing. The documents are stored before a
// short transaction writes the rows (no lock is held while uploading);
// if that transaction fails, the objects are deleted.
func (s *Service) Submit(ctx context.Context, userID int64, f ApplicationForm, ups []Upload) (id int64, err error) {
	defer apperr.Wrap(&err, "producer.Submit(user %d)", userID)
	fe, phone, err := s.checkForm(ctx, s.pool, &f)
	if err != nil {
		return 0, err
	}
	latest, status, existing, err := latestApplication(ctx, s.pool, userID, false)
	if err != nil {
		return 0, err
	}
	if id, err = openFor(latest, status); err != nil {
		return 0, err
	}
	if id == 0 {
		existing = 0
	}
	docs, msg := checkDocuments(ups, existing)
	if msg != "" {
		fe["documents"] = msg
	}
	if len(fe) > 0 {
		return 0, fe
	}
	newApp := id == 0
	if newApp {
		// the id comes first: the documents' keys hold it
		if err := s.pool.QueryRow(ctx, `SELECT nextval(pg_get_serial_sequence('producer_application', 'id'))`).Scan(&id); err != nil {
			return 0, err
		}
	}
	var stored []string
	defer func() {
		if err != nil {
			// nothing left behind: the rows rolled back, the objects go
			dctx := context.WithoutCancel(ctx)
			for _, k := range stored {
				_ = s.store.Delete(dctx, k)
			}
		}
	}()
	keys := make([]string, len(docs))
	for i, d := range docs {
		keys[i] = fmt.Sprintf("private/applications/%d/%s.%s", id, randomHex(), d.ext)
		if err = s.store.Put(ctx, keys[i], d.File, d.Size, d.contentType); err != nil {
			return 0, err
		}
		stored = append(stored, keys[i])
	}
	var tax, commune *string
	if f.TaxCode != "" {
		tax = &f.TaxCode
	}
	if f.Commune != "" {
		commune = &f.Commune
	}
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		// the latest application must be the one checked above
		cur, curStatus, curDocs, err := latestApplication(ctx, tx, userID, true)
		if err != nil {
			return err
		}
		want, err := openFor(cur, curStatus)
		switch {
		case err != nil:
			return err
		case newApp && want != 0, !newApp && want != id:
			return ErrApplicationChanged
		case !newApp && curDocs+len(docs) > MaxDocuments:
			return apperr.FieldErrors{"documents": fmt.Sprintf("Mỗi hồ sơ có tối đa %d tài liệu (đã có %d, gửi thêm %d).", MaxDocuments, curDocs, len(docs))}
		}
		action := "submit"
		if newApp {
			_, err = tx.Exec(ctx, `INSERT INTO producer_application (id, user_id, legal_name, producer_type, tax_code, registration_no,
				representative, province_code, commune_code, street_line, phone_e164, zalo)
				OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
				id, userID, f.LegalName, f.ProducerType, tax, f.RegistrationNo, f.Representative, f.Province, commune, f.StreetLine, phone, f.Zalo)
		} else {
			action = "resubmit"
			_, err = tx.Exec(ctx, `UPDATE producer_application SET legal_name = $2, producer_type = $3, tax_code = $4, registration_no = $5,
				representative = $6, province_code = $7, commune_code = $8, street_line = $9, phone_e164 = $10, zalo = $11,
				status = 'submitted', updated_at = now() WHERE id = $1`,
				id, f.LegalName, f.ProducerType, tax, f.RegistrationNo, f.Representative, f.Province, commune, f.StreetLine, phone, f.Zalo)
		}
		if postgres.IsUniqueViolation(err, "producer_application_one_open") {
			return ErrApplicationOpen
		}
		if err != nil {
			return err
		}
		names := []string{}
		for i, d := range docs {
			if _, err := tx.Exec(ctx, `INSERT INTO application_document (application_id, object_key, file_name, content_type, size_bytes)
				VALUES ($1, $2, $3, $4, $5)`, id, keys[i], d.name, d.contentType, d.Size); err != nil {
				return err
			}
			names = append(names, d.name)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: userID, ActingAs: audit.AsUser, Entity: "application", EntityID: id, Action: action,
			Detail: map[string]any{"legal_name": f.LegalName, "province": f.Province, "documents": names}})
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// ErrNotEditable is a change to an application that is not waiting for
// the applicant's changes.
var ErrNotEditable = apperr.E(apperr.Conflict, "Chỉ xoá được giấy tờ khi cán bộ yêu cầu bổ sung hồ sơ.", "the application is not waiting for changes")

// DeleteDocument deletes a document of the user's application whose
// changes were requested (else NotFound, or Conflict when it is not
// waiting for changes), audited; the object is deleted after the commit.
func (s *Service) DeleteDocument(ctx context.Context, userID, docID int64) (err error) {
	defer apperr.Wrap(&err, "producer.DeleteDocument(%d)", docID)
	var key, name string
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var appID int64
		var status string
		err := tx.QueryRow(ctx, `SELECT a.id, a.status, d.object_key, d.file_name FROM application_document d
			JOIN producer_application a ON a.id = d.application_id WHERE d.id = $1 AND a.user_id = $2 FOR UPDATE OF a`, docID, userID).
			Scan(&appID, &status, &key, &name)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotFound
		}
		if err != nil {
			return err
		}
		if status != "changes_requested" {
			return ErrNotEditable
		}
		if _, err := tx.Exec(ctx, `DELETE FROM application_document WHERE id = $1`, docID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: userID, ActingAs: audit.AsUser, Entity: "application", EntityID: appID,
			Action: "delete_document", Detail: map[string]any{"document": name}})
	})
	if err != nil {
		return err
	}
	// after the commit: a failure leaves an unreferenced object, never a
	// row without its object
	_ = s.store.Delete(context.WithoutCancel(ctx), key)
	return nil
}

const applicationCols = `a.id, a.user_id, u.display_name, coalesce(u.email, ''), coalesce(u.phone, ''), a.legal_name, a.producer_type,
	coalesce(a.tax_code, ''), a.registration_no, a.representative, a.province_code, coalesce(a.commune_code, ''), a.street_line,
	a.phone_e164, a.zalo, coalesce(c.full_name, ''), pr.name, a.status, a.review_note, coalesce(r.display_name, ''), a.reviewed_at,
	coalesce(a.producer_id, 0), a.created_at, a.updated_at`

const applicationFrom = `FROM producer_application a
	JOIN app_user u ON u.id = a.user_id
	JOIN province pr ON pr.code = a.province_code
	LEFT JOIN commune c ON c.code = a.commune_code
	LEFT JOIN app_user r ON r.id = a.reviewed_by`

func scanApplication(r pgx.Row) (*Application, error) {
	a := &Application{}
	err := r.Scan(&a.ID, &a.UserID, &a.ApplicantName, &a.ApplicantEmail, &a.ApplicantPhone, &a.LegalName, &a.ProducerType,
		&a.TaxCode, &a.RegistrationNo, &a.Representative, &a.Province, &a.Commune, &a.StreetLine,
		&a.PhoneE164, &a.Zalo, &a.CommuneName, &a.ProvinceName, &a.Status, &a.ReviewNote, &a.ReviewedBy, &a.ReviewedAt,
		&a.ProducerID, &a.CreatedAt, &a.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	a.Phone = a.PhoneE164
	return a, nil
}

func (s *Service) documents(ctx context.Context, q postgres.Querier, appID int64) ([]Document, error) {
	rows, err := q.Query(ctx, `SELECT id, application_id, object_key, file_name, content_type, size_bytes, created_at
		FROM application_document WHERE application_id = $1 ORDER BY id`, appID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Document, error) {
		var d Document
		err := r.Scan(&d.ID, &d.ApplicationID, &d.Key, &d.FileName, &d.ContentType, &d.Size, &d.CreatedAt)
		return d, err
	})
}

// MyApplication returns the user's latest application with its
// documents, or NotFound.
func (s *Service) MyApplication(ctx context.Context, userID int64) (a *Application, err error) {
	defer apperr.Wrap(&err, "producer.MyApplication(%d)", userID)
	a, err = scanApplication(s.pool.QueryRow(ctx, `SELECT `+applicationCols+` `+applicationFrom+`
		WHERE a.user_id = $1 ORDER BY a.id DESC LIMIT 1`, userID))
	if err != nil {
		return nil, err
	}
	a.Documents, err = s.documents(ctx, s.pool, a.ID)
	return a, err
}

// MyDocument returns a document of one of the user's applications, or
// NotFound.
func (s *Service) MyDocument(ctx context.Context, userID, docID int64) (*Document, error) {
	return s.document(ctx, `SELECT d.id, d.application_id, d.object_key, d.file_name, d.content_type, d.size_bytes, d.created_at
		FROM application_document d JOIN producer_application a ON a.id = d.application_id
		WHERE d.id = $1 AND a.user_id = $2`, docID, userID)
}

// ApplicationDocument returns a document of an application of a province
// the actor serves, or NotFound.
func (s *Service) ApplicationDocument(ctx context.Context, actor Actor, appID, docID int64) (*Document, error) {
	d, err := s.document(ctx, `SELECT d.id, d.application_id, d.object_key, d.file_name, d.content_type, d.size_bytes, d.created_at
		FROM application_document d JOIN producer_application a ON a.id = d.application_id
		WHERE d.id = $1 AND a.id = $2 AND ($3::text[] IS NULL OR a.province_code = ANY ($3))`, docID, appID, actor.scope())
	return d, err
}

func (s *Service) document(ctx context.Context, sql string, args ...any) (*Document, error) {
	var d Document
	err := s.pool.QueryRow(ctx, sql, args...).Scan(&d.ID, &d.ApplicationID, &d.Key, &d.FileName, &d.ContentType, &d.Size, &d.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("producer: document %v: %w", args[0], err)
	}
	return &d, nil
}

// OpenDocument returns the document's content; the caller closes it.
func (s *Service) OpenDocument(ctx context.Context, d *Document) (io.ReadCloser, error) {
	return s.store.Open(ctx, d.Key)
}

// Commune is a commune of a province, for the form's list.
type Commune struct{ Code, Name string }

// Communes returns the communes of a province, by name.
func (s *Service) Communes(ctx context.Context, province string) ([]Commune, error) {
	rows, err := s.pool.Query(ctx, `SELECT code, full_name FROM commune WHERE province_code = $1 ORDER BY name_fold`, province)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Commune])
}

// Province is a province code and name.
type Province struct{ Code, Name string }

// Provinces returns every province, by name.
func (s *Service) Provinces(ctx context.Context) ([]Province, error) {
	rows, err := s.pool.Query(ctx, `SELECT code, name FROM province ORDER BY name_fold`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Province])
}
