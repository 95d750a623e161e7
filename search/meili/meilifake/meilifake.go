// Package meilifake is an HTTP test double of the few Meilisearch endpoints
// the meili backend writes through (create index, settings, add and delete
// documents, tasks). It records the documents it holds and every request,
// and can make tasks fail or never finish. It does not search: tests of
// search behaviour run against a real Meilisearch (MEILI_URL).
package meilifake

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Outcome is what the fake does with new tasks.
type Outcome int

// Task outcomes.
const (
	Succeed Outcome = iota
	Fail            // the task fails with Code
	Hang            // the task stays "processing"
)

// Request is one recorded request.
type Request struct {
	Method, Path string
	Body         []byte
}

// Server is the fake's handler. Use it with httptest.NewServer.
type Server struct {
	mu       sync.Mutex
	docs     map[string]map[string]map[string]any // index → id → document
	tasks    map[int64]map[string]any
	requests []Request
	next     int64

	// Outcome applies to tasks enqueued from now on.
	Outcome Outcome
	// Code is the error code of failed tasks.
	Code string
}

// New returns an empty fake.
func New() *Server {
	return &Server{docs: map[string]map[string]map[string]any{}, tasks: map[int64]map[string]any{}, Code: "invalid_document_id"}
}

// SetOutcome sets the outcome of tasks enqueued from now on.
func (s *Server) SetOutcome(o Outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Outcome = o
}

// Documents returns a copy of the documents of index uid, by id.
func (s *Server) Documents(uid string) map[string]map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]map[string]any{}
	for id, d := range s.docs[uid] {
		out[id] = d
	}
	return out
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) enqueue(w http.ResponseWriter, uid, typ string, apply func()) {
	s.next++
	id := s.next
	task := map[string]any{"uid": id, "indexUid": uid, "type": typ, "status": "succeeded"}
	switch s.Outcome {
	case Fail:
		task["status"] = "failed"
		task["error"] = map[string]any{"code": s.Code, "message": "fake failure: " + s.Code, "type": "invalid_request", "link": ""}
	case Hang:
		task["status"] = "processing"
	default:
		apply()
	}
	s.tasks[id] = task
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_ = json.NewEncoder(w).Encode(map[string]any{"taskUid": id, "indexUid": uid, "status": "enqueued", "type": typ, "enqueuedAt": "2026-01-01T00:00:00Z"})
}

// ServeHTTP implements the endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Body: body})
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "tasks":
		id, _ := strconv.ParseInt(parts[1], 10, 64)
		task, ok := s.tasks[id]
		if !ok {
			http.Error(w, `{"code":"task_not_found","message":"no task"}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(task)
	case r.Method == http.MethodPost && len(parts) == 1 && parts[0] == "indexes":
		var cfg struct {
			UID string `json:"uid"`
		}
		_ = json.Unmarshal(body, &cfg)
		s.enqueue(w, cfg.UID, "indexCreation", func() {
			if s.docs[cfg.UID] == nil {
				s.docs[cfg.UID] = map[string]map[string]any{}
			}
		})
	case r.Method == http.MethodPatch && len(parts) == 3 && parts[2] == "settings":
		s.enqueue(w, parts[1], "settingsUpdate", func() {})
	case r.Method == http.MethodPost && len(parts) == 3 && parts[2] == "documents":
		var docs []map[string]any
		_ = json.Unmarshal(body, &docs)
		s.enqueue(w, parts[1], "documentAdditionOrUpdate", func() {
			if s.docs[parts[1]] == nil {
				s.docs[parts[1]] = map[string]map[string]any{}
			}
			for _, d := range docs {
				id, _ := d["id"].(string)
				s.docs[parts[1]][id] = d
			}
		})
	case r.Method == http.MethodPost && len(parts) == 4 && parts[3] == "delete-batch":
		var ids []string
		_ = json.Unmarshal(body, &ids)
		s.enqueue(w, parts[1], "documentDeletion", func() {
			for _, id := range ids {
				delete(s.docs[parts[1]], id)
			}
		})
	case r.Method == http.MethodPost && len(parts) == 1 && parts[0] == "swap-indexes":
		var swaps []struct {
			Indexes []string `json:"indexes"`
		}
		_ = json.Unmarshal(body, &swaps)
		s.enqueue(w, "", "indexSwap", func() {
			for _, sw := range swaps {
				if len(sw.Indexes) == 2 {
					a, b := sw.Indexes[0], sw.Indexes[1]
					s.docs[a], s.docs[b] = s.docs[b], s.docs[a]
				}
			}
		})
	case r.Method == http.MethodDelete && len(parts) == 2 && parts[0] == "indexes":
		s.enqueue(w, parts[1], "indexDeletion", func() { delete(s.docs, parts[1]) })
	default:
		http.Error(w, `{"code":"not_implemented","message":"meilifake does not implement this"}`, http.StatusNotImplemented)
	}
}
