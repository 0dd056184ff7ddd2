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

// gcRelax counts the loads in progress, so that concurrent loads set the
// target once and the last one restores it.
var gcRelax struct {
	sync.Mutex
	loads int
	saved int
}

// relaxGC raises the garbage collector's target for a load, unless it is
// already higher (or off, GOGC=off); the returned function restores it.
func relaxGC() (restore func()) {
	gcRelax.Lock()
	defer gcRelax.Unlock()
	if gcRelax.loads == 0 {
		gcRelax.saved = debug.SetGCPercent(loadGCPercent)
		if gcRelax.saved < 0 || gcRelax.saved > loadGCPercent {
			debug.SetGCPercent(gcRelax.saved) // off, or higher already: keep it
		}
	}
	gcRelax.loads++
	return func() {
		gcRelax.Lock()
		defer gcRelax.Unlock()
		gcRelax.loads--
		if gcRelax.loads == 0 {
			debug.SetGCPercent(gcRelax.saved)
		}
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

// gcRun is the state of the run-time target. Runs in progress are counted
// (a test process may run several at once): the first sets it up, the last
// restores the target it found. Each collection is noticed through a
// finalizer, which runs after the collection that found its object
// unreachable and then arms the next; gen ends a chain that belongs to a
// run that is over.
var gcRun struct {
	sync.Mutex
	runs   int
	base   int
	gen    int
	sample [1]metrics.Sample
}

// tuneGC sets the run-time target for a run; the returned function
// restores the target it found. It leaves the target alone when GOGC or
// GOMEMLIMIT is set in the environment (the user's setting stands), and
// when the target is off or at runGCPercentMax or above already.
func tuneGC() (stop func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	gcRun.Lock()
	defer gcRun.Unlock()
	if gcRun.runs == 0 {
		base := debug.SetGCPercent(100)
		debug.SetGCPercent(base)
		if base < 0 || base >= runGCPercentMax {
			return func() {}
		}
		gcRun.base = base
		gcRun.gen++
		gcRun.sample[0].Name = "/gc/heap/live:bytes"
		armGCTick(gcRun.gen)
		adjustGCLocked()
	}
	gcRun.runs++
	return func() {
		gcRun.Lock()
		defer gcRun.Unlock()
		gcRun.runs--
		if gcRun.runs == 0 {
			gcRun.gen++
			debug.SetGCPercent(gcRun.base)
		}
	}
}

// runGCPercent is the target for a live heap of live bytes.
func runGCPercent(live uint64, base int) int {
	if live == 0 {
		return base // nothing measured yet: the first collection tells
	}
	return min(max(int(runHeadroom*100/live), base), runGCPercentMax)
}

// adjustGCLocked sets the target from the live heap at the last
// collection; a load in progress keeps its own (relaxGC).
func adjustGCLocked() {
	gcRelax.Lock()
	loading := gcRelax.loads > 0
	gcRelax.Unlock()
	if loading {
		return
	}
	metrics.Read(gcRun.sample[:])
	var live uint64
	if s := gcRun.sample[0]; s.Value.Kind() == metrics.KindUint64 {
		live = s.Value.Uint64()
	}
	debug.SetGCPercent(runGCPercent(live, gcRun.base))
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
		gcRun.Lock()
		defer gcRun.Unlock()
		if t.gen != gcRun.gen || gcRun.runs == 0 {
			return // that run is over
		}
		adjustGCLocked()
		armGCTick(t.gen)
		if gcTicked != nil {
			gcTicked()
		}
	})
}

// gcTicked, when set (by tests), is called after each adjustment that a
// collection caused.
var gcTicked func()
