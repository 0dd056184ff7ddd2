package runner

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/dsl/addrs"
	"github.com/sigrun-dev/sigrun/runner/graph"
)

type nodeKind int

const (
	nodeLocal nodeKind = iota
	nodeCredentials
	nodeEndpoint
	nodeRequest
	nodeOutput
	// nodeModule is a module call, in its parent's scope: it evaluates the
	// call's arguments and sets the child's variables.
	nodeModule
)

// node is one block of the collection as a graph vertex.
type node struct {
	kind nodeKind
	// sc is the index of the node's scope; key is its address with the
	// scope's prefix, unique in the graph.
	sc        int
	key       string
	addr      addrs.Referenceable
	pos       int
	declRange hcl.Range

	local    *dsl.Local
	creds    *dsl.Credentials
	endpoint *dsl.Endpoint
	request  *dsl.Request
	output   *dsl.Output
	call     *dsl.ModuleCall

	// inputRefs are the references of the expressions evaluated before a
	// request is sent (all expressions for other nodes); checkRefs those of
	// a request's expect, assert and retry blocks.
	inputRefs  []*addrs.Reference
	checkRefs  []*addrs.Reference
	expandRefs []*addrs.Reference
	// pure is set for a request whose inputs call no function that gives
	// a new value each time (timestamp, uuid): its evaluation in the
	// validate pass can be reused by the run when it is fully known. It
	// and consts are set by inspect.
	pure bool
	// requestDeps are the request blocks this request waits for, directly
	// or through locals, endpoints and modules (display names).
	requestDeps []string
	// consts caches the request's constant argument values.
	consts *constCache
	// inspected guards pure and consts: a request's expressions are
	// walked by the first job that evaluates it, so that the requests of
	// a large collection are walked on every core.
	inspected sync.Once
	// info is what the validate pass learnt, for Plan.
	info *planInfo
	// spec and specs are the instances as evaluated by the validate pass,
	// when they are pure and complete; the run sends them as they are. A
	// plain block's one instance is in spec, the instances of a block with
	// for_each or count in specs, by instance id.
	spec  *requestSpec
	specs map[string]*requestSpec
}

// keepSpec keeps an instance's spec from the validate pass for the run;
// instances, the block's number of instances, sizes the map at once.
func (n *node) keepSpec(expanded bool, id string, spec *requestSpec, instances int) {
	if !expanded {
		n.spec = spec
		return
	}
	if n.specs == nil {
		n.specs = make(map[string]*requestSpec, instances)
	}
	n.specs[id] = spec
}

// keptSpec returns the spec the validate pass kept for an instance, or nil.
func (n *node) keptSpec(inst *instance) *requestSpec {
	if !n.request.Expanded() {
		return n.spec
	}
	return n.specs[inst.id]
}

// impureFunctions give a different value at each call.
var impureFunctions = map[string]bool{"timestamp": true, "uuid": true}

// isPure reports whether exprs call no impure function.
func isPure(exprs []hcl.Expression) bool {
	for _, e := range exprs {
		if pure, _ := inspectExpr(e); !pure {
			return false
		}
	}
	return true
}

// inspectExpr walks expr (nil is pure and constant): pure reports that it
// calls no impure function, constant that it is also a value computed from
// nothing, the same for every instance of its block. An expression that
// is not HCL native syntax is neither.
func inspectExpr(e hcl.Expression) (pure, constant bool) {
	if e == nil {
		return true, true
	}
	se, ok := e.(hclsyntax.Expression)
	if !ok {
		return false, false
	}
	// The shapes most arguments have, without a walk: a reference, or a
	// literal value (a quoted string without interpolations, a map or a
	// list of them).
	if _, ok := se.(*hclsyntax.ScopeTraversalExpr); ok {
		return true, false
	}
	if literal(se) {
		return true, true
	}
	pure, traversals := true, false
	hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
		switch n := n.(type) {
		case *hclsyntax.FunctionCallExpr:
			if impureFunctions[n.Name] {
				pure = false
			}
		case *hclsyntax.ScopeTraversalExpr:
			traversals = true
		}
		return nil
	})
	// Only a scope traversal can refer to something, and not every one
	// does: in [for x in xs : x], x names no object.
	return pure, pure && (!traversals || len(e.Variables()) == 0)
}

// inspect sets a request node's pure and consts, once.
func (n *node) inspect() {
	n.inspected.Do(func() { n.pure, n.consts = inspectRequest(n.request) })
}

