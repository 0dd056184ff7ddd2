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
	sc         *scope
	validating bool
	outputs    map[string]cty.Value
	// children are the states of the scope's module calls, by name.
	children  map[string]*state
	vars      map[string]cty.Value
	locals    map[string]cty.Value
	endpoints map[string]*endpointValue
	creds     map[string]*credentialsValue
	requests  map[string]*instanceSet
}

func newState(sc *scope, vars map[string]cty.Value, validating bool) *state {
	return &state{
		sc:         sc,
		outputs:    map[string]cty.Value{},
		children:   map[string]*state{},
		validating: validating,
		vars:       vars,
		locals:     map[string]cty.Value{},
		endpoints:  map[string]*endpointValue{},
		creds:      map[string]*credentialsValue{},
		requests:   map[string]*instanceSet{},
	}
}

// Value implements dsl.Data.
func (s *state) Value(addr addrs.Referenceable) cty.Value {
	if a, ok := addr.(addrs.Request); ok {
		// Exclusive: building the value memoises it.
		s.mu.Lock()
		defer s.mu.Unlock()
		if set, ok := s.requests[a.Name]; ok {
			return set.cty(s.validating)
		}
		if s.validating {
			return cty.ObjectVal(map[string]cty.Value{"response": cty.UnknownVal(responseType)})
		}
		return cty.DynamicVal
	}
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
	case addrs.ModuleCall:
		if child, ok := s.children[a.Name]; ok {
			return child.outputsValue()
		}
	}
	return cty.DynamicVal
}

// outputsValue is module.NAME: an object of the scope's outputs, those not
// computed yet unknown.
func (s *state) outputsValue() cty.Value {
	s.mu.RLock()
	defer s.mu.RUnlock()
	vals := make(map[string]cty.Value, len(s.sc.coll.Outputs))
	for _, o := range s.sc.coll.Outputs {
		if v, ok := s.outputs[o.Name]; ok {
			vals[o.Name] = v
		} else {
			vals[o.Name] = cty.DynamicVal
		}
	}
	return cty.ObjectVal(vals)
}

func (s *state) setOutput(name string, v cty.Value) {
	s.mu.Lock()
	s.outputs[name] = v
	s.mu.Unlock()
}

func (s *state) setVars(vars map[string]cty.Value) {
	s.mu.Lock()
	s.vars = vars
	s.mu.Unlock()
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

// setInstances records a request block's instances once they are known.
func (s *state) setInstances(name string, set *instanceSet) {
	s.mu.Lock()
	s.requests[name] = set
	s.mu.Unlock()
}

// setResponse records an instance's response.
func (s *state) setResponse(name, id string, r *response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	set := s.requests[name]
	if set == nil {
		set = &instanceSet{known: true, ids: []string{id}}
		s.requests[name] = set
	}
	if set.responses == nil {
		set.responses = make(map[string]*response, len(set.ids))
	}
	set.responses[id] = r
	set.memo = cty.NilVal
}

// cty returns the value of request.NAME: {response = …} for a plain block,
// an object of instances by key for for_each, a tuple for count. While
// validating, responses are unknown, and so is the whole value when the
// keys are. The caller holds the state's lock.
func (set *instanceSet) cty(validating bool) cty.Value {
	if set.memo != cty.NilVal {
		return set.memo
	}
	one := func(id string) cty.Value {
		if validating {
			return cty.ObjectVal(map[string]cty.Value{"response": cty.UnknownVal(responseType)})
		}
		r := set.responses[id]
		if r == nil {
			return cty.ObjectVal(map[string]cty.Value{"response": cty.UnknownVal(responseType)})
		}
		return cty.ObjectVal(map[string]cty.Value{"response": r.value()})
	}
	var v cty.Value
	switch {
	case !set.expanded:
		v = one("")
	case !set.known:
		return cty.DynamicVal
	case set.isCount:
		if len(set.ids) == 0 {
			v = cty.EmptyTupleVal
			break
		}
		vals := make([]cty.Value, len(set.ids))
		for i, id := range set.ids {
			vals[i] = one(id)
		}
		v = cty.TupleVal(vals)
	default:
		if len(set.ids) == 0 {
			v = cty.EmptyObjectVal
			break
		}
		vals := make(map[string]cty.Value, len(set.ids))
		for _, id := range set.ids {
			vals[id] = one(id)
		}
		v = cty.ObjectVal(vals)
	}
	// Memoised once every response is in (or always while validating).
	if validating || len(set.responses) == len(set.ids) {
		set.memo = v
	}
	return v
}
