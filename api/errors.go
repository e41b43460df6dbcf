package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Problem is an RFC 9457 problem document. Detail is always safe to show:
// internal errors are logged and answered with a generic message.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Code is the chain's result code when a transaction was refused.
	Code      uint32 `json:"code,omitempty"`
	Codespace string `json:"codespace,omitempty"`
}

func (p *Problem) Error() string { return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail) }

func problem(status int, detail string, args ...any) *Problem {
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: fmt.Sprintf(detail, args...)}
}

func badRequest(detail string, args ...any) *Problem {
	return problem(http.StatusBadRequest, detail, args...)
}
func notFound(detail string, args ...any) *Problem {
	return problem(http.StatusNotFound, detail, args...)
}

// handlerFunc is an HTTP handler that returns an error instead of writing
// one; a *Problem is shown as is, anything else as a 500 with no detail.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

func (s *Server) wrap(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		var p *Problem
		if !errors.As(err, &p) {
			s.logf("api: %s %s: %v", r.Method, r.URL.Path, err)
			p = problem(http.StatusInternalServerError, "internal error")
		}
		writeProblem(w, p)
	}
}

func writeProblem(w http.ResponseWriter, p *Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
