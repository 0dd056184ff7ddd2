package runner

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/sigrun-dev/sigrun/assertions"
	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/runner/graph"
	"github.com/sigrun-dev/sigrun/signer"
	"github.com/zclconf/go-cty/cty"
)

// DefaultParallel is the default number of requests in flight.
const DefaultParallel = 8

// Options configures a Runner. Everything that touches the process (the
// clock, the environment, files, the network) is injected here.
type Options struct {
	// Parallel is the most requests in flight at once; 0 means
	// DefaultParallel.
	Parallel int
	// FailFast stops starting requests after the first failure.
	FailFast bool
	// Vars are the variable values given by the user, in precedence order.
	Vars []dsl.VarSource
	// BaseDir is the collection's folder on disk, against which body_file,
	// shared_config_files and file() paths are resolved.
	BaseDir string
	// ReadFile reads files named by file(); nil reads the disk. The demo
	// sets it to read its embedded collection.
	ReadFile func(path string) ([]byte, error)
	// LookupEnv answers env(); nil means the process environment.
	LookupEnv func(string) (string, bool)
	// Client sends the requests; nil means a client tuned for Parallel.
	Client *http.Client
	// Signer signs aws_sigv4 requests; nil means signer.New().
	Signer *signer.Signer
	// Observer receives events; nil means none.
	Observer Observer
	// Now is the clock for durations; nil means time.Now.
	Now func() time.Time
	// MaxBodySize bounds a response body held in memory when a request
	// does not set max_body_size; 0 means DefaultMaxBodySize.
	MaxBodySize int64
	// Capture keeps each request's last exchange, redacted and shortened,
	// in its result (for --verbose and reports).
	Capture bool
	// Targets and Tags select part of the collection: the named requests
	// (request.NAME) and the requests with one of the tags, with
	// everything they depend on. Empty: everything.
	Targets []string
	Tags    []string
}

// Runner runs one collection. Create it with New, which checks the whole
// collection; then call Run once.
type Runner struct {
	coll     *dsl.Collection
	opts     Options
	plan     *plan
	vars     map[string]cty.Value
	scopes   []*scope
	selected selection
	// tags are each request vertex's tags, from the validate pass, by
	// vertex.
	tags [][]string

	obs      *serialObserver
	client   *http.Client
	signer   *signer.Signer
	defaults *credentialsValue // the default chain, for aws_sigv4 without credentials

	schemas assertions.SchemaCache

	secretsMu  sync.RWMutex
	secrets    []string
	signatures map[string]struct{}
}

