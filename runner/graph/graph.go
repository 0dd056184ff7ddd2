package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
)

// Graph is a directed graph whose vertices are 0..n-1. An edge from a to b
// means "a depends on b": b must finish before a starts.
type Graph struct {
	deps       [][]int
	dependents [][]int
}

// New returns a graph with n vertices and no edges.
func New(n int) *Graph {
	return &Graph{deps: make([][]int, n), dependents: make([][]int, n)}
}

// Len returns the number of vertices.
func (g *Graph) Len() int { return len(g.deps) }

// Connect records that v depends on dep. Repeated edges are ignored.
func (g *Graph) Connect(v, dep int) {
	for _, d := range g.deps[v] {
		if d == dep {
			return
		}
	}
	g.deps[v] = append(g.deps[v], dep)
	g.dependents[dep] = append(g.dependents[dep], v)
}

// Deps returns the vertices v depends on.
func (g *Graph) Deps(v int) []int { return g.deps[v] }

// Dependents returns the vertices that depend on v.
func (g *Graph) Dependents(v int) []int { return g.dependents[v] }

// Cycles returns every cycle of the graph, one per strongly connected
// component with more than one vertex (or a vertex that depends on itself).
// Each cycle is a path v0 → v1 → … → v0 along dependency edges, written
// without repeating v0, starting at its smallest vertex.
func (g *Graph) Cycles() [][]int {
	var out [][]int
	g.sccs(func(scc []int) {
		if len(scc) == 1 {
			v := scc[0]
			for _, d := range g.deps[v] {
				if d == v {
					out = append(out, []int{v})
				}
			}
			return
		}
		out = append(out, g.cycleIn(append([]int(nil), scc...)))
	})
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// sccs is Tarjan's algorithm, iterative so a deep graph cannot overflow the
// stack. It calls found with each strongly connected component, in a slice
// valid only during the call: most components of a collection are single
// vertices, and none is allocated on its own.
func (g *Graph) sccs(found func(scc []int)) {
	n := len(g.deps)
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	next := 0
	type frame struct{ v, i int }
	var call []frame
	for root := 0; root < n; root++ {
		if index[root] >= 0 {
			continue
		}
		call = append(call[:0], frame{root, 0})
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.i < len(g.deps[f.v]) {
				w := g.deps[f.v][f.i]
				f.i++
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{w, 0})
				} else if onStack[w] && index[w] < low[f.v] {
					low[f.v] = index[w]
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].v
				if low[v] < low[p] {
					low[p] = low[v]
				}
			}
			if low[v] == index[v] {
				// The component is the top of the stack down to v, in the
				// order it is popped.
				i := len(stack) - 1
				for stack[i] != v {
					i--
				}
				scc := stack[i:]
				slices.Reverse(scc)
				for _, w := range scc {
					onStack[w] = false
				}
				found(scc)
				stack = stack[:i]
			}
		}
	}
}

// cycleIn finds one cycle through the smallest vertex of a strongly
// connected component, by breadth-first search back to it.
func (g *Graph) cycleIn(scc []int) []int {
	in := make(map[int]bool, len(scc))
	start := scc[0]
	for _, v := range scc {
		in[v] = true
		if v < start {
			start = v
		}
	}
	prev := map[int]int{start: -1}
	queue := []int{start}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		deps := append([]int(nil), g.deps[v]...)
		sort.Ints(deps)
		for _, w := range deps {
			if !in[w] {
				continue
			}
			if w == start {
				var path []int
				for x := v; x != -1; x = prev[x] {
					path = append(path, x)
				}
				// path is v … start; reverse to start … v.
				for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
					path[i], path[j] = path[j], path[i]
				}
				return path
			}
			if _, seen := prev[w]; !seen {
				prev[w] = v
				queue = append(queue, w)
			}
		}
	}
	return scc // unreachable for a true SCC
}

// Outcome is what happened to a vertex in a walk.
type Outcome int

const (
	// NotRun: the walk was cancelled before the vertex started.
	NotRun Outcome = iota
	// Done: the function returned nil.
	Done
	// Failed: the function returned an error.
	Failed
	// Skipped: a vertex it depends on failed or was skipped.
	Skipped
)

