package runner

import (
	"context"
	"sync"
	"time"
)

// attempts hands each request attempt of a run a context that ends when
// the attempt's timeout runs out or when the run's context ends.
//
// It keeps the contexts and their timers for reuse, one per attempt in
// flight at most. A fresh context.WithTimeout for every attempt costs a
// context, a timer and a registration in the run's context (a map shared,
// under one lock, by every worker), and then net/http derives its own
// context from it, which needs a map of children and a Done channel of
// its own: ~4% of the CPU time of 2,000 requests. A reused context has its
// Done channel and its map already, and its timer is re-armed in place.
//
// A timed-out attempt ends like one under context.WithTimeout: its context
// is cancelled with the cause context.DeadlineExceeded, which net/http
// returns as the error (it reports context.Cause). A context that has
// ended (timed out, or the run was interrupted) is not reused.
type attempts struct {
	base   context.Context
	cancel context.CancelFunc

	mu   sync.Mutex
	free []*attemptContext
}

// attemptContext is one reusable context and the timer that ends it.
type attemptContext struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
	// fired receives once the timer's function has cancelled ctx.
	fired chan struct{}
}

// newAttempts prepares the attempt contexts of a run whose context is ctx;
// close releases them when the run is over.
func newAttempts(ctx context.Context) *attempts {
	base, cancel := context.WithCancel(ctx)
	return &attempts{base: base, cancel: cancel}
}

func (a *attempts) close() { a.cancel() }

// start returns a context that ends after timeout (or with the run), for
// one attempt; the attempt gives it back with end.
func (a *attempts) start(timeout time.Duration) *attemptContext {
	a.mu.Lock()
	var c *attemptContext
	if n := len(a.free); n > 0 {
		c = a.free[n-1]
		a.free[n-1] = nil
		a.free = a.free[:n-1]
	}
	a.mu.Unlock()
	if c == nil {
		c = &attemptContext{fired: make(chan struct{}, 1)}
		c.ctx, c.cancel = context.WithCancelCause(a.base)
		c.timer = time.AfterFunc(timeout, func() {
			c.cancel(context.DeadlineExceeded)
			c.fired <- struct{}{}
		})
		return c
	}
	c.timer.Reset(timeout)
	return c
}

// end stops c's timer once its attempt is over (the response read, or
// the attempt failed) and keeps c for another attempt if its context has
// not ended. Each start arms the timer and each end stops it, once: so a
// Stop that finds the timer no longer armed means that it fired.
func (a *attempts) end(c *attemptContext) {
	if !c.timer.Stop() {
		// The timer fired: its function has started, and may not have
		// cancelled the context yet. Wait until it has, so that it
		// cannot cancel the context of a later attempt.
		<-c.fired
	}
	if c.ctx.Err() != nil {
		return // ended: cancelling it already took it out of the run's context
	}
	a.mu.Lock()
	a.free = append(a.free, c)
	a.mu.Unlock()
}
