package certification

import (
	"context"
	"errors"
	"math"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ocopvn/ocop/internal/apperr"
	"github.com/ocopvn/ocop/internal/postgres"
)

// Verification is what the public verification page (/xac-minh/{code},
// the QR on a product's packaging) and GET /api/v1/verify/{code} show: the
// live status of the product's certificate and only what the certificate
// makes public (SECURITY.md Z-08): no phone, e-mail, tax code or street
// address.
type Verification struct {
	Code   string `json:"code"`
	Status string `json:"status"` // active, superseded, expired or revoked
	// Listed: the product is on sale in the catalog now (its page exists).
	Listed   bool          `json:"listed"`
	Product  VerifiedName  `json:"product"`
	Producer VerifiedName  `json:"producer"`
	Province VerifiedPlace `json:"province"`
	Commune  string        `json:"commune,omitempty"`
	Group    VerifiedPlace `json:"group"`
	// The certificate shown: the active one, or else the latest decision.
	Star  int    `json:"star"`
	Score string `json:"score,omitempty"`
	// PotentialFive: a provincial 4★ scoring 90 or more, forwarded to the
	// central council ("tiềm năng 5 sao").
	PotentialFive    bool   `json:"potential_five"`
	DecisionNo       string `json:"decision_no"`
	DecisionDate     string `json:"decision_date"` // yyyy-mm-dd
	IssuingLevel     string `json:"issuing_level"`
	IssuingAuthority string `json:"issuing_authority"`
	ValidFrom        string `json:"valid_from"`
	ValidUntil       string `json:"valid_until"`
	RevokedOn        string `json:"revoked_on,omitempty"`
	RevokeReason     string `json:"revoke_reason,omitempty"`
	RevokeDecisionNo string `json:"revoke_decision_no,omitempty"`
}

// VerifiedName is a named thing with its page's slug.
type VerifiedName struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// VerifiedPlace is a code and its name.
type VerifiedPlace struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Valid reports whether the certificate is in force.
func (v *Verification) Valid() bool { return v.Status == Active }

// ErrUnknownCode is a verification code no certified product has.
var ErrUnknownCode = apperr.E(apperr.NotFound,
	"Mã này không phải của sản phẩm OCOP nào. Sản phẩm mang mã này chưa được chứng nhận OCOP hoặc mã đã bị in sai.",
	"no OCOP-certified product has this verification code")

// codeRE is the shape of a verification code (migration 00012).
var codeRE = regexp.MustCompile(`^[0-9a-f]{12}$`)

// verifyCacheSize bounds the cache (known and unknown codes alike), so
// that probing random codes cannot grow it without end.
const verifyCacheSize = 50000

// verifyCache holds verifications of one catalog version and one day:
// every change to a product, producer or certificate moves the version
// (catalog_state), so an entry is never stale.
type verifyCache struct {
	mu      sync.Mutex
	version int64
	day     time.Time
	m       map[string]*Verification // nil value: an unknown code
}

// Verify returns the verification of code: ErrUnknownCode when no
// product with a certificate has it (a malformed code included). Answers
// are cached per catalog version, so a scan costs one primary-key read.
func (s *Service) Verify(ctx context.Context, code string) (v *Verification, err error) {
	defer apperr.Wrap(&err, "certification.Verify")
	if !codeRE.MatchString(code) {
		return nil, ErrUnknownCode
	}
	var version int64
	if err := s.pool.QueryRow(ctx, `SELECT version FROM catalog_state`).Scan(&version); err != nil {
		return nil, err
	}
	today := s.Today()
	c := &s.verified
	c.mu.Lock()
	if c.m == nil || c.version != version || !c.day.Equal(today) || len(c.m) >= verifyCacheSize {
		c.m, c.version, c.day = map[string]*Verification{}, version, today
	}
	v, ok := c.m[code]
	c.mu.Unlock()
	if !ok {
		if v, err = findVerification(ctx, s.pool, code, today); err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.version == version && c.day.Equal(today) {
			c.m[code] = v
		}
		c.mu.Unlock()
	}
	if v == nil {
		return nil, ErrUnknownCode
	}
	return v, nil
}

// findVerification reads the verification of code (nil when no product
// with a certificate has it). The certificate shown is the active one, or
// else the latest decision; an active one past its last day (the nightly
// job has not run yet) is shown expired.
func findVerification(ctx context.Context, q postgres.Querier, code string, today time.Time) (*Verification, error) {
	v := &Verification{Code: code}
	var displayName string
	var decided, from, until time.Time
	var revokedOn *time.Time
	err := q.QueryRow(ctx, `
SELECT p.name, p.slug, EXISTS (SELECT 1 FROM public_product pp WHERE pp.id = p.id),
       pr.name, pr.display_name, pr.slug, prov.code, prov.name, coalesce(cm.full_name, ''), g.code, g.name,
       c.star, coalesce(c.score::text, ''), c.decision_no, c.decision_date, c.issuing_level, c.issuing_authority,
       c.valid_from, c.valid_until, c.status, c.revoked_on, coalesce(c.revoke_reason, ''), coalesce(c.revoke_decision_no, '')
FROM product p
JOIN producer pr ON pr.id = p.producer_id
JOIN province prov ON prov.code = pr.province_code
LEFT JOIN commune cm ON cm.code = pr.commune_code
JOIN product_group g ON g.code = p.group_code
-- the active certificate, or else the latest decision
JOIN LATERAL (SELECT * FROM certificate c WHERE c.product_id = p.id
              ORDER BY (c.status = 'active') DESC, c.decision_date DESC, c.id DESC LIMIT 1) c ON true
WHERE p.verify_code = $1`, code).Scan(&v.Product.Name, &v.Product.Slug, &v.Listed,
		&v.Producer.Name, &displayName, &v.Producer.Slug, &v.Province.Code, &v.Province.Name, &v.Commune, &v.Group.Code, &v.Group.Name,
		&v.Star, &v.Score, &v.DecisionNo, &decided, &v.IssuingLevel, &v.IssuingAuthority,
		&from, &until, &v.Status, &revokedOn, &v.RevokeReason, &v.RevokeDecisionNo)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if displayName != "" {
		v.Producer.Name = displayName
	}
	if v.Score != "" {
		if f, err := strconv.ParseFloat(v.Score, 64); err == nil {
			h := int64(math.Round(f * 100))
			v.PotentialFive = PotentialFive(v.Star, v.IssuingLevel, &h)
		}
	}
	if v.Status == Active && until.Before(today) {
		v.Status = Expired
	}
	v.DecisionDate, v.ValidFrom, v.ValidUntil = decided.Format(time.DateOnly), from.Format(time.DateOnly), until.Format(time.DateOnly)
	if revokedOn != nil {
		v.RevokedOn = revokedOn.Format(time.DateOnly)
	}
	return v, nil
}
