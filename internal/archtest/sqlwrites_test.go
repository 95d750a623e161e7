package archtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sqlWrite is one statement (or pgx CopyFrom call) that writes a table.
type sqlWrite struct {
	file  string // as given to scanWrites
	line  int    // line of the statement's first keyword
	verb  string // "INSERT INTO", "UPDATE", "DELETE FROM", "TRUNCATE", "COPY" or "CopyFrom"
	table string // lower case unless quoted in the SQL; "" when built at run time
}

// String formats w as "file:line: VERB table".
func (w sqlWrite) String() string {
	table := w.table
	if table == "" {
		table = "<table name built at run time>"
	}
	return fmt.Sprintf("%s:%d: %s %s", w.file, w.line, w.verb, table)
}

// scanResult is what scanWrites finds in one file.
type scanResult struct {
	writes []sqlWrite
	temps  []string // tables the file creates with CREATE TEMP TABLE
}

// dynamic stands, in a concatenation of string literals, for an operand that
// is not a literal (a variable, a call): "UPDATE " + t + " SET" is scanned
// as "UPDATE \x00 SET".
const dynamic = "\x00"

// SQL pieces, used with the flags (?is): case-insensitive, '.' matches a
// newline, and \s matches any run of spaces, tabs and line breaks.
const (
	// ident is an SQL identifier, bare or double-quoted.
	ident = `(?:"[^"\x00]+"|[a-z_][a-z0-9_$]*)`
	// dynamicArg is a name built at run time: a concatenated operand or a
	// fmt verb.
	dynamicArg = `(?:\x00|%[-+# 0-9.]*[sqv])`
	// part is an identifier or a name built at run time.
	part = `(?:` + ident + `|` + dynamicArg + `)`
	// tableName is a table name with an optional schema prefix. It has two
	// groups: the name when written out, else the placeholder for a name
	// built at run time.
	tableName = `(?:` + part + `\s*\.\s*)?(?:(` + ident + `)|(` + dynamicArg + `))`
	// tableNameNC is tableName without the groups.
	tableNameNC = `(?:` + part + `\s*\.\s*)?` + part
	// alias is an optional table alias.
	alias = `(?:\s+(?:AS\s+)?` + ident + `)?`
)

// The write statements. Each regexp demands what must follow the table name
// in SQL, so that prose in a literal ("update product: %w", "delete from
// cart failed: %w") and the other uses of the keywords (ON CONFLICT … DO
// UPDATE SET, FOR [NO KEY] UPDATE, COPY … TO) do not count. The first two
// groups are tableName's, except in updateRE, whose group 1 is set when the
// match is DO UPDATE or FOR [NO KEY] UPDATE, and in truncateRE, whose one
// group is the list of tables (split by listItemRE).
var (
	insertRE   = regexp.MustCompile(`(?is)\bINSERT\s+INTO\s+(?:ONLY\s+)?` + tableName + `(?:\s+AS\s+` + ident + `)?\s*(?:\(|\x00|\bVALUES\b|\bSELECT\b|\bDEFAULT\s+VALUES\b|\bOVERRIDING\b|\bWITH\b)`)
	updateRE   = regexp.MustCompile(`(?is)(\b(?:DO|FOR(?:\s+NO\s+KEY)?)\s+)?\bUPDATE\s+(?:ONLY\s+)?` + tableName + `(?:\s*\*)?` + alias + `\s+SET\b`)
	deleteRE   = regexp.MustCompile(`(?is)\bDELETE\s+FROM\s+(?:ONLY\s+)?` + tableName + `(?:\s*\*)?` + alias + `\s*(?:\bWHERE\b|\bUSING\b|\bRETURNING\b|;|\)|\x00|$)`)
	truncateRE = regexp.MustCompile(`(?is)\bTRUNCATE\s+(?:TABLE\s+)?((?:ONLY\s+)?` + tableNameNC + `(?:\s*\*)?(?:\s*,\s*(?:ONLY\s+)?` + tableNameNC + `(?:\s*\*)?)*)\s*(?:\b(?:RESTART|CONTINUE|CASCADE|RESTRICT)\b|;|\)|\x00|$)`)
	copyRE     = regexp.MustCompile(`(?is)\bCOPY\s+` + tableName + `\s*(?:\([^()]*\))?\s*FROM\b`)
	// listItemRE picks the tables out of truncateRE's list.
	listItemRE = regexp.MustCompile(`(?is)(?:ONLY\s+)?` + tableName)
	// tempRE is a CREATE TEMP TABLE.
	tempRE = regexp.MustCompile(`(?is)\bCREATE\s+(?:(?:LOCAL|GLOBAL)\s+)?TEMP(?:ORARY)?\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?` + tableName)
)

// matchedTable returns the table of the submatch indexes m whose tableName
// groups start at group g: the name, or "" when it is built at run time.
func matchedTable(text string, m []int, g int) string {
	if m[2*g] >= 0 {
		return tableIdent(text[m[2*g]:m[2*g+1]])
	}
	return ""
}

// segment maps a stretch of scanned text back to the literal it came from.
type segment struct {
	start int       // offset of the literal's value in the scanned text
	end   int       // offset just past it
	value string    // the literal's value
	pos   token.Pos // the literal
	raw   bool      // a `raw` string, whose line breaks are real ones
}

// scanWrites parses the Go source src (named file in results) and returns
// the table writes in its string literals and pgx CopyFrom calls, and the
// temporary tables it creates. Comments and identifiers are not looked at.
// A + concatenation of literals is scanned as one text, its other operands
// standing in as the dynamic placeholder.
func scanWrites(file string, src []byte) (scanResult, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.SkipObjectResolution)
	if err != nil {
		return scanResult{}, err
	}
	var res scanResult
	// lineOf returns the source line of offset off of a scanned text.
	lineOf := func(segs []segment, off int) int {
		for _, s := range segs {
			if off >= s.start && off < s.end {
				line := fset.Position(s.pos).Line
				if s.raw {
					line += strings.Count(s.value[:off-s.start], "\n")
				}
				return line
			}
		}
		return fset.Position(segs[0].pos).Line // every match starts inside a literal
	}
	scan := func(text string, segs []segment) {
		add := func(off int, verb, table string) {
			res.writes = append(res.writes, sqlWrite{file: file, line: lineOf(segs, off), verb: verb, table: table})
		}
		for _, m := range insertRE.FindAllStringSubmatchIndex(text, -1) {
			add(m[0], "INSERT INTO", matchedTable(text, m, 1))
		}
		for _, m := range updateRE.FindAllStringSubmatchIndex(text, -1) {
			if table := matchedTable(text, m, 2); m[2] < 0 && table != "set" {
				add(m[0], "UPDATE", table)
			}
		}
		for _, m := range deleteRE.FindAllStringSubmatchIndex(text, -1) {
			add(m[0], "DELETE FROM", matchedTable(text, m, 1))
		}
		for _, m := range truncateRE.FindAllStringSubmatchIndex(text, -1) {
			list := text[m[2]:m[3]]
			for _, item := range listItemRE.FindAllStringSubmatchIndex(list, -1) {
				add(m[0], "TRUNCATE", matchedTable(list, item, 1))
			}
		}
		for _, m := range copyRE.FindAllStringSubmatchIndex(text, -1) {
			add(m[0], "COPY", matchedTable(text, m, 1))
		}
		for _, m := range tempRE.FindAllStringSubmatchIndex(text, -1) {
			if table := matchedTable(text, m, 1); table != "" {
				res.temps = append(res.temps, table)
			}
		}
	}

	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			if n.Kind == token.STRING {
				if v, err := strconv.Unquote(n.Value); err == nil {
					scan(v, []segment{{0, len(v), v, n.Pos(), n.Value[0] == '`'}})
				}
			}
		case *ast.BinaryExpr:
			if n.Op != token.ADD {
				return true
			}
			var text strings.Builder
			var segs []segment
			var others []ast.Expr
			for _, e := range concatOperands(n) {
				lit, ok := e.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					text.WriteString(dynamic)
					others = append(others, e)
					continue
				}
				v, err := strconv.Unquote(lit.Value)
				if err != nil {
					continue
				}
				segs = append(segs, segment{text.Len(), text.Len() + len(v), v, lit.Pos(), lit.Value[0] == '`'})
				text.WriteString(v)
			}
			if len(segs) == 0 {
				return true // arithmetic, or strings all built elsewhere
			}
			scan(text.String(), segs)
			for _, e := range others {
				ast.Inspect(e, visit)
			}
			return false
		case *ast.CallExpr:
			if w, ok := copyFromWrite(fset, file, n); ok {
				res.writes = append(res.writes, w)
			}
		}
		return true
	}
	ast.Inspect(f, visit)
	slices.SortStableFunc(res.writes, func(a, b sqlWrite) int { return a.line - b.line })
	return res, nil
}

// concatOperands flattens a chain of + (and parentheses) into its operands,
// left to right.
func concatOperands(e ast.Expr) []ast.Expr {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return concatOperands(e.X)
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			return append(concatOperands(e.X), concatOperands(e.Y)...)
		}
	}
	return []ast.Expr{e}
}

