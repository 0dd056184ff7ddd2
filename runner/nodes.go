package runner

import (
	"fmt"
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
)

// node is one block of the collection as a graph vertex.
type node struct {
	kind      nodeKind
	addr      addrs.Referenceable
	pos       int
	declRange hcl.Range

	local    *dsl.Local
	creds    *dsl.Credentials
	endpoint *dsl.Endpoint
	request  *dsl.Request
	output   *dsl.Output

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

func buildPlan(c *dsl.Collection) (*plan, hcl.Diagnostics) {
	p := &plan{index: map[string]int{}}
	var diags hcl.Diagnostics
	add := func(n *node) {
		p.index[n.addr.String()] = len(p.nodes)
		p.nodes = append(p.nodes, n)
	}
	// References were parsed and checked when the collection was loaded.
	for _, l := range c.Locals {
		add(&node{kind: nodeLocal, addr: l.Addr(), pos: l.Pos, declRange: l.DeclRange, local: l, inputRefs: l.Refs})
	}
	for _, cr := range c.Credentials {
		add(&node{kind: nodeCredentials, addr: cr.Addr(), pos: cr.Pos, declRange: cr.DeclRange, creds: cr, inputRefs: cr.Refs})
	}
	for _, e := range c.Endpoints {
		add(&node{kind: nodeEndpoint, addr: e.Addr(), pos: e.Pos, declRange: e.DeclRange, endpoint: e, inputRefs: e.Refs})
	}
	for _, r := range c.Requests {
		p.requestOrder = append(p.requestOrder, len(p.nodes))
		add(&node{kind: nodeRequest, addr: r.Addr(), pos: r.Pos, declRange: r.DeclRange, request: r,
			inputRefs: r.InputRefs, checkRefs: r.CheckRefs, expandRefs: r.ExpandRefs,
			pure: isPure(append(r.InputExprs(), r.ExpandExprs()...))})
	}
	for _, o := range c.Outputs {
		add(&node{kind: nodeOutput, addr: o.Addr(), pos: o.Pos, declRange: o.DeclRange, output: o, inputRefs: o.Refs})
	}

	p.g = graph.New(len(p.nodes))
	connect := func(v int, addr addrs.Referenceable) {
		if dep, ok := p.index[addr.String()]; ok {
			p.g.Connect(v, dep)
		}
	}
	authDeps := func(v int, a *dsl.Auth) {
		if a != nil && a.Credentials != nil {
			connect(v, addrs.Credentials{Name: a.Credentials.Name})
		}
	}
	for v, n := range p.nodes {
		for _, ref := range n.inputRefs {
			connect(v, ref.Subject)
		}
		for _, ref := range n.checkRefs {
			connect(v, ref.Subject)
		}
		for _, ref := range n.expandRefs {
			connect(v, ref.Subject)
		}
		switch n.kind {
		case nodeEndpoint:
			authDeps(v, n.endpoint.Auth)
		case nodeRequest:
			r := n.request
			if r.Endpoint != nil {
				connect(v, addrs.Endpoint{Name: r.Endpoint.Name})
			}
			for _, dep := range r.DependsOn {
				connect(v, addrs.Request{Name: dep[1].(hcl.TraverseAttr).Name})
			}
			authDeps(v, r.Auth)
		}
	}

	for _, cycle := range p.g.Cycles() {
		names := make([]string, 0, len(cycle)+1)
		for _, v := range cycle {
			names = append(names, p.nodes[v].addr.String())
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

func (p *plan) less(a, b int) bool { return p.nodes[a].pos < p.nodes[b].pos }
