package view

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/sigrun-dev/sigrun/runner"
)

// Progress shows a run's progress on a terminal: one status line on its
// stream (stderr), "12/40 done · 3 running: a, b, c · 1 failed · 4.2s",
// redrawn in place with a carriage return. It wraps the view that prints
// the per-request lines and clears the status line before every event it
// passes on, so those lines are never garbled even when both streams are
// the same terminal; it redraws it afterwards. Use it only when its stream
// is a terminal: nothing of it belongs in a log.
type Progress struct {
	inner runner.Observer
	w     io.Writer
	width int
	now   func() time.Time

	mu      sync.Mutex
	total   int
	done    int
	failed  int
	skipped int
	running []string
	start   time.Time
	shown   bool // a status line is on screen
	stopped bool
	tick    chan struct{}
	frame   int
}

// clearLine returns to the start of the line and erases it.
const clearLine = "\r\x1b[K"

// NewProgress wraps inner, drawing on w. total is the number of requests
// expected (request blocks: instances of for_each or count add to it as
// they start); width is the terminal's width in columns (0: 80).
func NewProgress(inner runner.Observer, w io.Writer, total, width int) *Progress {
	if width <= 0 {
		width = 80
	}
	return &Progress{inner: inner, w: w, total: total, width: width, now: time.Now}
}

// Start begins the run's clock and redraws the line every interval (when
// interval > 0), so that the elapsed time moves while requests are slow.
// The redrawing stops at RunFinished or Stop.
func (p *Progress) Start(interval time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.start = p.now()
	p.draw()
	if interval <= 0 || p.tick != nil {
		return
	}
	p.tick = make(chan struct{})
	go func(stop chan struct{}) {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				p.mu.Lock()
				if !p.stopped {
					p.frame++
					p.draw()
				}
				p.mu.Unlock()
			}
		}
	}(p.tick)
}

// Stop clears the line and stops redrawing; RunFinished calls it.
func (p *Progress) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopLocked()
}

func (p *Progress) stopLocked() {
	p.clear()
	p.stopped = true
	if p.tick != nil {
		close(p.tick)
		p.tick = nil
	}
}

// RequestStarted implements runner.Observer.
func (p *Progress) RequestStarted(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	p.inner.RequestStarted(name)
	p.running = append(p.running, name)
	p.draw()
}

// RequestFinished implements runner.Observer.
func (p *Progress) RequestFinished(r *runner.RequestResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	p.inner.RequestFinished(r)
	for i, n := range p.running {
		if n == r.Name {
			p.running = append(p.running[:i], p.running[i+1:]...)
			break
		}
	}
	p.done++
	switch r.Outcome {
	case runner.Failed:
		p.failed++
	case runner.Skipped, runner.NotRun:
		p.skipped++
	}
	p.draw()
}

// RunFinished implements runner.Observer: the line is cleared for good
// before the view prints the summary.
func (p *Progress) RunFinished(s *runner.Summary) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stopLocked()
	p.inner.RunFinished(s)
}

func (p *Progress) clear() {
	if p.shown {
		io.WriteString(p.w, clearLine)
		p.shown = false
	}
}

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// Line is the status line as it is drawn, without control characters.
func (p *Progress) Line() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.line()
}

func (p *Progress) line() string {
	total := max(p.total, p.done+len(p.running))
	parts := []string{fmt.Sprintf("%s %d/%d done", spinner[p.frame%len(spinner)], p.done, total)}
	if len(p.running) > 0 {
		parts = append(parts, fmt.Sprintf("%d running: %s", len(p.running), strings.Join(p.running, ", ")))
	}
	if p.failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", p.failed))
	}
	if p.skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", p.skipped))
	}
	if !p.start.IsZero() {
		parts = append(parts, fmt.Sprintf("%.1fs", p.now().Sub(p.start).Seconds()))
	}
	// The running names go last but one: when the line is too long, they
	// are what is cut, and the counts stay.
	if len(parts) > 1 && len(p.running) > 0 {
		head, names, rest := parts[0], parts[1], parts[2:]
		fixed := head + " · " + strings.Join(rest, " · ")
		room := p.width - 1 - utf8.RuneCountInString(fixed) - len(" · ")
		if utf8.RuneCountInString(names) > room {
			names = truncate(names, room)
		}
		out := []string{head}
		if names != "" {
			out = append(out, names)
		}
		return truncate(strings.Join(append(out, rest...), " · "), p.width-1)
	}
	return truncate(strings.Join(parts, " · "), p.width-1)
}

// truncate cuts s to at most n runes, ending with "…" when cut.
func truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func (p *Progress) draw() {
	if p.stopped {
		return
	}
	// The line is shorter than the terminal, so it never wraps and a
	// carriage return always gets back to its start.
	io.WriteString(p.w, "\r"+p.line()+"\x1b[K")
	p.shown = true
}
