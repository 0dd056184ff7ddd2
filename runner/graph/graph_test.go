package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// oneJob is a visit that makes each vertex one job running fn.
func oneJob(fn func(ctx context.Context, v int) error) func(context.Context, int) ([]Job, error) {
	return func(_ context.Context, v int) ([]Job, error) {
		return []Job{func(ctx context.Context) error { return fn(ctx, v) }}, nil
	}
}

func TestCycles(t *testing.T) {
	g := New(5)
	g.Connect(0, 1)
	g.Connect(1, 2)
	g.Connect(2, 0) // 0 → 1 → 2 → 0
	g.Connect(3, 4)
	g.Connect(4, 4) // self loop
	got := g.Cycles()
	want := [][]int{{0, 1, 2}, {4}}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("Cycles() = %v, want %v", got, want)
	}
	if _, err := g.Walk(context.Background(), WalkOptions{}, oneJob(func(context.Context, int) error { return nil })); !errors.Is(err, ErrCycle) {
		t.Fatalf("Walk on a cyclic graph: err = %v, want ErrCycle", err)
	}
}

func TestCyclesNone(t *testing.T) {
	g := New(4)
	g.Connect(1, 0)
	g.Connect(2, 0)
	g.Connect(3, 1)
	g.Connect(3, 2)
	if c := g.Cycles(); len(c) != 0 {
		t.Fatalf("diamond has no cycle, got %v", c)
	}
}

// With a limit of one the walk is the topological order with ties broken by
// Less, whatever the timing of the calls.
func TestWalkLimitOneIsReproducible(t *testing.T) {
	// 5 depends on 0; 3 depends on 5; 1, 2, 4 are independent.
	build := func() *Graph {
		g := New(6)
		g.Connect(5, 0)
		g.Connect(3, 5)
		return g
	}
	want, _ := build().TopoOrder(nil)
	if !slices.Equal(want, []int{0, 1, 2, 4, 5, 3}) {
		t.Fatalf("TopoOrder = %v", want)
	}
	for i := range 20 {
		var mu sync.Mutex
		var order []int
		_, err := build().Walk(context.Background(), WalkOptions{Limit: 1}, oneJob(func(_ context.Context, v int) error {
			time.Sleep(time.Duration((v*7+i)%3) * time.Millisecond)
			mu.Lock()
			order = append(order, v)
			mu.Unlock()
			return nil
		}))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(order, want) {
			t.Fatalf("run %d: order %v, want %v", i, order, want)
		}
	}
}