// copyFromWrite recognises a pgx CopyFrom(ctx, pgx.Identifier{…}, columns,
// rows) call. The table is the Identifier's last element; when the table
// argument is not an Identifier literal of string literals the write is
// reported with the table "" (built at run time).
func copyFromWrite(fset *token.FileSet, file string, call *ast.CallExpr) (sqlWrite, bool) {
	var name string
	switch fun := call.Fun.(type) {
	case *ast.SelectorExpr:
		name = fun.Sel.Name
	case *ast.Ident:
		name = fun.Name
	}
	if name != "CopyFrom" || len(call.Args) != 4 {
		return sqlWrite{}, false
	}
	w := sqlWrite{file: file, line: fset.Position(call.Args[1].Pos()).Line, verb: "CopyFrom"}
	cl, ok := call.Args[1].(*ast.CompositeLit)
	if !ok || len(cl.Elts) == 0 {
		return w, true
	}
	if lit, ok := cl.Elts[len(cl.Elts)-1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
		if v, err := strconv.Unquote(lit.Value); err == nil {
			w.table = v // pgx quotes each part: the name is taken as written
		}
	}
	return w, true
}

// tableIdent returns the table name an SQL identifier denotes: a quoted one
// as written, a bare one folded to lower case as PostgreSQL does.
func tableIdent(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return strings.ToLower(s)
}