// Result is the outcome of one vertex.
type Result struct {
	Outcome Outcome
	Err     error
	// Cause is, for a skipped vertex, the failed vertex that caused the skip
	// (followed through skipped vertices to the one that failed).
	Cause int
}

// WalkOptions controls a walk.
type WalkOptions struct {
	// Limit is the most jobs running at once (at least 1).
	Limit int
	// Less orders ready vertices and their jobs: among those ready, the
	// least starts first. With Limit 1 this makes the order a topological
	// order with ties broken by Less.
	Less func(a, b int) bool
}

// Job is a piece of slow work (a network call) that a vertex consists of.
// Jobs run on their own goroutines, at most Limit at once.
type Job func(ctx context.Context) error

// ErrCycle is returned by Walk for a graph with a cycle.
var ErrCycle = errors.New("graph has a cycle")

// orderedHeap is a binary min-heap ordered by less. Walks push and pop a
// vertex, and a job, for every request of a collection: a heap of its own
// type spares container/heap's boxing of each item and its calls through
// an interface.
type orderedHeap[T any] struct {
	items []T
	less  func(a, b T) bool
}

func (h *orderedHeap[T]) Len() int { return len(h.items) }

func (h *orderedHeap[T]) push(x T) {
	h.items = append(h.items, x)
	for j := len(h.items) - 1; j > 0; {
		i := (j - 1) / 2 // parent
		if !h.less(h.items[j], h.items[i]) {
			break
		}
		h.items[i], h.items[j] = h.items[j], h.items[i]
		j = i
	}
}

// pop removes and returns the least item.
func (h *orderedHeap[T]) pop() T {
	n := len(h.items) - 1
	h.items[0], h.items[n] = h.items[n], h.items[0]
	for i := 0; ; {
		j := 2*i + 1 // left child
		if j >= n {
			break
		}
		if r := j + 1; r < n && h.less(h.items[r], h.items[j]) {
			j = r
		}
		if !h.less(h.items[j], h.items[i]) {
			break
		}
		h.items[i], h.items[j] = h.items[j], h.items[i]
		i = j
	}
	x := h.items[n]
	var zero T
	h.items[n] = zero // a job is a closure: let it go
	h.items = h.items[:n]
	return x
}

// pendingJob is a job waiting for a slot, ordered by its vertex, then by
// its place among the vertex's jobs.
type pendingJob struct {
	v, i int
	job  Job
}

func newReadyHeap(less func(a, b int) bool) *orderedHeap[int] {
	return &orderedHeap[int]{less: less}
}

func newJobHeap(less func(a, b int) bool) *orderedHeap[pendingJob] {
	return &orderedHeap[pendingJob]{less: func(a, b pendingJob) bool {
		if a.v != b.v {
			return less(a.v, b.v)
		}
		return a.i < b.i
	}}
}

type completion struct {
	v   int
	err error
}

