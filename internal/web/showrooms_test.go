package web_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestShowroomsAPI: near-me with distances, the detail with hours and the
// products carried, and a 400 problem for what is malformed.
func TestShowroomsAPI(t *testing.T) {
	s := newServer(t)
	resp, body := s.get(t, "/api/v1/showrooms?near=21.5800,105.8000&radius_km=20&product=che-tan-cuong")
	var list struct {
		Items []struct {
			Slug       string   `json:"slug"`
			DistanceKm *float64 `json:"distance_km"`
			OpenNow    bool     `json:"open_now"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(body, &list) != nil || list.Total != 1 || list.Items[0].DistanceKm == nil {
		t.Fatalf("near: %d %s", resp.StatusCode, body)
	}
	if d := *list.Items[0].DistanceKm; d < 5 || d > 6 {
		t.Errorf("distance %.2f km", d)
	}
	if _, body := s.get(t, "/api/v1/showrooms?near=21.5800,105.8000&radius_km=2"); !strings.Contains(string(body), `"total":0`) {
		t.Errorf("outside the radius: %s", body)
	}
	resp, body = s.get(t, "/api/v1/showrooms/trung-tam-ocop-thai-nguyen")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"intervals":["07:00-21:00"]`) || !strings.Contains(string(body), `"slug":"che-tan-cuong"`) {
		t.Errorf("detail: %d %s", resp.StatusCode, body)
	}
	for _, bad := range []string{"near=48.85,2.35", "near=abc", "near=21,105&radius_km=900", "radius_km=-1", "province=1", "type=chợ",
		"open_now=maybe", "per_page=1000", "product=khong-co"} {
		resp, body := s.get(t, "/api/v1/showrooms?"+bad)
		if resp.StatusCode != 400 || resp.Header.Get("Content-Type") != "application/problem+json; charset=utf-8" || !strings.Contains(string(body), "message_vi") {
			t.Errorf("%s: %d %s", bad, resp.StatusCode, body)
		}
	}
	if resp, _ := s.get(t, "/api/v1/showrooms/khong-co"); resp.StatusCode != 404 {
		t.Errorf("unknown showroom: %d", resp.StatusCode)
	}
}
