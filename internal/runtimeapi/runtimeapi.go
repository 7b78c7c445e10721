// Package runtimeapi is the smallest Lambda Runtime API that a bootstrap can run against: it hands
// out queued events on /invocation/next and takes their replies. The measurement tools use it to
// time a process from exec to its first reply, and to drive many invocations through one process,
// without the emulator's own overhead in the numbers.
package runtimeapi

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Reply is what the function answered to one invocation.
type Reply struct {
	ID   string
	Body []byte
	Err  bool // posted to /error
	At   time.Time
}

// Server serves the Runtime API on a loopback port.
type Server struct {
	Addr    string // host:port, for AWS_LAMBDA_RUNTIME_API
	events  chan pending
	replies chan Reply
	srv     *http.Server
	next    atomic.Int64
}

type pending struct {
	id   string
	body []byte
}

// Start listens on a free loopback port.
func Start() (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: l.Addr().String(), events: make(chan pending, 1), replies: make(chan Reply, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", s.handleNext)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", func(w http.ResponseWriter, r *http.Request) { s.handleReply(w, r, false) })
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", func(w http.ResponseWriter, r *http.Request) { s.handleReply(w, r, true) })
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", func(w http.ResponseWriter, r *http.Request) { s.handleReply(w, r, true) })
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

func (s *Server) handleNext(w http.ResponseWriter, r *http.Request) {
	select {
	case p := <-s.events:
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", p.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(3*time.Second).UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-central-1:123456789012:function:cognito-custom-message")
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
		h.Set("Content-Type", "application/json")
		_, _ = w.Write(p.body)
	case <-r.Context().Done():
	}
}

func (s *Server) handleReply(w http.ResponseWriter, r *http.Request, isErr bool) {
	body, _ := io.ReadAll(r.Body)
	at := time.Now()
	w.WriteHeader(http.StatusAccepted)
	s.replies <- Reply{ID: r.PathValue("id"), Body: body, Err: isErr, At: at}
}

// Invoke queues one event and waits for its reply.
func (s *Server) Invoke(event []byte, timeout time.Duration) (Reply, error) {
	id := "req-" + strconv.FormatInt(s.next.Add(1), 10)
	select {
	case s.events <- pending{id: id, body: event}:
	case <-time.After(timeout):
		return Reply{}, fmt.Errorf("runtime did not ask for %s within %s", id, timeout)
	}
	select {
	case r := <-s.replies:
		if r.Err {
			return r, fmt.Errorf("function error: %s", strings.TrimSpace(string(r.Body)))
		}
		if r.ID != id {
			return r, fmt.Errorf("reply for %s, want %s", r.ID, id)
		}
		return r, nil
	case <-time.After(timeout):
		return Reply{}, fmt.Errorf("no reply to %s within %s", id, timeout)
	}
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }
