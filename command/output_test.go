package command

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// LockedBuffer is a bytes.Buffer that is safe to read while others write
// to it. It is for tests only: this file is compiled only into the test
// binary, and the package's external tests use it too.
type LockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *LockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestOutputBufferKeepsOrder: stdout and stderr written to one place (a
// LockedBuffer for both, as with 2>&1) come
// out in the order they were written, and Close writes out the rest.
func TestOutputBufferKeepsOrder(t *testing.T) {
	var dst LockedBuffer
	b := newOutputBuffer(&dst, &dst)
	var want strings.Builder
	for i := range 50 {
		line := fmt.Sprintf("line %d\n", i)
		w := b.Stdout()
		if i%7 == 3 {
			w = b.Stderr()
		}
		w.Write([]byte(line))
		want.WriteString(line)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if got := dst.String(); got != want.String() {
		t.Fatalf("got\n%s\nwant\n%s", got, want.String())
	}
}

// TestOutputBufferFlushesOnItsOwn: a line reaches stdout within a flush
// period even while the run goes on, so a log shows progress.
func TestOutputBufferFlushesOnItsOwn(t *testing.T) {
	var dst LockedBuffer
	b := newOutputBuffer(&dst, &dst)
	defer b.Close()
	b.Stdout().Write([]byte("PASS  r  GET  /  200  1ms\n"))
	deadline := time.Now().Add(10 * flushEvery)
	for dst.String() == "" {
		if time.Now().After(deadline) {
			t.Fatalf("nothing written after %s", 10*flushEvery)
		}
		time.Sleep(flushEvery / 10)
	}
}

// TestOutputBufferConcurrent: writers on many goroutines (run -race) lose
// and tear no line.
func TestOutputBufferConcurrent(t *testing.T) {
	var dst LockedBuffer
	b := newOutputBuffer(&dst, &dst)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				b.Stdout().Write([]byte(fmt.Sprintf("g%d line %d\n", g, i)))
			}
		})
	}
	wg.Wait()
	b.Close()
	lines := strings.Split(strings.TrimSuffix(dst.String(), "\n"), "\n")
	if len(lines) != 8*200 {
		t.Fatalf("%d lines, want %d", len(lines), 8*200)
	}
	seen := map[string]bool{}
	for _, l := range lines {
		seen[l] = true
	}
	for g := range 8 {
		for i := range 200 {
			if !seen[fmt.Sprintf("g%d line %d", g, i)] {
				t.Fatalf("line g%d %d lost or torn", g, i)
			}
		}
	}
}
