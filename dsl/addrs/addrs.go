package addrs

import (
	"fmt"
)

// Referenceable is an address that an expression can refer to. The set of
// implementations is closed: only this package defines them.
type Referenceable interface {
	referenceable()
	// String returns the address as a user writes it, e.g. "var.stage".
	String() string
}

// InputVariable is var.NAME.
type InputVariable struct{ Name string }

// LocalValue is local.NAME.
type LocalValue struct{ Name string }

// Credentials is credentials.NAME.
type Credentials struct{ Name string }

// Endpoint is endpoint.NAME.
type Endpoint struct{ Name string }

// Request is request.NAME.
type Request struct{ Name string }

// Output is output.NAME. Outputs cannot be referenced from expressions, but
// they are graph nodes and so have an address.
type Output struct{ Name string }

// ModuleCall is module.NAME: a module block, whose value is an object of
// the child collection's outputs.
type ModuleCall struct{ Name string }

// Response is the bare "response" symbol, which inside a request's own
// expect, assert and retry blocks stands for that request's response.
type Response struct{}

// EachAttr is each.key or each.value inside a for_each request.
type EachAttr struct{ Name string }

// CountAttr is count.index inside a counted request.
type CountAttr struct{ Name string }

func (InputVariable) referenceable() {}
func (LocalValue) referenceable()    {}
func (Credentials) referenceable()   {}
func (Endpoint) referenceable()      {}
func (Request) referenceable()       {}
func (Output) referenceable()        {}
func (Response) referenceable()      {}
func (ModuleCall) referenceable()    {}
func (EachAttr) referenceable()      {}
func (CountAttr) referenceable()     {}

func (a InputVariable) String() string { return "var." + a.Name }
func (a LocalValue) String() string    { return "local." + a.Name }
func (a Credentials) String() string   { return "credentials." + a.Name }
func (a Endpoint) String() string      { return "endpoint." + a.Name }
func (a Request) String() string       { return "request." + a.Name }
func (a Output) String() string        { return "output." + a.Name }
func (Response) String() string        { return "response" }
func (a ModuleCall) String() string    { return "module." + a.Name }
func (a EachAttr) String() string      { return "each." + a.Name }
func (a CountAttr) String() string     { return "count." + a.Name }

// Kind names the sort of object an address refers to, for messages such as
// "Reference to undeclared input variable".
func Kind(r Referenceable) string {
	switch r.(type) {
	case InputVariable:
		return "input variable"
	case LocalValue:
		return "local value"
	case Credentials:
		return "credentials"
	case Endpoint:
		return "endpoint"
	case Request:
		return "request"
	case Output:
		return "output"
	case Response:
		return "response"
	case ModuleCall:
		return "module"
	case EachAttr:
		return "each attribute"
	case CountAttr:
		return "count attribute"
	}
	panic(fmt.Sprintf("addrs.Kind: unexpected %T", r))
}