// Walk visits every vertex after all its dependencies. visit runs on the
// walk's own goroutine, one vertex at a time: it does the vertex's quick
// work (evaluating an expression) and returns the jobs the vertex consists
// of, if any (sending requests). A vertex finishes when visit and all its
// jobs have; it fails when visit or any job returns an error. A vertex
// whose dependency failed or was skipped is skipped without a visit.
// Once ctx is done no vertex is visited and no job starts (those left are
// NotRun), and the context of running jobs is cancelled. Walk returns when
// every started job has returned.
func (g *Graph) Walk(ctx context.Context, opts WalkOptions, visit func(ctx context.Context, v int) ([]Job, error)) ([]Result, error) {
	if len(g.Cycles()) > 0 {
		return nil, ErrCycle
	}
	n := len(g.deps)
	limit := max(opts.Limit, 1)
	less := opts.Less
	if less == nil {
		less = func(a, b int) bool { return a < b }
	}

	results := make([]Result, n)
	waiting := make([]int, n)
	jobsLeft := make([]int, n)
	jobsStarted := make([]int, n)
	jobErr := make([]error, n)
	ready := newReadyHeap(less)
	jobs := newJobHeap(less)
	for v := range n {
		waiting[v] = len(g.deps[v])
		if waiting[v] == 0 {
			ready.push(v)
		}
	}

	done := make(chan completion, limit)
	inflight, finished := 0, 0
	// Jobs run on up to limit long-lived workers, started as needed: a
	// worker's stack keeps the size its first job grew it to, where a
	// goroutine per job would grow a fresh stack for every request.
	work := make(chan pendingJob)
	defer close(work)
	workers := 0
	worker := func() {
		for pj := range work {
			done <- completion{pj.v, pj.job(ctx)}
		}
	}

	complete := func(v int, r Result) {
		results[v] = r
		finished++
		for _, d := range g.dependents[v] {
			waiting[d]--
			if waiting[d] == 0 {
				ready.push(d)
			}
		}
	}
	// jobDone records a job's end and finishes its vertex after the last.
	jobDone := func(v int, err error) {
		if err != nil && jobErr[v] == nil {
			jobErr[v] = err
		}
		jobsLeft[v]--
		if jobsLeft[v] == 0 {
			if jobsStarted[v] == 0 {
				complete(v, Result{Outcome: NotRun})
				return
			}
			complete(v, outcomeOf(jobErr[v]))
		}
	}
	// start visits a ready vertex, or skips it, or marks it not run.
	start := func(v int) {
		// Once the walk is cancelled nothing is "skipped because of a
		// failure": what did not start was not run.
		if ctx.Err() != nil {
			complete(v, Result{Outcome: NotRun})
			return
		}
		if cause, ok := g.failedDep(results, v); ok {
			complete(v, Result{Outcome: Skipped, Cause: cause})
			return
		}
		js, err := visit(ctx, v)
		if err != nil || len(js) == 0 {
			complete(v, outcomeOf(err))
			return
		}
		jobsLeft[v] = len(js)
		for i, j := range js {
			jobs.push(pendingJob{v: v, i: i, job: j})
		}
	}

	for finished < n {
		// Visit every ready vertex first: visits are quick and may add
		// jobs or make more vertices ready.
		if ready.Len() > 0 {
			start(ready.pop())
			continue
		}
		if jobs.Len() > 0 && ctx.Err() != nil {
			// Cancelled: queued jobs never start.
			pj := jobs.pop()
			jobDone(pj.v, ctx.Err())
			continue
		}
		if jobs.Len() > 0 && inflight < limit {
			pj := jobs.pop()
			inflight++
			jobsStarted[pj.v]++
			if inflight > workers { // every worker is busy
				workers++
				go worker()
			}
			work <- pj
			continue
		}
		if finished == n {
			break
		}
		if inflight == 0 {
			// Unreachable for an acyclic graph: something is always ready,
			// queued or running until every vertex has finished.
			return results, fmt.Errorf("graph walk stalled with %d of %d vertices finished", finished, n)
		}
		c := <-done
		inflight--
		jobDone(c.v, c.err)
	}
	return results, nil
}

func outcomeOf(err error) Result {
	if err != nil {
		return Result{Outcome: Failed, Err: err}
	}
	return Result{Outcome: Done}
}

// failedDep reports the root cause if any dependency of v failed or was
// skipped. Dependencies are checked in their order of declaration.
func (g *Graph) failedDep(results []Result, v int) (int, bool) {
	for _, d := range g.deps[v] {
		switch results[d].Outcome {
		case Failed:
			return d, true
		case Skipped:
			return results[d].Cause, true
		}
	}
	return 0, false
}

// TopoOrder returns a topological order (dependencies first) with ties
// broken by less; it is the order a walk with Limit 1 starts vertices in.
func (g *Graph) TopoOrder(less func(a, b int) bool) ([]int, error) {
	if len(g.Cycles()) > 0 {
		return nil, ErrCycle
	}
	if less == nil {
		less = func(a, b int) bool { return a < b }
	}
	n := len(g.deps)
	waiting := make([]int, n)
	h := newReadyHeap(less)
	for v := range n {
		waiting[v] = len(g.deps[v])
		if waiting[v] == 0 {
			h.push(v)
		}
	}
	out := make([]int, 0, n)
	for h.Len() > 0 {
		v := h.pop()
		out = append(out, v)
		for _, d := range g.dependents[v] {
			waiting[d]--
			if waiting[d] == 0 {
				h.push(d)
			}
		}
	}
	return out, nil
}
