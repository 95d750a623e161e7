package certification

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/postgres"
)

// NoticeDays are how many days before a certificate's last day its
// producer is told: T-90, T-30 (the legal minimum) and T-7.
var NoticeDays = []int{7, 30, 90}

// Notice is one deadline notice of a certificate.
type Notice struct {
	CertificateID int64
	Days          int // the notice's threshold: 90, 30 or 7
}

// RecordDueNotices records, in tx, the notices due on today: an active
// certificate ending within 90 days gets the notice of the smallest
// threshold its days left reach (one ending in 20 days gets T-30, not
// T-90 too), once (certificate_notice's key). It returns the new ones,
// for the caller to queue their mail in the same transaction.
func RecordDueNotices(ctx context.Context, tx pgx.Tx, today time.Time) (out []Notice, err error) {
	defer apperr.Wrap(&err, "certification.RecordDueNotices")
	rows, err := tx.Query(ctx, `
INSERT INTO certificate_notice (certificate_id, days, valid_until)
SELECT c.id, CASE WHEN c.valid_until - $1::date <= 7 THEN 7
                  WHEN c.valid_until - $1::date <= 30 THEN 30 ELSE 90 END, c.valid_until
FROM certificate c
WHERE c.status = 'active' AND c.valid_until BETWEEN $1::date AND $1::date + 90
ON CONFLICT DO NOTHING
RETURNING certificate_id, days`, today.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	var n Notice
	_, err = pgx.ForEachRow(rows, []any{&n.CertificateID, &n.Days}, func() error {
		out = append(out, n)
		return nil
	})
	return out, err
}

// ScheduleNotices records the notices due now in one transaction and
// hands them to enqueue in that same transaction (the job queue's insert),
// so a notice is either recorded and queued or neither.
func (s *Service) ScheduleNotices(ctx context.Context, enqueue func(ctx context.Context, tx pgx.Tx, ns []Notice) error) (n int, err error) {
	defer apperr.Wrap(&err, "certification.ScheduleNotices")
	err = postgres.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		ns, err := RecordDueNotices(ctx, tx, s.Today())
		if err != nil || len(ns) == 0 {
			return err
		}
		n = len(ns)
		return enqueue(ctx, tx, ns)
	})
	return n, err
}

// NoticeMail is a deadline notice as it is mailed to a producer's members.
type NoticeMail struct {
	To      []string // the members' e-mail addresses
	Subject string
	Body    string
}

// ComposeNotice writes the mail of notice n: what ends when, and what the
// producer should do (a re-evaluation dossier to the province's OCOP
// office). It returns no addresses when no member has an e-mail.
func (s *Service) ComposeNotice(ctx context.Context, n Notice) (m NoticeMail, err error) {
	defer apperr.Wrap(&err, "certification.ComposeNotice(%d, %d)", n.CertificateID, n.Days)
	var product, producerName, decisionNo string
	var star int
	var until time.Time
	var emails []string
	err = s.pool.QueryRow(ctx, `
SELECT p.name, coalesce(nullif(pr.display_name, ''), pr.name), c.decision_no, c.star, c.valid_until,
       coalesce((SELECT array_agg(u.email ORDER BY u.email) FROM producer_member m JOIN app_user u ON u.id = m.user_id
                 WHERE m.producer_id = pr.id AND u.email IS NOT NULL), '{}')
FROM certificate c JOIN product p ON p.id = c.product_id JOIN producer pr ON pr.id = p.producer_id
WHERE c.id = $1`, n.CertificateID).Scan(&product, &producerName, &decisionNo, &star, &until, &emails)
	if err != nil {
		return m, err
	}
	m.To = emails
	m.Subject = fmt.Sprintf("Chứng nhận OCOP %d sao của \"%s\" hết hạn ngày %s", star, product, until.Format("02/01/2006"))
	var b strings.Builder
	fmt.Fprintf(&b, "Kính gửi %s,\n\n", producerName)
	fmt.Fprintf(&b, "Chứng nhận OCOP %d sao của sản phẩm \"%s\" (quyết định %s) hết hiệu lực sau ngày %s, còn khoảng %d ngày.\n",
		star, product, decisionNo, until.Format("02/01/2006"), n.Days)
	b.WriteString("Để tiếp tục dùng logo và hạng sao OCOP, vui lòng gửi hồ sơ đánh giá lại (phiếu đăng ký, bản tự đánh giá, báo cáo kết quả 3 năm, thông tin nguyên liệu, thị trường và công bố chất lượng) tới Văn phòng điều phối OCOP của tỉnh.\n")
	b.WriteString("Khi chứng nhận hết hạn, sản phẩm sẽ rời khỏi Chợ OCOP cho tới khi có quyết định công nhận lại.\n\nChợ OCOP")
	m.Body = b.String()
	return m, nil
}
