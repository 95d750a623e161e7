// Package geo loads Vietnam's administrative units (the 34 provincial units
// and their 3,321 communes after the 2025 reform) into the province and
// commune tables.
//
// The input is the JSON of the public dataset
// thanglequoc/vietnamese-provinces-database (a list of provinces, each with
// its wards). Import is an idempotent upsert: running it again with the same
// file changes nothing and reports 0 changes.
package geo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocopvn/ocop/internal/postgres"
	"github.com/ocopvn/ocop/internal/vntext"
)

// maxInput bounds how much JSON Import reads; the full dataset is about
// 1.5 MB.
const maxInput = 64 << 20

// Summary reports what an import did.
type Summary struct {
	Provinces int // provinces in the file
	Communes  int // communes in the file
	Changed   int // rows inserted or updated (0 when the tables already matched)
}

// String returns a one-line report such as
// "34 tỉnh/thành, 3321 xã/phường/đặc khu, thay đổi 0 (provinces/communes/changed)".
func (s Summary) String() string {
	return fmt.Sprintf("%d tỉnh/thành, %d xã/phường/đặc khu, thay đổi %d (provinces/communes/changed)",
		s.Provinces, s.Communes, s.Changed)
}

// ErrInvalid is wrapped by every error about the content of the input (bad
// JSON, a bad code, an unknown kind of unit); nothing is written then.
var ErrInvalid = errors.New("geo: invalid administrative-unit data")

// jsonProvince and jsonWard are the dataset's shapes; other fields
// (FullNameEn, CodeName) are ignored.
type jsonProvince struct {
	Code     string
	Name     string
	NameEn   string
	FullName string
	Wards    []jsonWard
}

type jsonWard struct {
	Code         string
	Name         string
	NameEn       string
	FullName     string
	ProvinceCode string
}

// province and commune are validated rows, ready for the tables.
type province struct {
	code, name, fullName, nameEn, kind, slug, nameFold string
}

type commune struct {
	code, provinceCode, name, fullName, nameEn, kind, nameFold string
}

var (
	provinceCodeRE = regexp.MustCompile(`^[0-9]{2}$`)
	communeCodeRE  = regexp.MustCompile(`^[0-9]{5}$`)
)

// ImportFile is Import reading the file at path.
func ImportFile(ctx context.Context, pool *pgxpool.Pool, path string) (Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return Summary{}, err
	}
	defer f.Close()
	return Import(ctx, pool, f)
}

// Import reads the provinces-and-wards JSON from r, validates all of it and
// upserts the provinces and communes in one transaction. Any invalid item
// (error wrapping ErrInvalid) means nothing is written. Communes that are in
// the tables but not in the file are left alone.
func Import(ctx context.Context, pool *pgxpool.Pool, r io.Reader) (Summary, error) {
	provs, comms, err := parse(r)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{Provinces: len(provs), Communes: len(comms)}
	err = postgres.InTx(ctx, pool, func(tx pgx.Tx) error {
		n, err := upsert(ctx, tx, provs, comms)
		sum.Changed = n
		return err
	})
	if err != nil {
		return Summary{Provinces: len(provs), Communes: len(comms)}, fmt.Errorf("geo import: %w", err)
	}
	return sum, nil
}