// TestWriteScanner proves scanWrites finds every form of write and nothing
// else, so TestTableOwnership cannot pass on a broken scanner. Sources use ‵
// for a backtick (raw strings cannot contain one); want lists
// "line: VERB table" in source order.
func TestWriteScanner(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		want  []string
		temps []string
	}{{
		name: "insert across lines, schema, odd spacing and case",
		src: `package p

const q = ‵
	insert   into
	  public . product (a, b)
	VALUES ($1, $2)‵

var r = "Insert Into producer_member(user_id) VALUES ($1)"
`,
		want: []string{"4: INSERT INTO product", "8: INSERT INTO producer_member"},
	}, {
		name: "insert with alias, select and upsert; DO UPDATE SET is not an update",
		src: `package p

const q = ‵INSERT INTO province AS p (code)
SELECT code FROM geo_province_in
ON CONFLICT (code) DO UPDATE SET
  name = excluded.name‵

const r = "INSERT INTO staff_province (a) VALUES ($1) ON CONFLICT (a, b) DO   UPDATE\nSET role = EXCLUDED.role"
const s = ‵INSERT INTO search_word (word) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING‵
`,
		want: []string{"3: INSERT INTO province", "8: INSERT INTO staff_province", "9: INSERT INTO search_word"},
	}, {
		name: "update with alias, ONLY, quoted name, SET on the next line",
		src: `package p

const q = ‵
UPDATE producer p
   SET status = 'active'‵
const r = ‵UPDATE ONLY public."Product" AS x SET a = 1‵
const s = "update search_outbox SET attempts = 0"
`,
		want: []string{"4: UPDATE producer", "6: UPDATE Product", "7: UPDATE search_outbox"},
	}, {
		name: "row locks are not updates",
		src: `package p

const q = ‵SELECT id FROM producer WHERE id = $1 FOR UPDATE‵
const r = ‵SELECT id FROM producer WHERE id = $1 FOR NO KEY UPDATE‵
const s = ‵SELECT id FROM search_outbox FOR UPDATE SKIP LOCKED‵
const u = ‵SELECT 1 FROM a JOIN b ON true FOR
  UPDATE OF a‵
const v = ‵SELECT 1 FROM a FOR NO KEY UPDATE OF a NOWAIT‵
`,
	}, {
		name: "delete: whole table, WHERE, USING, RETURNING, in a CTE",
		src: `package p

const q = ‵DELETE FROM search_word‵
const r = ‵DELETE
  FROM ONLY search_outbox o
  WHERE o.id = $1‵
const s = ‵WITH gone AS (DELETE FROM upload_event WHERE at < $1 RETURNING user_id)
INSERT INTO audit_log (actor_id) SELECT user_id FROM gone‵
const u = "delete from user_session using app_user u where true"
`,
		want: []string{
			"3: DELETE FROM search_word", "4: DELETE FROM search_outbox",
			"7: DELETE FROM upload_event", "8: INSERT INTO audit_log",
			"9: DELETE FROM user_session",
		},
	}, {
		name: "truncate, one table or several",
		src: `package p

const q = ‵TRUNCATE search_word‵
const r = "TRUNCATE TABLE ONLY public.search_document, search_word * RESTART IDENTITY CASCADE"
`,
		want: []string{"3: TRUNCATE search_word", "4: TRUNCATE search_document", "4: TRUNCATE search_word"},
	}, {
		name: "COPY FROM writes, COPY TO reads",
		src: `package p

const q = ‵COPY product (id, name)
  FROM STDIN‵
const r = ‵COPY product TO STDOUT‵
const s = ‵COPY (SELECT 1) TO STDOUT‵
`,
		want: []string{"3: COPY product"},
	}, {
		name: "pgx CopyFrom across lines, with a schema, and with a variable",
		src: `package p

func f() {
	tx.CopyFrom(
		ctx,
		pgx.Identifier{"public", "product_photo"},
		cols, rows)
	_, _ = pool.CopyFrom(ctx, pgx.Identifier{"certificate"}, []string{"a"}, pgx.CopyFromSlice(1, nil))
	tx.CopyFrom(ctx, table, cols, rows)
}
`,
		want: []string{"6: CopyFrom product_photo", "8: CopyFrom certificate", "9: CopyFrom <table name built at run time>"},
	}, {
		name: "comments, identifiers and prose are not writes",
		src: `package p

// update the product, then INSERT INTO product VALUES (1).
/* DELETE FROM product WHERE id = 1; TRUNCATE product; */
func updateProduct() error {
	updated_at := "SELECT updated_at, last_update FROM product ORDER BY updated_at"
	_ = updated_at
	action := "update"
	_ = action
	if err != nil {
		return fmt.Errorf("update product: %w", err)
	}
	_ = errors.New("insert into product: duplicate")
	_ = fmt.Errorf("delete product %d: %w", id, err)
	_ = "image data is corrupt or truncated"
	_ = "copy the files to the bucket"
	return nil
}
`,
	}, {
		name: "concatenations are scanned once, as one text",
		src: `package p

func f(keyCol, table string) {
	tx.Exec(ctx, ‵UPDATE producer SET ‵+keyCol+‵ = $2
		WHERE id = $1‵, id)
	tx.Exec(ctx, "DELETE FROM " + "product_photo" + " WHERE id = $1")
	tx.Exec(ctx, "INSERT INTO " + table + " (a) VALUES ($1)")
	tx.Exec(ctx, fmt.Sprintf("TRUNCATE %s", table))
	tx.Exec(ctx, fmt.Sprintf("UPDATE %s.%s SET a = 1", schema, table))
	tx.Exec(ctx, "SELECT 1 FROM t FOR UPDATE " + lockOpts)
	tx.Exec(ctx, "INSERT INTO t (k) VALUES (1) ON CONFLICT (k) DO UPDATE " + setClause)
	n := 1 + 2
	_ = fmt.Errorf("update " + what + ": %w", err)
	_ = fmt.Errorf("delete from %s: %w", what, err)
	_ = "copy " + name + " to the bucket"
}
`,
		want: []string{
			"4: UPDATE producer", "6: DELETE FROM product_photo",
			"7: INSERT INTO <table name built at run time>", "8: TRUNCATE <table name built at run time>",
			"9: UPDATE <table name built at run time>", "11: INSERT INTO t",
		},
	}, {
		name: "an interpreted string with escapes",
		src: `package p

var q = "DELETE FROM\tproduct\nWHERE id = $1; UPDATE app_user\r\n SET x = 1"
`,
		want: []string{"3: UPDATE app_user", "3: DELETE FROM product"},
	}, {
		name: "temporary tables",
		src: `package p

const q = ‵
CREATE TEMP TABLE geo_province_in (code text) ON COMMIT DROP;
create temporary table if not exists geo_commune_in (code text)‵

func f() { tx.CopyFrom(ctx, pgx.Identifier{"geo_province_in"}, cols, rows) }
`,
		want:  []string{"7: CopyFrom geo_province_in"},
		temps: []string{"geo_province_in", "geo_commune_in"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.ReplaceAll(tt.src, "‵", "`")
			res, err := scanWrites("p.go", []byte(src))
			if err != nil {
				t.Fatalf("parse: %v\n%s", err, src)
			}
			var got []string
			for _, w := range res.writes {
				got = append(got, strings.TrimPrefix(w.String(), "p.go:"))
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("writes:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
			}
			if !slices.Equal(res.temps, tt.temps) {
				t.Errorf("temporary tables %q, want %q", res.temps, tt.temps)
			}
		})
	}
}
