package command

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
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

func TestRunGCPercent(t *testing.T) {
	for _, tc := range []struct {
		live uint64
		base int
		want int
	}{
		{0, 100, 100},                   // no collection yet
		{1 << 20, 100, runGCPercentMax}, // 16 MiB / 1 MiB = 1600%: capped
		{4 << 20, 100, 400},             // 16 / 4
		{8 << 20, 100, 200},             // 16 / 8
		{32 << 20, 100, 100},            // 16 / 32 = 50%: the process's own
		{32 << 20, 150, 150},            // never below the process's own
		{64 << 20, 50, 50},
	} {
		if got := runGCPercent(tc.live, tc.base); got != tc.want {
			t.Errorf("runGCPercent(%d MiB, %d) = %d, want %d", tc.live>>20, tc.base, got, tc.want)
		}
	}
}

// TestTuneGC: during a run the target follows the live heap at each
// collection, a load keeps its own, and the end of the run restores the
// target and stops following.
func TestTuneGC(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT is set: tuneGC leaves the target alone")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	ticks := make(chan struct{}, 16)
	gcTicked = func() { ticks <- struct{}{} }
	defer func() { gcTicked = nil }()
	collect := func() {
		t.Helper()
		for len(ticks) > 0 {
			<-ticks
		}
		runtime.GC()
		select {
		case <-ticks:
		case <-time.After(10 * time.Second):
			t.Fatal("no adjustment after a collection")
		}
	}

	stop := tuneGC()
	// A large live heap: the process's own target.
	big := make([]*[1 << 20]byte, 64)
	for i := range big {
		big[i] = new([1 << 20]byte)
	}
	collect()
	if got := gcPercent(); got != 100 {
		t.Errorf("with 64 MiB live: GOGC %d, want 100", got)
	}
	runtime.KeepAlive(big)
	big = nil
	// A small one: room for runHeadroom between collections.
	collect()
	if got := gcPercent(); got <= 100 || got > runGCPercentMax {
		t.Errorf("with a small live heap: GOGC %d, want above 100, at most %d", got, runGCPercentMax)
	}
	// A load keeps its target while it lasts.
	restore := relaxGC()
	collect()
	if got := gcPercent(); got != loadGCPercent {
		t.Errorf("during a load: GOGC %d, want %d", got, loadGCPercent)
	}
	restore()
	stop()
	if got := gcPercent(); got != 100 {
		t.Errorf("after the run: GOGC %d, want 100", got)
	}
	runtime.GC()
	runtime.GC()
	select {
	case <-ticks:
		t.Error("the target is still adjusted after the run")
	case <-time.After(200 * time.Millisecond):
	}

	// GOGC in the environment: left alone.
	t.Setenv("GOGC", "100")
	debug.SetGCPercent(100)
	stop = tuneGC()
	runtime.GC()
	if got := gcPercent(); got != 100 {
		t.Errorf("with GOGC set: GOGC %d, want 100", got)
	}
	stop()
}
