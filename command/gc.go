package command

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// loadGCPercent is the garbage collector's target while a collection is
// loaded. Parsing a large collection allocates several times what it keeps
// (the lexer's tokens, the parser's intermediate values), all of it dead
// within moments; at Go's default of 100 the collector runs again and
// again over a 10,000-request file, each time marking the growing syntax
// tree anew. 400 lets the heap grow to five times what was live at the
// last collection before the next. Only loading is relaxed: past it, each
// megabyte more of heap costs page faults that the collections it would
// save do not make up for. The setting is the process's, so the command
// sets it, not package dsl: a program that loads collections through dsl
// keeps its own.
const loadGCPercent = 400

// relaxGC raises the garbage collector's target to loadGCPercent for a
// load, unless it is already higher (or off, GOGC=off); the returned
// function ends the load.
func relaxGC() (done func()) {
	gc.Lock()
	defer gc.Unlock()
	gc.beginLocked()
	gc.loads++
	gc.setTargetLocked()
	return func() {
		gc.Lock()
		defer gc.Unlock()
		gc.loads--
		gc.setTargetLocked()
	}
}

// While a run is in progress the collector's target follows the live heap:
// after each collection it is set so that the next one comes after at least
// runHeadroom bytes more of allocation, that is GOGC = runHeadroom / live,
// no lower than the process's own target and no higher than
// runGCPercentMax. A run keeps little (~2 KB a request) and allocates much
// more that dies at once (each request's evaluation, signing, HTTP
// exchange), so at Go's default the collector would run every few
// megabytes and mark the same small heap again and again: 2,000 requests
// took ~10% less CPU with the higher target. As the live heap grows past
// runHeadroom the target falls back to the process's, so a very large run
// costs no more memory than it would at the default. Until a collection has
// measured the live heap the process's own target applies: a collection
// of thousands of request blocks keeps tens of megabytes from its load.
const (
	runHeadroom     = 16 << 20
	runGCPercentMax = 400
)

// gc is the state behind the process's collector target. Loads and runs
// in progress are counted (a test process may have several at once): the
// first of either reads the process's own target (base), and when the last
// ends, base is set again. In between the target is the one setTargetLocked
// computes from what is in progress. During a run, each collection is
// noticed through a finalizer, which runs after the collection that found
// its object unreachable and then arms the next; gen ends a chain that
// belongs to a run that is over.
var gc gcState

type gcState struct {
	sync.Mutex
	loads, runs int
	base        int
	gen         int
	sample      [1]metrics.Sample
}

// beginLocked reads the process's own target when nothing is in progress.
func (g *gcState) beginLocked() {
	if g.loads == 0 && g.runs == 0 {
		g.base = debug.SetGCPercent(100)
		debug.SetGCPercent(g.base)
	}
}

// setTargetLocked sets the target for what is in progress: loadGCPercent
// during a load, the live heap's during a run (runGCPercent), the
// process's own otherwise. A target that is off stays off, and one that is
// higher stays higher.
func (g *gcState) setTargetLocked() {
	switch {
	case g.base < 0:
		return // GOGC=off: nothing to set
	case g.loads > 0:
		debug.SetGCPercent(max(g.base, loadGCPercent))
	case g.runs > 0:
		debug.SetGCPercent(runGCPercent(g.liveLocked(), g.base))
	default:
		debug.SetGCPercent(g.base)
	}
}

// liveLocked is the live heap at the last collection; 0 before the first.
func (g *gcState) liveLocked() uint64 {
	g.sample[0].Name = "/gc/heap/live:bytes"
	metrics.Read(g.sample[:])
	if s := g.sample[0]; s.Value.Kind() == metrics.KindUint64 {
		return s.Value.Uint64()
	}
	return 0
}

// tuneGC makes the target follow the live heap for a run; the returned
// function ends the run. It leaves the target alone when GOGC or GOMEMLIMIT
// is set in the environment: the user's setting stands.
func tuneGC() (stop func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	gc.Lock()
	defer gc.Unlock()
	gc.beginLocked()
	if gc.runs == 0 {
		gc.gen++
		armGCTick(gc.gen)
	}
	gc.runs++
	gc.setTargetLocked()
	return func() {
		gc.Lock()
		defer gc.Unlock()
		gc.runs--
		if gc.runs == 0 {
			gc.gen++
		}
		gc.setTargetLocked()
	}
}

// runGCPercent is the target during a run for a live heap of live bytes
// (0: not measured yet).
func runGCPercent(live uint64, base int) int {
	if live == 0 {
		return base // nothing measured yet: the first collection tells
	}
	return max(base, min(int(runHeadroom*100/live), runGCPercentMax))
}

// gcTick is the object whose finalizer notices a collection. It is larger
// than 16 bytes so that it is not placed in the tiny allocator's shared
// blocks, where a finalizer may never run.
type gcTick struct {
	gen int
	_   [16]byte
}

func armGCTick(gen int) {
	runtime.SetFinalizer(&gcTick{gen: gen}, func(t *gcTick) {
		gc.Lock()
		defer gc.Unlock()
		if t.gen != gc.gen {
			return // that run is over
		}
		gc.setTargetLocked()
		armGCTick(t.gen)
		if gcTicked != nil {
			gcTicked()
		}
	})
}

// gcTicked, when set (by tests), is called after each adjustment that a
// collection caused.
var gcTicked func()