// parse decodes and validates the whole input.
func parse(r io.Reader) ([]province, []commune, error) {
	dec := json.NewDecoder(io.LimitReader(r, maxInput))
	var in []jsonProvince
	if err := dec.Decode(&in); err != nil {
		return nil, nil, fmt.Errorf("%w: JSON: %v", ErrInvalid, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, fmt.Errorf("%w: JSON: unexpected data after the list of provinces", ErrInvalid)
	}
	if len(in) == 0 {
		return nil, nil, fmt.Errorf("%w: the file lists no provinces", ErrInvalid)
	}

	var (
		provs      []province
		comms      []commune
		seenCode   = map[string]string{}
		seenFold   = map[string]string{}
		seenSlug   = map[string]string{}
		seenCommun = map[string]string{}
	)
	for i, jp := range in {
		p, err := validProvince(jp)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: province #%d (code %q, %q): %v", ErrInvalid, i+1, jp.Code, jp.Name, err)
		}
		for _, dup := range []struct {
			seen map[string]string
			key  string
			what string
		}{{seenCode, p.code, "code"}, {seenFold, p.nameFold, "name"}, {seenSlug, p.slug, "slug"}} {
			if prev, ok := dup.seen[dup.key]; ok {
				return nil, nil, fmt.Errorf("%w: province %s %q has the same %s as province %s", ErrInvalid, p.code, p.name, dup.what, prev)
			}
			dup.seen[dup.key] = p.code
		}
		provs = append(provs, p)
		for j, jw := range jp.Wards {
			c, err := validCommune(jw, p.code)
			if err != nil {
				return nil, nil, fmt.Errorf("%w: province %s, commune #%d (code %q, %q): %v", ErrInvalid, p.code, j+1, jw.Code, jw.FullName, err)
			}
			if prev, ok := seenCommun[c.code]; ok {
				return nil, nil, fmt.Errorf("%w: commune code %s appears twice (provinces %s and %s)", ErrInvalid, c.code, prev, p.code)
			}
			seenCommun[c.code] = p.code
			comms = append(comms, c)
		}
	}
	return provs, comms, nil
}

func validProvince(jp jsonProvince) (province, error) {
	p := province{
		code:     strings.TrimSpace(jp.Code),
		name:     vntext.NFC(jp.Name),
		fullName: vntext.NFC(jp.FullName),
		nameEn:   vntext.NFC(jp.NameEn),
	}
	if !provinceCodeRE.MatchString(p.code) {
		return p, errors.New("the code must be 2 digits")
	}
	var err error
	if p.nameFold, err = foldName(p.name); err != nil {
		return p, err
	}
	if p.slug = vntext.Slug(p.name); p.slug == "" {
		return p, errNoLetters
	}
	if p.kind, err = kindOf(p.fullName, "province", provinceKinds); err != nil {
		return p, err
	}
	return p, nil
}

// provinceKinds and communeKinds are the kinds of unit by the prefix of
// the full name (matched in lower case: the dataset spells one "xã" in
// lower case).
var (
	provinceKinds = []unitKind{{"tỉnh ", "tinh", "Tỉnh …"}, {"thành phố ", "thanh_pho", "Thành phố …"}}
	communeKinds  = []unitKind{{"xã ", "xa", "Xã …"}, {"phường ", "phuong", "Phường …"}, {"đặc khu ", "dac_khu", "Đặc khu …"}}
)

// unitKind is a kind of administrative unit and the prefix of its full
// name.
type unitKind struct{ prefix, kind, example string }

// kindOf returns the kind whose prefix starts fullName.
func kindOf(fullName, what string, kinds []unitKind) (string, error) {
	low := strings.ToLower(fullName)
	var want []string
	for _, k := range kinds {
		if strings.HasPrefix(low, k.prefix) {
			return k.kind, nil
		}
		want = append(want, strconv.Quote(k.example))
	}
	list := strings.Join(want[:len(want)-1], ", ") + " or " + want[len(want)-1]
	return "", fmt.Errorf("unknown kind of %s in full name %q (want %s)", what, fullName, list)
}

var errNoLetters = errors.New("the name has no letters or digits")

// foldName returns the fold of a unit's name, refusing an empty one or
// one without letters or digits.
func foldName(name string) (string, error) {
	if name == "" {
		return "", errors.New("the name is empty")
	}
	f := vntext.Fold(name)
	if f == "" {
		return "", errNoLetters
	}
	return f, nil
}

