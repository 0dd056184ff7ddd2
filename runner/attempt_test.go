package runner

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestAttemptContextReused(t *testing.T) {
	a := newAttempts(context.Background())
	defer a.close()
	c1 := a.start(time.Hour)
	a.end(c1)
	c2 := a.start(time.Hour)
	if c2 != c1 {
		t.Fatal("an attempt context that did not end was not reused")
	}
	if c2.ctx.Err() != nil {
		t.Fatalf("the reused context has ended: %v", c2.ctx.Err())
	}
	a.end(c2)
}

// A reused context's timer is re-armed: its second attempt times out like
// a fresh one, with the cause context.WithTimeout gives, and is not reused.
func TestAttemptContextTimesOutWhenReused(t *testing.T) {
	a := newAttempts(context.Background())
	defer a.close()
	c := a.start(time.Hour)
	a.end(c)
	c = a.start(20 * time.Millisecond)
	select {
	case <-c.ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the re-armed timer never ended the context")
	}
	if cause := context.Cause(c.ctx); !errors.Is(cause, context.DeadlineExceeded) {
		t.Fatalf("cause %v, want context.DeadlineExceeded", cause)
	}
	a.end(c)
	next := a.start(time.Hour)
	defer a.end(next)
	if next == c || next.ctx.Err() != nil {
		t.Fatal("a timed-out context was handed out again")
	}
}

// Timers that run out at about the moment their attempt ends must never
// cancel a later attempt's context: end waits for a timer that fired.
func TestAttemptContextLateTimerCancelsNothingLater(t *testing.T) {
	a := newAttempts(context.Background())
	defer a.close()
	for i := range 2000 {
		c := a.start(time.Duration(i%50) * time.Microsecond)
		if i%3 == 0 {
			time.Sleep(time.Duration(i%40) * time.Microsecond)
		}
		a.end(c)
		next := a.start(time.Hour)
		if err := next.ctx.Err(); err != nil {
			t.Fatalf("iteration %d: a fresh attempt's context has ended: %v", i, err)
		}
		a.end(next)
	}
	time.Sleep(20 * time.Millisecond)
	for i, c := range a.free {
		if c.ctx.Err() != nil {
			t.Fatalf("free context %d was cancelled after it was given back", i)
		}
	}
}

// The run's end (an interrupt) ends the contexts in flight, and they are
// not reused.
func TestAttemptContextEndsWithTheRun(t *testing.T) {
	run, interrupt := context.WithCancel(context.Background())
	a := newAttempts(run)
	defer a.close()
	c := a.start(time.Hour)
	interrupt()
	select {
	case <-c.ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the attempt's context outlived the run's")
	}
	if !errors.Is(c.ctx.Err(), context.Canceled) || errors.Is(context.Cause(c.ctx), context.DeadlineExceeded) {
		t.Fatalf("err %v, cause %v: want a cancellation, not a timeout", c.ctx.Err(), context.Cause(c.ctx))
	}
	a.end(c)
	if len(a.free) != 0 {
		t.Fatal("a context that ended with the run was kept for reuse")
	}
}

// Many workers at once, some attempts timing out (run with -race): no
// worker is handed a context that has ended, contexts are reused, and a
// timed-out one never is.
func TestAttemptContextConcurrent(t *testing.T) {
	a := newAttempts(context.Background())
	defer a.close()
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[*attemptContext]bool{} // true: it timed out
	for w := range 8 {
		wg.Go(func() {
			for i := range 300 {
				d := time.Hour
				if (i+w)%7 == 0 {
					d = 50 * time.Microsecond
				}
				c := a.start(d)
				mu.Lock()
				if seen[c] {
					t.Errorf("worker %d was handed a context that had timed out", w)
				}
				seen[c] = false
				mu.Unlock()
				if d == time.Hour && c.ctx.Err() != nil {
					t.Errorf("worker %d was handed an ended context", w)
				}
				if d != time.Hour {
					select {
					case <-c.ctx.Done():
					case <-time.After(5 * time.Second):
						t.Errorf("worker %d: the timeout never ended the context", w)
					}
					mu.Lock()
					seen[c] = true
					mu.Unlock()
				}
				a.end(c)
			}
		})
	}
	wg.Wait()
	timedOut := 0
	for _, to := range seen {
		if to {
			timedOut++
		}
	}
	// Each timeout uses up a context; the attempts that ended in time
	// (six in seven) share the rest, at most one per worker at a time.
	if timedOut == 0 || len(seen) > timedOut+8 {
		t.Fatalf("%d contexts made, %d of them timed out: want at most 8 more contexts than timeouts", len(seen), timedOut)
	}
	if len(a.free) > 8 {
		t.Fatalf("%d contexts kept for 8 workers", len(a.free))
	}
}
