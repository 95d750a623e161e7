package web_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestEventsAPI: the list gives the upcoming fair with its booths on offer
// and the registration open; the detail gives zones, booths and prices; a
// bad filter is a 400 problem, an unknown or draft event 404.
func TestEventsAPI(t *testing.T) {
	s := newServer(t)
	resp, body := s.get(t, "/api/v1/events?province=19")
	var list struct {
		Items []struct {
			Slug             string `json:"slug"`
			BoothsTotal      int    `json:"booths_total"`
			BoothsFree       int    `json:"booths_free"`
			RegistrationOpen bool   `json:"registration_open"`
			Venue            struct {
				Lat *float64 `json:"lat"`
			} `json:"venue"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if err := json.Unmarshal(body, &list); err != nil || resp.StatusCode != 200 || list.Total != 1 {
		t.Fatalf("%d %v %s", resp.StatusCode, err, body)
	}
	if it := list.Items[0]; it.Slug != "hoi-cho-ocop-thai-nguyen-2099" || it.BoothsTotal != 2 || it.BoothsFree != 2 || !it.RegistrationOpen || it.Venue.Lat == nil {
		t.Errorf("item: %+v", it)
	}
	if _, body := s.get(t, "/api/v1/events?province=01"); !strings.Contains(string(body), `"total":0`) {
		t.Errorf("another province: %s", body)
	}
	resp, body = s.get(t, "/api/v1/events/hoi-cho-ocop-thai-nguyen-2099")
	var d struct {
		Zones []struct {
			Code   string `json:"code"`
			Booths []struct {
				Code     string `json:"code"`
				PriceVND int64  `json:"price_vnd"`
			} `json:"booths"`
		} `json:"zones"`
		BoothTypes []struct {
			Code     string `json:"code"`
			PriceVND int64  `json:"price_vnd"`
		} `json:"booth_types"`
		Subsidy struct {
			Percent int `json:"percent"`
		} `json:"subsidy"`
	}
	if err := json.Unmarshal(body, &d); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %v", resp.StatusCode, err)
	}
	if len(d.Zones) != 1 || len(d.Zones[0].Booths) != 2 || d.Zones[0].Booths[1].Code != "A-02" || d.Zones[0].Booths[0].PriceVND != 1500000 ||
		len(d.BoothTypes) != 1 || d.Subsidy.Percent != 50 {
		t.Errorf("detail: %s", body)
	}
	for _, bad := range []string{"?month=2099-13", "?from=01/03/2099", "?kind=concert", "?province=abc"} {
		resp, body := s.get(t, "/api/v1/events"+bad)
		if resp.StatusCode != 400 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("%s: %d %s", bad, resp.StatusCode, body)
		}
	}
	if resp, _ := s.get(t, "/api/v1/events/khong-co"); resp.StatusCode != 404 {
		t.Errorf("unknown: %d", resp.StatusCode)
	}
}