func validCommune(jw jsonWard, provinceCode string) (commune, error) {
	c := commune{
		code:         strings.TrimSpace(jw.Code),
		provinceCode: provinceCode,
		name:         vntext.NFC(jw.Name),
		fullName:     vntext.NFC(jw.FullName),
		nameEn:       vntext.NFC(jw.NameEn),
	}
	if !communeCodeRE.MatchString(c.code) {
		return c, errors.New("the code must be 5 digits")
	}
	if pc := strings.TrimSpace(jw.ProvinceCode); pc != "" && pc != provinceCode {
		return c, fmt.Errorf("ProvinceCode %q differs from the enclosing province %s", pc, provinceCode)
	}
	var err error
	if c.nameFold, err = foldName(c.name); err != nil {
		return c, err
	}
	if c.kind, err = kindOf(c.fullName, "commune", communeKinds); err != nil {
		return c, err
	}
	return c, nil
}

// upsert copies the rows into temporary tables and merges them into the real
// ones, touching only rows whose columns differ. It returns the number of
// rows inserted or updated.
func upsert(ctx context.Context, tx pgx.Tx, provs []province, comms []commune) (int, error) {
	_, err := tx.Exec(ctx, `
CREATE TEMP TABLE geo_province_in (
  code text, name text, full_name text, name_en text, kind text, slug text, name_fold text
) ON COMMIT DROP;
CREATE TEMP TABLE geo_commune_in (
  code text, province_code text, name text, full_name text, name_en text, kind text, name_fold text
) ON COMMIT DROP`)
	if err != nil {
		return 0, err
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"geo_province_in"},
		[]string{"code", "name", "full_name", "name_en", "kind", "slug", "name_fold"},
		pgx.CopyFromSlice(len(provs), func(i int) ([]any, error) {
			p := provs[i]
			return []any{p.code, p.name, p.fullName, p.nameEn, p.kind, p.slug, p.nameFold}, nil
		}))
	if err != nil {
		return 0, err
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"geo_commune_in"},
		[]string{"code", "province_code", "name", "full_name", "name_en", "kind", "name_fold"},
		pgx.CopyFromSlice(len(comms), func(i int) ([]any, error) {
			c := comms[i]
			return []any{c.code, c.provinceCode, c.name, c.fullName, c.nameEn, c.kind, c.nameFold}, nil
		}))
	if err != nil {
		return 0, err
	}

	// Provinces first: communes reference them.
	tag, err := tx.Exec(ctx, `
INSERT INTO province AS p (code, name, full_name, name_en, kind, slug, name_fold)
SELECT code, name, full_name, name_en, kind, slug, name_fold FROM geo_province_in
ON CONFLICT (code) DO UPDATE SET
  name = excluded.name, full_name = excluded.full_name, name_en = excluded.name_en,
  kind = excluded.kind, slug = excluded.slug, name_fold = excluded.name_fold
WHERE (p.name, p.full_name, p.name_en, p.kind, p.slug, p.name_fold)
  IS DISTINCT FROM (excluded.name, excluded.full_name, excluded.name_en, excluded.kind, excluded.slug, excluded.name_fold)`)
	if err != nil {
		return 0, fmt.Errorf("provinces: %w", err)
	}
	changed := int(tag.RowsAffected())

	tag, err = tx.Exec(ctx, `
INSERT INTO commune AS c (code, province_code, name, full_name, name_en, kind, name_fold)
SELECT code, province_code, name, full_name, name_en, kind, name_fold FROM geo_commune_in
ON CONFLICT (code) DO UPDATE SET
  province_code = excluded.province_code, name = excluded.name, full_name = excluded.full_name,
  name_en = excluded.name_en, kind = excluded.kind, name_fold = excluded.name_fold
WHERE (c.province_code, c.name, c.full_name, c.name_en, c.kind, c.name_fold)
  IS DISTINCT FROM (excluded.province_code, excluded.name, excluded.full_name, excluded.name_en, excluded.kind, excluded.name_fold)`)
	if err != nil {
		return 0, fmt.Errorf("communes: %w", err)
	}
	changed += int(tag.RowsAffected())
	return changed, nil
}
