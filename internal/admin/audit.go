package admin

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ocopvn/ocop/internal/audit"
	"github.com/ocopvn/ocop/internal/certification"
	"github.com/ocopvn/ocop/internal/vntext"
)

// auditLine is an audit entry in words.
type auditLine struct {
	audit.Row
	Acting, Entity, Action string
	Details                []string
}

func lookup(prefix, code string) string {
	if m, ok := messages[prefix+code]; ok {
		return m
	}
	return code
}

func auditLines(rows []audit.Row) []auditLine {
	out := make([]auditLine, len(rows))
	for i, r := range rows {
		out[i] = auditLine{Row: r, Acting: lookup("console.acting.", r.ActingAs), Entity: lookup("console.entity.", r.Entity),
			Action: lookup("console.action.", r.Action), Details: detailLines(r.Detail)}
	}
	return out
}

// detailLines renders an entry's detail, one line per key in key order;
// "changes" becomes one "Field: old → new" line per changed field.
func detailLines(d map[string]any) []string {
	var lines []string
	for _, k := range sortedKeys(d) {
		if k == "changes" {
			if m, ok := d[k].(map[string]any); ok {
				for _, f := range sortedKeys(m) {
					lines = append(lines, changeLine(f, m[f]))
				}
				continue
			}
		}
		if s := detailValue(k, d[k]); s != "" {
			lines = append(lines, lookup("console.detail.", k)+": "+s)
		}
	}
	return lines
}

// changeLine is a changed field: its old and new values when they were
// recorded (short fields), else only that it changed (long texts).
func changeLine(field string, v any) string {
	label := lookup("console.detail.", field)
	m, ok := v.(map[string]any)
	if !ok {
		return label + ": " + T("console.detail_changed")
	}
	value := func(x any) string {
		if s := detailValue(field, x); s != "" {
			return s
		}
		return T("console.detail_empty")
	}
	return label + ": " + value(m["old"]) + " → " + value(m["new"])
}

// detailValue renders a detail value in words ("" for none): prices in
// đồng, statuses and codes by their labels, object keys as a count.
func detailValue(key string, v any) string {
	switch key {
	case "keys", "old_keys", "photo_keys":
		list, _ := v.([]any)
		if len(list) == 0 {
			return ""
		}
		return fmt.Sprintf(T("console.detail_files"), len(list))
	case "price_vnd":
		if n, ok := v.(float64); ok {
			return vntext.VND(int64(n))
		}
	case "status":
		if s, ok := v.(string); ok && s != "" {
			return lookup("console.status.", s)
		}
	case "publish_refused":
		if s, ok := v.(string); ok && s != "" {
			return lookup("console.refused.", s)
		}
	case "issuing_level":
		if s, ok := v.(string); ok && s != "" {
			return certification.LevelLabel(s)
		}
	case "kind":
		// a certificate's kind (new, renewal, upgrade) or a staff grant's
		if s, ok := v.(string); ok && s != "" {
			return lookup("console.kind.", s)
		}
	case "star":
		if n, ok := v.(float64); ok {
			return strconv.Itoa(int(n)) + " sao"
		}
	case "position":
		if n, ok := v.(float64); ok {
			return strconv.Itoa(int(n) + 1) // 0-based in the database
		}
	}
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return T("console.detail_yes")
		}
		return T("console.detail_no")
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for j, e := range x {
			parts[j] = detailValue("", e)
		}
		return strings.Join(parts, ", ")
	default:
		return fmt.Sprint(x)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
