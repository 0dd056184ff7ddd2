package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/sigrun-dev/sigrun/signer"
)

// The demo's credentials and signing scope. They are public on purpose:
// they open nothing but the demo API on the user's own loopback.
const (
	AccessKeyID     = "AKIASIGRUNDEMO000001"
	SecretAccessKey = "sigrun/demo/secret/key/not+a+real+aws+k"
	Region          = "us-east-1"
	Service         = "execute-api"
	// Stage is the first path segment, as in an API Gateway stage URL.
	Stage = "demo"
)

// maxBody bounds a request body the demo reads.
const maxBody = 1 << 20

// Item is the demo's resource.
type Item struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"`
}

// API is the demo API's handler. The zero value is not usable; use New.
type API struct {
	now   func() time.Time
	mu    sync.Mutex
	items map[string]Item
	next  int
}

// New returns the demo API. now is its clock (nil: time.Now).
func New(now func() time.Time) *API {
	if now == nil {
		now = time.Now
	}
	return &API{now: now, items: map[string]Item{}}
}

func lookup(akid string) (aws.Credentials, bool) {
	if akid != AccessKeyID {
		return aws.Credentials{}, false
	}
	return aws.Credentials{AccessKeyID: AccessKeyID, SecretAccessKey: SecretAccessKey}, true
}

// ServeHTTP authenticates the request like API Gateway with AWS_IAM auth,
// then routes it.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The Date header tells clients the server's time, from the API's own
	// clock, so that they can correct for skew.
	w.Header().Set("Date", a.now().UTC().Format(http.TimeFormat))
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		writeError(w, http.StatusRequestEntityTooLarge, "", "Request Too Long")
		return
	}
	hash := signer.EmptyPayloadHash
	if len(body) > 0 {
		hash = signer.HashBytes(body)
	}
	if err := signer.Verify(r, hash, lookup, a.now(), signer.VerifyOptions{Service: Service, Region: Region}); err != nil {
		a.authError(w, err)
		return
	}
	a.route(w, r, body)
}

// authError answers as API Gateway does for each kind of failure.
func (a *API) authError(w http.ResponseWriter, err error) {
	var mismatch *signer.MismatchError
	var window *signer.DateWindowError
	switch {
	case errors.Is(err, signer.ErrMissingAuthentication):
		writeError(w, http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token")
	case errors.Is(err, signer.ErrUnknownAccessKey):
		writeError(w, http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid.")
	case errors.As(err, &mismatch):
		writeError(w, http.StatusForbidden, "InvalidSignatureException", mismatch.Error())
	case errors.As(err, &window):
		writeError(w, http.StatusForbidden, "InvalidSignatureException", window.Error())
	case errors.Is(err, signer.ErrScope):
		// API Gateway's wording, which names the part of the scope at
		// fault.
		var msg string
		switch got := err.Error(); {
		case strings.Contains(got, "does not match request date"):
			msg = "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP. "
		case !strings.Contains(got, "/"+Region+"/"):
			msg = "Credential should be scoped to a valid region. "
		default:
			msg = fmt.Sprintf("Credential should be scoped to correct service: '%s'. ", Service)
		}
		writeError(w, http.StatusForbidden, "InvalidSignatureException", msg)
	default:
		writeError(w, http.StatusForbidden, "IncompleteSignatureException", err.Error())
	}
}

func writeError(w http.ResponseWriter, status int, errType, msg string) {
	if errType != "" {
		w.Header().Set("x-amzn-ErrorType", errType)
	}
	writeJSON(w, status, map[string]string{"message": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (a *API) route(w http.ResponseWriter, r *http.Request, body []byte) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/"+Stage+"/items")
	if !ok {
		// API Gateway's answer for a route that does not exist.
		writeError(w, http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token")
		return
	}
	switch {
	case rest == "" || rest == "/":
		switch r.Method {
		case http.MethodGet:
			a.list(w)
		case http.MethodPost:
			a.create(w, body)
		default:
			writeError(w, http.StatusMethodNotAllowed, "", "Method not allowed")
		}
	case strings.Count(rest, "/") == 1:
		id := rest[1:]
		switch r.Method {
		case http.MethodGet:
			a.get(w, id)
		case http.MethodDelete:
			a.delete(w, id)
		default:
			writeError(w, http.StatusMethodNotAllowed, "", "Method not allowed")
		}
	default:
		writeError(w, http.StatusForbidden, "MissingAuthenticationTokenException", "Missing Authentication Token")
	}
}

func (a *API) create(w http.ResponseWriter, body []byte) {
	var in struct {
		Name *string `json:"name"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		writeError(w, http.StatusBadRequest, "", "Invalid request body: "+err.Error())
		return
	}
	if in.Name == nil || *in.Name == "" {
		writeError(w, http.StatusBadRequest, "", "Invalid request body: name is required")
		return
	}
	a.mu.Lock()
	a.next++
	it := Item{ID: fmt.Sprintf("item-%04d", a.next), Name: *in.Name, CreatedAt: a.now().UTC().Format(time.RFC3339)}
	a.items[it.ID] = it
	a.mu.Unlock()
	w.Header().Set("Location", "/"+Stage+"/items/"+it.ID)
	writeJSON(w, http.StatusCreated, it)
}

func (a *API) get(w http.ResponseWriter, id string) {
	a.mu.Lock()
	it, ok := a.items[id]
	a.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "", "Item not found: "+id)
		return
	}
	writeJSON(w, http.StatusOK, it)
}

func (a *API) list(w http.ResponseWriter) {
	a.mu.Lock()
	items := make([]Item, 0, len(a.items))
	for _, it := range a.items {
		items = append(items, it)
	}
	a.mu.Unlock()
	sort.Slice(items, func(i, j int) bool { return items[i].ID < items[j].ID })
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "count": len(items)})
}

func (a *API) delete(w http.ResponseWriter, id string) {
	a.mu.Lock()
	_, ok := a.items[id]
	delete(a.items, id)
	a.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "", "Item not found: "+id)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Server is the demo API listening on loopback.
type Server struct {
	srv *http.Server
	ln  net.Listener
}

// Start serves the demo API on addr (e.g. "127.0.0.1:0" for a free port).
// Only loopback addresses are accepted.
func Start(addr string) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("the demo API serves on loopback only, not %s", host)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{ln: ln, srv: &http.Server{Handler: New(nil), ReadHeaderTimeout: 10 * time.Second}}
	go s.srv.Serve(ln)
	return s, nil
}

// URL is the API's base URL, stage included: http://127.0.0.1:PORT/demo.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() + "/" + Stage }

// Close stops the server.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}
