package runner

import (
	"sync"

	"github.com/zclconf/go-cty/cty"

	"github.com/sigrun-dev/sigrun/dsl/addrs"
)

// state holds the values of everything evaluated so far. It implements
// dsl.Data. In a validate pass responses are unknown values of the
// response type, so expressions that use them type-check without a request
// being sent.
type state struct {
	mu         sync.RWMutex
	validating bool
	vars       map[string]cty.Value
	locals     map[string]cty.Value
	endpoints  map[string]*endpointValue
	creds      map[string]*credentialsValue
	responses  map[string]*response
}

func newState(vars map[string]cty.Value, validating bool) *state {
	return &state{
		validating: validating,
		vars:       vars,
		locals:     map[string]cty.Value{},
		endpoints:  map[string]*endpointValue{},
		creds:      map[string]*credentialsValue{},
		responses:  map[string]*response{},
	}
}

// Value implements dsl.Data.
func (s *state) Value(addr addrs.Referenceable) cty.Value {
	s.mu.RLock()
	defer s.mu.RUnlock()
	switch a := addr.(type) {
	case addrs.InputVariable:
		if v, ok := s.vars[a.Name]; ok {
			return v
		}
	case addrs.LocalValue:
		if v, ok := s.locals[a.Name]; ok {
			return v
		}
	case addrs.Endpoint:
		if e, ok := s.endpoints[a.Name]; ok {
			return e.value
		}
	case addrs.Request:
		if s.validating {
			return cty.ObjectVal(map[string]cty.Value{"response": cty.UnknownVal(responseType)})
		}
		if r, ok := s.responses[a.Name]; ok {
			return cty.ObjectVal(map[string]cty.Value{"response": r.value()})
		}
	}
	return cty.DynamicVal
}

func (s *state) setLocal(name string, v cty.Value) {
	s.mu.Lock()
	s.locals[name] = v
	s.mu.Unlock()
}

func (s *state) setEndpoint(name string, e *endpointValue) {
	s.mu.Lock()
	s.endpoints[name] = e
	s.mu.Unlock()
}

func (s *state) endpoint(name string) *endpointValue {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.endpoints[name]
}

func (s *state) setCredentials(name string, c *credentialsValue) {
	s.mu.Lock()
	s.creds[name] = c
	s.mu.Unlock()
}

func (s *state) credentials(name string) *credentialsValue {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.creds[name]
}

func (s *state) setResponse(name string, r *response) {
	s.mu.Lock()
	s.responses[name] = r
	s.mu.Unlock()
}

// checkData is the data for a request's own checks: the shared state plus
// that request's response. The response's cty value is built only when an
// expression refers to it.
type checkData struct {
	*state
	resp *response // nil: unknown (validate pass)
}

func (d checkData) Value(addr addrs.Referenceable) cty.Value {
	if _, ok := addr.(addrs.Response); ok {
		if d.resp == nil {
			return cty.UnknownVal(responseType)
		}
		return d.resp.value()
	}
	return d.state.Value(addr)
}
