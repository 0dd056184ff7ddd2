//go:build unix

package runner_test

import (
	"syscall"
	"testing"
	"time"
)

// reportCPU reports the CPU time of the process (every thread, the
// garbage collector's included) per iteration of the loop it wraps, as
// cpu-ms/op: on a machine shared with other work, wall time depends on
// what else runs, CPU time much less. Call the returned function when the
// loop is done.
func reportCPU(b *testing.B) func() {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	return func() {
		b.ReportMetric(float64(cpu()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	}
}