// New prepares a run of c: it builds the graph (a cycle is an error),
// resolves the variables and evaluates every block with responses unknown,
// which finds type errors and bad references before anything is sent. The
// diagnostics are the collection's problems; with errors the Runner must
// not be run.
func New(c *dsl.Collection, opts Options) (*Runner, hcl.Diagnostics) {
	if opts.Parallel <= 0 {
		opts.Parallel = DefaultParallel
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxBodySize <= 0 {
		opts.MaxBodySize = DefaultMaxBodySize
	}
	r := &Runner{coll: c, opts: opts, obs: &serialObserver{obs: opts.Observer}}
	r.signer = opts.Signer
	if r.signer == nil {
		r.signer = signer.New()
	}
	r.client = opts.Client
	if r.client == nil {
		r.client = NewHTTPClient(opts.Parallel)
	}
	r.defaults = &credentialsValue{src: signer.CredentialSource{Name: "the default AWS credential chain"}}

	r.scopes = r.buildScopes(c)
	p, diags := buildPlan(r.scopes)
	if diags.HasErrors() {
		return nil, diags
	}
	r.plan = p
	vars, moreDiags := c.ResolveVariables(opts.Vars, r.scopes[0].funcs)
	diags = append(diags, moreDiags...)
	if moreDiags.HasErrors() {
		return nil, diags
	}
	r.vars = vars
	for _, v := range c.Variables {
		if v.Sensitive {
			ev := &evaluator{}
			plain, _ := vars[v.Name].UnmarkDeep()
			ev.collectSecrets(plain)
			r.addSecrets(ev.secrets...)
		}
	}
	tags, moreDiags := r.validate()
	diags = append(diags, moreDiags...)
	if diags.HasErrors() {
		return nil, diags
	}
	r.tags = tags
	r.selected, moreDiags = r.selectNodes(opts.Targets, opts.Tags, func(v int) []string { return tags[v] })
	diags = append(diags, moreDiags...)
	if moreDiags.HasErrors() {
		return nil, diags
	}
	return r, diags
}

// NewHTTPClient returns the client a run uses by default: keep-alive
// connections for parallel requests, redirects handled by CheckRedirect.
func NewHTTPClient(parallel int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = max(parallel, 2)
	t.MaxIdleConns = max(100, parallel*2)
	return &http.Client{Transport: t, CheckRedirect: checkRedirect}
}

// validate is the static pass: every node evaluated with responses unknown.
// It never sends a request or resolves credentials, and it does not stop at
// the first error: every problem of the collection is reported, each once
// (instances of one block share their diagnostics).
func (r *Runner) validate() ([][]string, hcl.Diagnostics) {
	states := r.newStates(true)
	var mu sync.Mutex
	var diags hcl.Diagnostics
	tags := make([][]string, len(r.plan.nodes))
	seen := map[string]bool{}
	add := func(ds hcl.Diagnostics) {
		if len(ds) == 0 {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		for _, d := range ds {
			key := d.Summary
			if d.Subject != nil {
				key += d.Subject.String()
			}
			if !seen[key] {
				seen[key] = true
				diags = append(diags, d)
			}
		}
	}
	// The walk evaluates every other node and expands each request block
	// into its instances; the instances are checked after it, on every
	// core. Checking an instance reads only what the walk evaluated (the
	// values it refers to, the instances of the blocks it refers to), and
	// nothing the walk evaluates reads what checking finds: it is kept
	// for the plan and the run. Checked outside the walk, thousands of
	// requests need no job each, nor its hand-over to a worker.
	workers := max(runtime.GOMAXPROCS(0), 1)
	var checks []instanceCheck
	_, err := r.plan.g.Walk(context.Background(), graph.WalkOptions{Limit: workers, Less: r.plan.less},
		func(_ context.Context, v int) ([]graph.Job, error) {
			n := r.plan.nodes[v]
			st := states[n.sc]
			if n.kind != nodeRequest {
				add(r.evalNode(n, states))
				return nil, nil
			}
			insts, unknown, moreDiags := r.expand(n, st)
			add(moreDiags)
			expanded, known := n.request.Expanded(), !unknown && !moreDiags.HasErrors()
			if !known {
				// The keys wait on a response: check the block once, with
				// each.key and each.value unknown.
				insts = []*instance{{key: cty.DynamicVal, value: cty.DynamicVal, name: n.request.Name}}
			}
			if expanded {
				set := &instanceSet{expanded: true, isCount: n.request.Count != nil, known: known}
				for _, inst := range insts {
					set.ids = append(set.ids, inst.id)
				}
				st.setInstances(n.request.Name, set)
			}
			if len(insts) == 0 {
				r.recordPlan(n, st, nil, false, nil)
				return nil, nil
			}
			// Large blocks are split into chunks that are checked in
			// parallel.
			chunks := 1
			if len(insts) >= 64 {
				chunks = workers
			}
			for c := range chunks {
				checks = append(checks, instanceCheck{v: v, n: n, st: st, insts: insts, expanded: expanded, known: known,
					lo: c * len(insts) / chunks, hi: (c + 1) * len(insts) / chunks})
			}
			return nil, nil
		})
	check := func(c instanceCheck) {
		n, st, insts := c.n, c.st, c.insts
		// What the instances see alike is built once for the chunk.
		shared := dsl.SharedEvalContext(n.inputRefs, st, st.sc.funcs)
		for i := c.lo; i < c.hi; i++ {
			inst := insts[i]
			spec, moreDiags := r.buildRequest(n, inst, st, shared)
			add(moreDiags)
			if i == 0 {
				mu.Lock()
				tags[c.v] = spec.tags
				mu.Unlock()
				// Checks are type-checked once per block: their response
				// is unknown for every instance alike.
				add(r.validateChecks(n, inst, st))
				var knownInsts []*instance
				if c.known {
					knownInsts = insts
				}
				r.recordPlan(n, st, knownInsts, !c.known, spec)
			}
			if c.known && !moreDiags.HasErrors() && spec.complete && n.pure {
				mu.Lock()
				n.keepSpec(c.expanded, inst.id, spec, len(insts))
				mu.Unlock()
			}
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(checks)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(checks); i = int(next.Add(1)) - 1 {
				check(checks[i])
			}
		})
	}
	wg.Wait()
	if err != nil {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid graph", Detail: err.Error()})
	}
	// Jobs finish in any order: report in source order, every time.
	sort.SliceStable(diags, func(i, j int) bool {
		a, b := diags[i].Subject, diags[j].Subject
		switch {
		case a == nil || b == nil:
			return a != nil && b == nil
		case a.Filename != b.Filename:
			return a.Filename < b.Filename
		}
		return a.Start.Byte < b.Start.Byte
	})
	return tags, diags
}

// instanceCheck is a request block's instances lo to hi, to be checked
// by the validate pass.
type instanceCheck struct {
	v        int
	n        *node
	st       *state
	insts    []*instance
	expanded bool
	known    bool
	lo, hi   int
}

// newStates makes the values of a walk: a state per scope, the root's
// variables set, each child's set by its module call.
func (r *Runner) newStates(validating bool) []*state {
	states := make([]*state, len(r.scopes))
	for i, sc := range r.scopes {
		var vars map[string]cty.Value
		if i == 0 {
			vars = r.vars
		}
		states[i] = newState(sc, vars, validating)
	}
	for i, sc := range r.scopes {
		for name, ci := range sc.children {
			states[i].children[name] = states[ci]
		}
	}
	return states
}

// evalNode evaluates a node that is not a request.
func (r *Runner) evalNode(n *node, states []*state) hcl.Diagnostics {
	st := states[n.sc]
	switch n.kind {
	case nodeModule:
		child := states[st.sc.children[n.call.Name]]
		vals, diags := dsl.ModuleVariables(n.call, dsl.EvalContext(n.inputRefs, st, st.sc.funcs), child.sc.funcs)
		if !st.validating {
			for _, v := range n.call.Child.Variables {
				if val, ok := vals[v.Name]; ok && v.Sensitive {
					ev := &evaluator{}
					plain, _ := val.UnmarkDeep()
					ev.collectSecrets(plain)
					r.addSecrets(ev.secrets...)
				}
			}
		}
		child.setVars(vals)
		return diags
	case nodeLocal:
		ev := &evaluator{ctx: dsl.EvalContext(n.inputRefs, st, st.sc.funcs)}
		v, diags := n.local.Expr.Value(ev.context())
		if diags.HasErrors() {
			st.setLocal(n.local.Name, cty.DynamicVal)
			return diags
		}
		st.setLocal(n.local.Name, v)
		return diags
	case nodeCredentials:
		return r.evalCredentials(n, st)
	case nodeEndpoint:
		return r.evalEndpoint(n, st)
	case nodeOutput:
		ctx := dsl.EvalContext(n.inputRefs, st, st.sc.funcs)
		val, diags := n.output.Value.Value(ctx)
		if !diags.HasErrors() {
			st.setOutput(n.output.Name, val)
		}
		return diags
	}
	return nil
}

// Run walks the graph: requests run as soon as what they depend on is
// done, at most Parallel at once. When ctx is cancelled no request starts,
// those in flight are cancelled, and the summary still covers every
// request.
func (r *Runner) Run(ctx context.Context) *Summary {
	start := r.opts.Now()
	states := r.newStates(false)
	walkCtx, stopStarting := context.WithCancel(ctx)
	defer stopStarting()
	att := newAttempts(ctx)
	defer att.close()

	sum := &Summary{}
	var mu sync.Mutex
	// perNode holds each request vertex's instances and their results;
	// a job writes only its own slot.
	perNode := make([][]*RequestResult, len(r.plan.nodes))
	instsOf := make([][]*instance, len(r.plan.nodes))
	nodeDiags := func(ds hcl.Diagnostics) {
		mu.Lock()
		sum.Diags = append(sum.Diags, ds...)
		mu.Unlock()
	}

	results, err := r.plan.g.Walk(walkCtx, graph.WalkOptions{Limit: r.opts.Parallel, Less: r.plan.less},
		func(_ context.Context, v int) ([]graph.Job, error) {
			n := r.plan.nodes[v]
			if !r.selected.has(v) {
				return nil, nil // outside --target/--tags
			}
			if n.kind == nodeRequest {
				return r.requestJobs(ctx, att, n, states[n.sc], v, perNode, instsOf, stopStarting)
			}
			if diags := r.evalNode(n, states); diags.HasErrors() {
				nodeDiags(diags)
				return nil, errNodeFailed
			}
			return nil, nil
		})
	if err != nil {
		sum.Diags = append(sum.Diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Run failed", Detail: err.Error()})
	}

	notRunReason := "not run: the run was stopped"
	if ctx.Err() != nil {
		notRunReason = "not run: interrupted"
	} else if r.opts.FailFast {
		notRunReason = "not run: --fail-fast stopped the run after a failure"
	}
	for v, res := range results {
		n := r.plan.nodes[v]
		if !r.selected.has(v) {
			continue
		}
		switch n.kind {
		case nodeRequest:
			switch res.Outcome {
			case graph.Skipped, graph.NotRun:
				if perNode[v] != nil {
					break // visited: its instances say what happened
				}
				rr := r.blockResult(n, v, Skipped)
				if res.Outcome == graph.NotRun {
					rr.Outcome, rr.SkipReason = NotRun, notRunReason
				} else {
					rr.SkipReason = r.skipReason(res.Cause)
				}
				perNode[v] = []*RequestResult{rr}
				r.obs.finished(rr)
			}
			// Instances whose jobs never started.
			for i, rr := range perNode[v] {
				if rr == nil {
					rr = r.blockResult(n, v, NotRun)
					rr.Name, rr.SkipReason = instsOf[v][i].name, notRunReason
					perNode[v][i] = rr
					r.obs.finished(rr)
				}
			}
		case nodeOutput:
			if n.sc != 0 {
				break // a module's outputs are values for its parent, not the run's
			}
			ov := OutputValue{Name: n.output.Name, Sensitive: n.output.Sensitive}
			if val, ok := states[0].outputs[n.output.Name]; ok {
				ov.Value = val
			} else if res.Outcome == graph.Skipped {
				ov.Err = "not computed: " + r.skipReason(res.Cause)
			} else {
				ov.Err = "not computed"
			}
			sum.Outputs = append(sum.Outputs, ov)
		}
	}

	for _, v := range r.plan.requestOrder {
		for _, rr := range perNode[v] {
			sum.Results = append(sum.Results, rr)
			sum.Warnings += rr.Warnings
			switch rr.Outcome {
			case Passed:
				sum.Passed++
			case Failed:
				sum.Failed++
			case Skipped:
				sum.Skipped++
			case NotRun:
				sum.NotRun++
			}
		}
	}
	sort.SliceStable(sum.Outputs, func(i, j int) bool {
		return r.coll.Output(sum.Outputs[i].Name).Pos < r.coll.Output(sum.Outputs[j].Name).Pos
	})
	sum.Interrupted = ctx.Err() != nil
	sum.Duration = r.opts.Now().Sub(start)
	r.obs.runFinished(sum)
	return sum
}

// requestJobs visits a request vertex: it expands the block into its
// instances and returns one job per instance.
func (r *Runner) requestJobs(ctx context.Context, att *attempts, n *node, st *state, v int, perNode [][]*RequestResult,
	instsOf [][]*instance, stopStarting func()) ([]graph.Job, error) {
	insts, unknown, diags := r.expand(n, st)
	if unknown && !diags.HasErrors() {
		diags = badExpansion(n.request.ExpandExprs()[0], nil, "for_each", "The value is not known: it depends on a value that is not available.")
	}
	if diags.HasErrors() {
		rr := r.blockResult(n, v, Failed)
		rr.Diags = diags
		perNode[v] = []*RequestResult{rr}
		r.obs.finished(rr)
		return nil, errNodeFailed
	}
	set := &instanceSet{expanded: n.request.Expanded(), isCount: n.request.Count != nil, known: true}
	for _, inst := range insts {
		set.ids = append(set.ids, inst.id)
	}
	st.setInstances(n.request.Name, set)
	perNode[v] = make([]*RequestResult, len(insts))
	instsOf[v] = insts
	jobs := make([]graph.Job, len(insts))
	for i, inst := range insts {
		jobs[i] = func(context.Context) error {
			// The run's context, not the walk's: --fail-fast stops new
			// requests but lets those in flight finish.
			res := r.runInstance(ctx, att, n, inst, st)
			res.Elapsed = r.opts.Now().Sub(res.Started)
			perNode[v][i] = res
			if res.Outcome != Passed {
				if r.opts.FailFast && res.Outcome == Failed {
					stopStarting()
				}
				return errNodeFailed
			}
			return nil
		}
	}
	return jobs, nil
}

// blockResult is the result of a request block that did not run as
// instances: skipped, not run, or failed before expanding.
func (r *Runner) blockResult(n *node, v int, o Outcome) *RequestResult {
	sc := r.scopes[n.sc]
	return &RequestResult{
		Name:      sc.requestName(n.request.Name),
		Block:     sc.requestName(n.request.Name),
		Module:    strings.TrimSuffix(sc.prefix, "."),
		DependsOn: n.requestDeps,
		Tags:      r.tags[v],
		DeclRange: n.declRange,
		Outcome:   o,
	}
}

var errNodeFailed = fmt.Errorf("node failed")

func (r *Runner) skipReason(cause int) string {
	n := r.plan.nodes[cause]
	if n.kind == nodeRequest {
		return fmt.Sprintf("skipped: %s failed", n.key)
	}
	return fmt.Sprintf("skipped: %s could not be evaluated", n.key)
}

// addSecrets records values that must never be shown.
func (r *Runner) addSecrets(ss ...string) {
	ss = nonEmpty(ss...)
	if len(ss) == 0 {
		return
	}
	r.secretsMu.Lock()
	defer r.secretsMu.Unlock()
next:
	for _, s := range ss {
		for _, have := range r.secrets {
			if have == s {
				continue next
			}
		}
		r.secrets = append(r.secrets, s)
	}
}

// addSignature records a request signature. Signatures are many (one per
// request), so they live in a set and are found by scanning for hex runs
// rather than by one search per signature.
func (r *Runner) addSignature(sig string) {
	if len(sig) < minSignatureLen {
		return
	}
	r.secretsMu.Lock()
	if r.signatures == nil {
		r.signatures = map[string]struct{}{}
	}
	r.signatures[sig] = struct{}{}
	r.secretsMu.Unlock()
}

// minSignatureLen is the length of a SigV4 signature (hex of SHA-256);
// SigV4a signatures (hex of DER) are longer.
const minSignatureLen = 64

// Redacted is what a secret is replaced by.
const Redacted = "(sensitive value)"

// Redact replaces every secret the run has seen in s: secret keys, session
// tokens, sensitive variables, bearer tokens, passwords, API keys and the
// signatures of the requests it sent. Views pass everything they print
// through it.
func (r *Runner) Redact(s string) string {
	r.secretsMu.RLock()
	defer r.secretsMu.RUnlock()
	for _, secret := range r.secrets {
		if len(secret) >= 4 && strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, Redacted)
		}
	}
	if len(r.signatures) == 0 || len(s) < minSignatureLen {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !isHex(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isHex(s[j]) {
			j++
		}
		if j-i >= minSignatureLen {
			if _, ok := r.signatures[s[i:j]]; ok {
				b.WriteString(s[last:i])
				b.WriteString(Redacted)
				last = j
			}
		}
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' }

// Collection returns the collection the runner runs.
func (r *Runner) Collection() *dsl.Collection { return r.coll }

// serialObserver forwards events one at a time.
type serialObserver struct {
	mu  sync.Mutex
	obs Observer
}

func (s *serialObserver) started(name string) {
	if s.obs == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.obs.RequestStarted(name)
}

func (s *serialObserver) finished(r *RequestResult) {
	if s.obs == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.obs.RequestFinished(r)
}

func (s *serialObserver) runFinished(sum *Summary) {
	if s.obs == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.obs.RunFinished(sum)
}

// FSReadFile adapts an fs.FS to Options.ReadFile (the demo reads its embedded
// collection through it).
func FSReadFile(fsys fs.FS) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) { return fs.ReadFile(fsys, strings.TrimPrefix(p, "./")) }
}

// SetObserver sets the observer that receives the run's events. Call it
// before Run.
func (r *Runner) SetObserver(o Observer) { r.obs = &serialObserver{obs: o} }