func TestWalkBoundsConcurrency(t *testing.T) {
	const n, limit = 40, 4
	g := New(n)
	var running, peak atomic.Int32
	_, err := g.Walk(context.Background(), WalkOptions{Limit: limit}, oneJob(func(context.Context, int) error {
		cur := running.Add(1)
		for {
			p := peak.Load()
			if cur <= p || peak.CompareAndSwap(p, cur) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		running.Add(-1)
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p > limit || p < 2 {
		t.Fatalf("peak concurrency %d, want between 2 and %d", p, limit)
	}
}

// Vertices really run at once: each call waits until all have started.
func TestWalkRunsIndependentVerticesConcurrently(t *testing.T) {
	const n = 4
	g := New(n)
	var wg sync.WaitGroup
	wg.Add(n)
	all := make(chan struct{})
	go func() { wg.Wait(); close(all) }()
	_, err := g.Walk(context.Background(), WalkOptions{Limit: n}, oneJob(func(context.Context, int) error {
		wg.Done()
		select {
		case <-all:
			return nil
		case <-time.After(5 * time.Second):
			return fmt.Errorf("not all vertices started together")
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
}

func TestWalkSkipsDependentsOfFailure(t *testing.T) {
	// 1 depends on 0 (fails); 2 depends on 1; 3 is independent; 4 depends on 3.
	g := New(5)
	g.Connect(1, 0)
	g.Connect(2, 1)
	g.Connect(4, 3)
	var called sync.Map
	res, err := g.Walk(context.Background(), WalkOptions{Limit: 2}, oneJob(func(_ context.Context, v int) error {
		called.Store(v, true)
		if v == 0 {
			return errors.New("boom")
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := []Outcome{Failed, Skipped, Skipped, Done, Done}
	for v, r := range res {
		if r.Outcome != want[v] {
			t.Errorf("vertex %d: outcome %v, want %v", v, r.Outcome, want[v])
		}
	}
	if res[2].Cause != 0 || res[1].Cause != 0 {
		t.Errorf("skip causes = %d, %d; want 0 (the failed vertex)", res[1].Cause, res[2].Cause)
	}
	for _, v := range []int{1, 2} {
		if _, ok := called.Load(v); ok {
			t.Errorf("skipped vertex %d was called", v)
		}
	}
}

func TestWalkCancelStopsStarting(t *testing.T) {
	g := New(10)
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	res, err := g.Walk(ctx, WalkOptions{Limit: 1}, oneJob(func(ctx context.Context, v int) error {
		calls.Add(1)
		if v == 2 {
			cancel()
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c := calls.Load(); c != 3 {
		t.Fatalf("%d calls, want 3 (0, 1, 2 then cancelled)", c)
	}
	for v := 3; v < 10; v++ {
		if res[v].Outcome != NotRun {
			t.Errorf("vertex %d: %v, want NotRun", v, res[v].Outcome)
		}
	}
}

// A vertex with no jobs finishes at its visit, without a slot: a local
// between two requests is evaluated while the only slot is busy elsewhere.
func TestWalkVisitWithoutJobs(t *testing.T) {
	g := New(3)
	g.Connect(1, 0) // 1 (no jobs) depends on 0
	var order []int
	var mu sync.Mutex
	record := func(v int) {
		mu.Lock()
		order = append(order, v)
		mu.Unlock()
	}
	_, err := g.Walk(context.Background(), WalkOptions{Limit: 1}, func(_ context.Context, v int) ([]Job, error) {
		if v == 1 {
			record(v)
			return nil, nil
		}
		return []Job{func(context.Context) error { record(v); return nil }}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(order, []int{0, 1, 2}) {
		t.Fatalf("order %v, want [0 1 2]: the vertex without jobs runs as soon as it is ready", order)
	}
}

// A vertex's jobs share the slots, in order; the vertex fails if one job
// fails, and only after all of them have finished.
func TestWalkSeveralJobs(t *testing.T) {
	g := New(2)
	g.Connect(1, 0)
	var mu sync.Mutex
	var order []string
	res, err := g.Walk(context.Background(), WalkOptions{Limit: 1}, func(_ context.Context, v int) ([]Job, error) {
		var js []Job
		for i := range 3 {
			js = append(js, func(context.Context) error {
				mu.Lock()
				order = append(order, fmt.Sprintf("%d.%d", v, i))
				mu.Unlock()
				if v == 0 && i == 1 {
					return errors.New("one instance failed")
				}
				return nil
			})
		}
		return js, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(order, []string{"0.0", "0.1", "0.2"}) {
		t.Fatalf("jobs ran %v: all of vertex 0's, in order, and none of the skipped vertex's", order)
	}
	if res[0].Outcome != Failed || res[1].Outcome != Skipped {
		t.Fatalf("outcomes %v %v", res[0].Outcome, res[1].Outcome)
	}
}

func TestDeepChainNoStackOverflow(t *testing.T) {
	const n = 200000
	g := New(n)
	for v := 1; v < n; v++ {
		g.Connect(v, v-1)
	}
	if c := g.Cycles(); len(c) != 0 {
		t.Fatal("chain has no cycle")
	}
}

func BenchmarkWalk2000(b *testing.B) {
	g := New(2000)
	for b.Loop() {
		if _, err := g.Walk(context.Background(), WalkOptions{Limit: 8}, oneJob(func(context.Context, int) error { return nil })); err != nil {
			b.Fatal(err)
		}
	}
}
