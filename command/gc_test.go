package command

import (
	"runtime/debug"
	"testing"
)

// gcPercent returns the garbage collector's target.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestRelaxGC: the target is raised while loads run, restored after the
// last, and left alone when it is higher already or off.
func TestRelaxGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, before := range []int{100, 50, 1000, -1} {
		debug.SetGCPercent(before)
		want := max(before, loadGCPercent)
		if before < 0 {
			want = before
		}
		first := relaxGC()
		second := relaxGC()
		if got := gcPercent(); got != want {
			t.Errorf("GOGC=%d, during two loads: %d, want %d", before, got, want)
		}
		first()
		if got := gcPercent(); got != want {
			t.Errorf("GOGC=%d, during the second load: %d, want %d", before, got, want)
		}
		second()
		if got := gcPercent(); got != before {
			t.Errorf("GOGC=%d, after the loads: %d", before, got)
		}
	}
}