// literal reports whether e is written with literals only: a literal, a
// template of literals, a tuple or an object of literals (an object's keys
// may be bare names). It calls no function and refers to nothing. false
// means that e must be walked to tell.
func literal(e hclsyntax.Expression) bool {
	switch e := e.(type) {
	case *hclsyntax.LiteralValueExpr:
		return true
	case *hclsyntax.TemplateExpr:
		for _, p := range e.Parts {
			if _, ok := p.(*hclsyntax.LiteralValueExpr); !ok {
				return false
			}
		}
		return true
	case *hclsyntax.TupleConsExpr:
		for _, x := range e.Exprs {
			if !literal(x) {
				return false
			}
		}
		return true
	case *hclsyntax.ObjectConsExpr:
		for _, item := range e.Items {
			key, ok := item.KeyExpr.(*hclsyntax.ObjectConsKeyExpr)
			if !ok || !literal(item.ValueExpr) {
				return false
			}
			// A bare name (a = 1) is the key's text, not a reference:
			// HCL does not walk into it.
			if hcl.ExprAsKeyword(key.Wrapped) == "" && !literal(key.Wrapped) {
				return false
			}
		}
		return true
	}
	return false
}

// inspectRequest walks a request's expressions once: pure reports that its
// inputs and expansion call no impure function, and consts caches the
// inputs that are constant (nil when there are none).
func inspectRequest(r *dsl.Request) (pure bool, consts *constCache) {
	pure = true
	for _, e := range r.InputExprs() {
		if e == nil {
			continue
		}
		p, constant := inspectExpr(e)
		pure = pure && p
		if constant {
			if consts == nil {
				consts = &constCache{}
			}
			consts.constant = append(consts.constant, e)
		}
	}
	return pure && isPure(r.ExpandExprs()), consts
}

// plan is the collection as a graph.
type plan struct {
	nodes []*node
	// order holds each node's orderKey, by vertex.
	order []int64
	index map[string]int // by address string
	g     *graph.Graph
	// requestOrder lists the request vertices in declaration order, the
	// order of results in a summary.
	requestOrder []int
}

