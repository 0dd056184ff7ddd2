package command

import (
	"runtime/debug"
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
