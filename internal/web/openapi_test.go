package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/ocopvn/ocop/internal/web"
)

type openAPIDoc struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]map[string]any `json:"schemas"`
	} `json:"components"`
}

func loadOpenAPI(t *testing.T) (openAPIDoc, map[string]any) {
	t.Helper()
	var doc openAPIDoc
	var raw map[string]any
	if err := json.Unmarshal(web.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(web.OpenAPI(), &raw); err != nil {
		t.Fatal(err)
	}
	if raw["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", raw["openapi"])
	}
	return doc, raw
}

// TestOpenAPIMatchesRoutes fails when an /api/v1 route is missing from the
// document or the document names a route the server does not have.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s := newServer(t)
	doc, _ := loadOpenAPI(t)
	param := regexp.MustCompile(`:([a-z_]+)`)
	served := map[string]bool{}
	for _, r := range s.app.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/v1/") || r.Method == "HEAD" {
			continue
		}
		p := param.ReplaceAllString(strings.TrimPrefix(r.Path, "/api/v1"), "{$1}")
		key := strings.ToLower(r.Method) + " " + p
		served[key] = true
		if _, ok := doc.Paths[p][strings.ToLower(r.Method)]; !ok {
			t.Errorf("route %s %s is not in openapi.json", r.Method, r.Path)
		}
	}
	for p, ops := range doc.Paths {
		for m := range ops {
			if !served[m+" "+p] {
				t.Errorf("openapi.json documents %s %s, which is not served", strings.ToUpper(m), p)
			}
		}
	}
	if len(served) < 6 {
		t.Errorf("only %d API routes found", len(served))
	}
}

// TestOpenAPIResponsesMatch calls every documented GET and checks the body
// against the documented 200 schema (required properties and JSON types).
func TestOpenAPIResponsesMatch(t *testing.T) {
	s := newServer(t)
	_, raw := loadOpenAPI(t)
	examples := map[string]string{"/products/{slug}": "/products/che-tan-cuong", "/producers/{slug}": "/producers/htx-che-tan-cuong"}
	var code string
	if err := s.pool.QueryRow(context.Background(), `SELECT verify_code FROM product WHERE slug = 'che-tan-cuong'`).Scan(&code); err != nil {
		t.Fatal(err)
	}
	examples["/verify/{code}"] = "/verify/" + code
	examples["/orders/{code}"] = s.orderPath
	examples["/showrooms/{slug}"] = "/showrooms/trung-tam-ocop-thai-nguyen"
	examples["/events/{slug}"] = "/events/hoi-cho-ocop-thai-nguyen-2099"
	paths := raw["paths"].(map[string]any)
	var keys []string
	for p := range paths {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	for _, p := range keys {
		get, ok := paths[p].(map[string]any)["get"].(map[string]any)
		if !ok {
			continue
		}
		url := p
		if ex, ok := examples[p]; ok {
			url = ex
		}
		if strings.Contains(url, "{") {
			t.Errorf("no example URL for %s", p)
			continue
		}
		resp, body := s.get(t, "/api/v1"+url)
		if resp.StatusCode != 200 {
			t.Errorf("GET %s = %d", url, resp.StatusCode)
			continue
		}
		schema := get["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"]
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		for _, e := range validate(raw, schema.(map[string]any), v, url) {
			t.Error(e)
		}
	}
}

// validate is a small JSON-schema checker for what openapi.json uses: $ref,
// type (string or list), required, properties, items, enum and oneOf.
func validate(root map[string]any, schema map[string]any, v any, at string) []string {
	if ref, ok := schema["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		return validate(root, root["components"].(map[string]any)["schemas"].(map[string]any)[name].(map[string]any), v, at)
	}
	if alts, ok := schema["oneOf"].([]any); ok {
		for _, a := range alts {
			if len(validate(root, a.(map[string]any), v, at)) == 0 {
				return nil
			}
		}
		return []string{at + ": matches no oneOf alternative"}
	}
	var types []string
	switch ty := schema["type"].(type) {
	case string:
		types = []string{ty}
	case []any:
		for _, x := range ty {
			types = append(types, x.(string))
		}
	}
	if len(types) > 0 {
		ok := false
		for _, ty := range types {
			ok = ok || typeMatches(ty, v)
		}
		if !ok {
			return []string{fmt.Sprintf("%s: %T is not %v", at, v, types)}
		}
	}
	if enum, ok := schema["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			found = found || e == v
		}
		if !found {
			return []string{fmt.Sprintf("%s: %v not in %v", at, v, enum)}
		}
	}
	var errs []string
	if obj, ok := v.(map[string]any); ok {
		for _, r := range asList(schema["required"]) {
			if _, ok := obj[r.(string)]; !ok {
				errs = append(errs, fmt.Sprintf("%s: required %q missing", at, r))
			}
		}
		props, _ := schema["properties"].(map[string]any)
		for k, sub := range props {
			if val, ok := obj[k]; ok {
				errs = append(errs, validate(root, sub.(map[string]any), val, at+"."+k)...)
			}
		}
	}
	if arr, ok := v.([]any); ok {
		if items, ok := schema["items"].(map[string]any); ok {
			for i, x := range arr {
				errs = append(errs, validate(root, items, x, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	}
	return errs
}

func asList(v any) []any { l, _ := v.([]any); return l }

func typeMatches(ty string, v any) bool {
	switch ty {
	case "null":
		return v == nil
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == float64(int64(f))
	}
	return false
}
