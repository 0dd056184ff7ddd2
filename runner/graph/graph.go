package graph

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
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
	for _, scc := range g.sccs() {
		if len(scc) == 1 {
			v := scc[0]
			for _, d := range g.deps[v] {
				if d == v {
					out = append(out, []int{v})
				}
			}
			continue
		}
		out = append(out, g.cycleIn(scc))
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// sccs is Tarjan's algorithm, iterative so a deep graph cannot overflow the
// stack.
func (g *Graph) sccs() [][]int {
	n := len(g.deps)
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	var out [][]int
	next := 0
	type frame struct{ v, i int }
	for root := 0; root < n; root++ {
		if index[root] >= 0 {
			continue
		}
		call := []frame{{root, 0}}
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
				var scc []int
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					scc = append(scc, w)
					if w == v {
						break
					}
				}
				out = append(out, scc)
			}
		}
	}
	return out
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
	// Limit is the most limited vertices running at once (at least 1).
	Limit int
	// Limited reports whether v takes one of the Limit slots. Vertices that
	// do not are run at once, one at a time, on the walk's own goroutine:
	// they must be quick (evaluating an expression, not a network call).
	Limited func(v int) bool
	// Less orders ready vertices: among those ready, the least starts first.
	// With Limit 1 this makes the order a topological order with ties broken
	// by Less.
	Less func(a, b int) bool
}

// ErrCycle is returned by Walk for a graph with a cycle.
var ErrCycle = errors.New("graph has a cycle")

type readyHeap struct {
	items []int
	less  func(a, b int) bool
}

func (h *readyHeap) Len() int           { return len(h.items) }
func (h *readyHeap) Less(i, j int) bool { return h.less(h.items[i], h.items[j]) }
func (h *readyHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *readyHeap) Push(x any)         { h.items = append(h.items, x.(int)) }
func (h *readyHeap) Pop() any {
	n := len(h.items)
	x := h.items[n-1]
	h.items = h.items[:n-1]
	return x
}

type completion struct {
	v   int
	err error
}

// Walk visits every vertex after all its dependencies, calling fn. A vertex
// whose dependency failed or was skipped is skipped without calling fn.
// Once ctx is done no vertex starts; those left are NotRun, and fn's context
// is cancelled for those running. Walk returns when every started call has
// returned.
func (g *Graph) Walk(ctx context.Context, opts WalkOptions, fn func(ctx context.Context, v int) error) ([]Result, error) {
	if len(g.Cycles()) > 0 {
		return nil, ErrCycle
	}
	n := len(g.deps)
	limit := opts.Limit
	if limit < 1 {
		limit = 1
	}
	less := opts.Less
	if less == nil {
		less = func(a, b int) bool { return a < b }
	}
	limited := opts.Limited
	if limited == nil {
		limited = func(int) bool { return true }
	}

	results := make([]Result, n)
	waiting := make([]int, n)
	quick := &readyHeap{less: less}
	slow := &readyHeap{less: less}
	for v := range n {
		waiting[v] = len(g.deps[v])
		if waiting[v] == 0 {
			g.push(quick, slow, limited, v)
		}
	}

	done := make(chan completion, limit)
	inflight, finished := 0, 0

	var complete func(v int)
	complete = func(v int) {
		finished++
		for _, d := range g.dependents[v] {
			waiting[d]--
			if waiting[d] == 0 {
				g.push(quick, slow, limited, d)
			}
		}
	}
	// start decides what to do with a ready vertex: skip it, mark it not
	// run, or run it. It reports whether the vertex finished at once.
	start := func(v int) bool {
		// Once the walk is cancelled nothing is "skipped because of a
		// failure": what did not start was not run.
		if ctx.Err() != nil {
			results[v] = Result{Outcome: NotRun}
			return true
		}
		if cause, ok := g.failedDep(results, v); ok {
			results[v] = Result{Outcome: Skipped, Cause: cause}
			return true
		}
		if !limited(v) {
			err := fn(ctx, v)
			results[v] = outcomeOf(err)
			return true
		}
		inflight++
		go func() { done <- completion{v, fn(ctx, v)} }()
		return false
	}

	for finished < n {
		// Quick vertices first: they are cheap and may make requests ready.
		for quick.Len() > 0 {
			if v := heap.Pop(quick).(int); start(v) {
				complete(v)
			}
		}
		// One limited vertex at a time, then look at quick ones again. Once
		// ctx is done, start only marks vertices, so no slot is needed.
		if slow.Len() > 0 && (inflight < limit || ctx.Err() != nil) {
			if v := heap.Pop(slow).(int); start(v) {
				complete(v)
			}
			continue
		}
		if finished == n {
			break
		}
		if inflight == 0 {
			// Unreachable for an acyclic graph: something is always ready
			// or running until every vertex has finished.
			return results, fmt.Errorf("graph walk stalled with %d of %d vertices finished", finished, n)
		}
		c := <-done
		inflight--
		results[c.v] = outcomeOf(c.err)
		complete(c.v)
	}
	return results, nil
}

func (g *Graph) push(quick, slow *readyHeap, limited func(int) bool, v int) {
	if limited(v) {
		heap.Push(slow, v)
	} else {
		heap.Push(quick, v)
	}
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
	h := &readyHeap{less: less}
	for v := range n {
		waiting[v] = len(g.deps[v])
		if waiting[v] == 0 {
			heap.Push(h, v)
		}
	}
	out := make([]int, 0, n)
	for h.Len() > 0 {
		v := heap.Pop(h).(int)
		out = append(out, v)
		for _, d := range g.dependents[v] {
			waiting[d]--
			if waiting[d] == 0 {
				heap.Push(h, d)
			}
		}
	}
	return out, nil
}
