package runner

import (
	"fmt"
	"sort"
	"strings"

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
	// validate pass can be reused by the run when it is fully known.
	pure bool
	// requestDeps are the request blocks this request waits for, directly
	// or through locals, endpoints and modules (display names).
	requestDeps []string
	// consts caches the request's constant argument values.
	consts *constCache
	// info is what the validate pass learnt, for Plan.
	info *planInfo
	// specs are the instances as evaluated by the validate pass, by
	// instance id, when they are pure and complete; the run sends them as
	// they are.
	specs map[string]*requestSpec
}

// impureFunctions give a different value at each call.
var impureFunctions = map[string]bool{"timestamp": true, "uuid": true}

// isPure reports whether exprs call no impure function.
func isPure(exprs []hcl.Expression) bool {
	pure := true
	for _, e := range exprs {
		se, ok := e.(hclsyntax.Expression)
		if e == nil || !ok {
			if e != nil {
				return false
			}
			continue
		}
		hclsyntax.VisitAll(se, func(n hclsyntax.Node) hcl.Diagnostics {
			if call, ok := n.(*hclsyntax.FunctionCallExpr); ok && impureFunctions[call.Name] {
				pure = false
			}
			return nil
		})
	}
	return pure
}

// plan is the collection as a graph.
type plan struct {
	nodes []*node
	index map[string]int // by address string
	g     *graph.Graph
	// requestOrder lists the request vertices in declaration order, the
	// order of results in a summary.
	requestOrder []int
}

func buildPlan(scopes []*scope) (*plan, hcl.Diagnostics) {
	p := &plan{index: map[string]int{}}
	var diags hcl.Diagnostics
	add := func(sc *scope, n *node) {
		n.sc = sc.idx
		n.key = sc.prefix + n.addr.String()
		p.index[n.key] = len(p.nodes)
		p.nodes = append(p.nodes, n)
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
				inputRefs: r.InputRefs, checkRefs: r.CheckRefs, expandRefs: r.ExpandRefs,
				pure: isPure(append(r.InputExprs(), r.ExpandExprs()...)), consts: newConstCache(r.InputExprs())})
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
func (p *plan) less(a, b int) bool {
	na, nb := p.nodes[a], p.nodes[b]
	if na.sc != nb.sc {
		return na.sc < nb.sc
	}
	return na.pos < nb.pos
}

// requestDeps finds, for each request, the requests it waits for: its
// dependencies, looking through nodes that are not requests.
func (p *plan) requestDeps(scopes []*scope) {
	for _, v := range p.requestOrder {
		seen := map[int]bool{v: true}
		stack := append([]int(nil), p.g.Deps(v)...)
		var deps []string
		for len(stack) > 0 {
			d := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[d] {
				continue
			}
			seen[d] = true
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
