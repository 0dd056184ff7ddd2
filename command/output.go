package command

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// outputBuffer gathers what a run writes to a stdout that is not a
// terminal (a file, a pipe, a CI log), which otherwise took a write call
// per request line: 2,000 of them for 2,000 requests, ~5 ms when stdout is
// a file. It writes through at least every flushEvery, so a log still
// shows a run's progress, and everything at close. Writes to stderr go
// through Stderr, which first writes out what stdout holds, so that the
// two streams keep their order when they go to one place (2>&1).
type outputBuffer struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	err  io.Writer
	stop chan struct{}
	done chan struct{}
}

// flushEvery is the longest a line waits in an outputBuffer.
const flushEvery = 100 * time.Millisecond

func newOutputBuffer(stdout, stderr io.Writer) *outputBuffer {
	b := &outputBuffer{buf: bufio.NewWriterSize(stdout, 32<<10), err: stderr,
		stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		t := time.NewTicker(flushEvery)
		defer t.Stop()
		for {
			select {
			case <-b.stop:
				return
			case <-t.C:
				b.mu.Lock()
				b.buf.Flush()
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// Stdout is the buffered stdout.
func (b *outputBuffer) Stdout() io.Writer { return stdoutWriter{b} }

// Stderr writes through to stderr, after what stdout holds.
func (b *outputBuffer) Stderr() io.Writer { return stderrWriter{b} }

// Close writes out everything and stops the flushing.
func (b *outputBuffer) Close() error {
	close(b.stop)
	<-b.done
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Flush()
}

type stdoutWriter struct{ b *outputBuffer }

func (w stdoutWriter) Write(p []byte) (int, error) {
	w.b.mu.Lock()
	defer w.b.mu.Unlock()
	return w.b.buf.Write(p)
}

type stderrWriter struct{ b *outputBuffer }

func (w stderrWriter) Write(p []byte) (int, error) {
	w.b.mu.Lock()
	defer w.b.mu.Unlock()
	w.b.buf.Flush()
	return w.b.err.Write(p)
}