func buildPlan(scopes []*scope) (*plan, hcl.Diagnostics) {
	// Sized for the nodes (and a module's variables) at once: a large
	// collection would grow the index many times over.
	size := 0
	for _, sc := range scopes {
		c := sc.coll
		size += len(c.Variables) + len(c.Locals) + len(c.Credentials) + len(c.Endpoints) + len(c.Requests) + len(c.Outputs) + len(c.Modules)
	}
	p := &plan{index: make(map[string]int, size), nodes: make([]*node, 0, size), order: make([]int64, 0, size)}
	var diags hcl.Diagnostics
	add := func(sc *scope, n *node) {
		n.sc = sc.idx
		n.key = sc.prefix + n.addr.String()
		p.index[n.key] = len(p.nodes)
		p.nodes = append(p.nodes, n)
		p.order = append(p.order, orderKey(n))
	}
	// References were parsed and checked when the collection was loaded.
	for _, sc := range scopes {
		c := sc.coll
		for _, l := range c.Locals {
			add(sc, &node{kind: nodeLocal, addr: l.Addr(), pos: l.Pos, declRange: l.DeclRange, local: l, inputRefs: l.Refs})
		}
		for _, cr := range c.Credentials {
			add(sc, &node{kind: nodeCredentials, addr: cr.Addr(), pos: cr.Pos, declRange: cr.DeclRange, creds: cr, inputRefs: cr.Refs})
		}
		for _, e := range c.Endpoints {
			add(sc, &node{kind: nodeEndpoint, addr: e.Addr(), pos: e.Pos, declRange: e.DeclRange, endpoint: e, inputRefs: e.Refs})
		}
		for _, r := range c.Requests {
			p.requestOrder = append(p.requestOrder, len(p.nodes))
			add(sc, &node{kind: nodeRequest, addr: r.Addr(), pos: r.Pos, declRange: r.DeclRange, request: r,
				inputRefs: r.InputRefs, checkRefs: r.CheckRefs, expandRefs: r.ExpandRefs})
		}
		for _, o := range c.Outputs {
			add(sc, &node{kind: nodeOutput, addr: o.Addr(), pos: o.Pos, declRange: o.DeclRange, output: o, inputRefs: o.Refs})
		}
		for _, m := range c.Modules {
			if m.Child == nil {
				continue
			}
			add(sc, &node{kind: nodeModule, addr: m.Addr(), pos: m.Pos, declRange: m.DeclRange, call: m, inputRefs: m.Refs})
			// The child's variables are set by the call.
			child := scopes[sc.children[m.Name]]
			for _, v := range m.Child.Variables {
				p.index[child.prefix+v.Addr().String()] = len(p.nodes) - 1
			}
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}

	p.g = graph.New(len(p.nodes))
	for v, n := range p.nodes {
		sc := scopes[n.sc]
		connect := func(key string) {
			if dep, ok := p.index[key]; ok && dep != v {
				p.g.Connect(v, dep)
			}
		}
		connectRef := func(ref *addrs.Reference) {
			m, ok := ref.Subject.(addrs.ModuleCall)
			if !ok {
				connect(sc.prefix + ref.Subject.String())
				return
			}
			// module.NAME.OUTPUT waits for that output; module.NAME alone
			// for all of them.
			ci, ok := sc.children[m.Name]
			if !ok {
				return
			}
			child := scopes[ci]
			if len(ref.Remaining) > 0 {
				if step, ok := ref.Remaining[0].(hcl.TraverseAttr); ok {
					connect(child.prefix + addrs.Output{Name: step.Name}.String())
					return
				}
			}
			for _, o := range child.coll.Outputs {
				connect(child.prefix + o.Addr().String())
			}
		}
		for _, refs := range [][]*addrs.Reference{n.inputRefs, n.checkRefs, n.expandRefs} {
			for _, ref := range refs {
				connectRef(ref)
			}
		}
		authDeps := func(a *dsl.Auth) {
			if a != nil && a.Credentials != nil {
				connect(sc.prefix + addrs.Credentials{Name: a.Credentials.Name}.String())
			}
		}
		switch n.kind {
		case nodeCredentials:
			if a := n.creds.AssumeRole; a != nil && a.Source != nil {
				connect(sc.prefix + addrs.Credentials{Name: a.Source.Name}.String())
			}
		case nodeEndpoint:
			authDeps(n.endpoint.Auth)
		case nodeRequest:
			r := n.request
			if r.Endpoint != nil {
				connect(sc.prefix + addrs.Endpoint{Name: r.Endpoint.Name}.String())
			}
			for _, dep := range r.DependsOn {
				connect(sc.prefix + addrs.Request{Name: dep[1].(hcl.TraverseAttr).Name}.String())
			}
			authDeps(r.Auth)
		}
	}

	cycles := p.g.Cycles()
	if len(cycles) == 0 {
		p.requestDeps(scopes)
	}
	for _, cycle := range cycles {
		names := make([]string, 0, len(cycle)+1)
		for _, v := range cycle {
			names = append(names, p.nodes[v].key)
		}
		names = append(names, names[0])
		first := p.nodes[cycle[0]]
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Dependency cycle",
			Detail: fmt.Sprintf("These blocks depend on each other in a cycle, so none of them can run first: %s. "+
				"Remove one of the references (or depends_on entries) to break it.", strings.Join(names, " → ")),
			Subject: first.declRange.Ptr(),
		})
	}
	return p, diags
}

// less orders nodes by scope (the root first), then by position.
func (p *plan) less(a, b int) bool { return p.order[a] < p.order[b] }

// orderKey is a node's place in the order of less: its scope, then its
// position, in one number that walks compare without reading the nodes.
func orderKey(n *node) int64 { return int64(n.sc)<<32 | int64(n.pos) }

// requestDeps finds, for each request, the requests it waits for: its
// dependencies, looking through nodes that are not requests.
func (p *plan) requestDeps(scopes []*scope) {
	// seen[d] == v+1 marks d as seen from request v, so one slice serves
	// every request.
	seen := make([]int, len(p.nodes))
	var stack []int
	for _, v := range p.requestOrder {
		seen[v] = v + 1
		stack = append(stack[:0], p.g.Deps(v)...)
		var deps []string
		for len(stack) > 0 {
			d := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[d] == v+1 {
				continue
			}
			seen[d] = v + 1
			if dn := p.nodes[d]; dn.kind == nodeRequest {
				deps = append(deps, scopes[dn.sc].requestName(dn.request.Name))
				continue
			}
			stack = append(stack, p.g.Deps(d)...)
		}
		sort.Strings(deps)
		p.nodes[v].requestDeps = deps
	}
}
