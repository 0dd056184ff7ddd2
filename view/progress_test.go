package view_test

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/sigrun-dev/sigrun/runner"
	"github.com/sigrun-dev/sigrun/view"
)

// terminal is a small terminal emulator: it applies what is written to it
// (text, \r, \n, ESC[K) to a screen of lines, as a terminal would. Writes
// to stdout and stderr share it, as when both are the same terminal.
type terminal struct {
	mu    sync.Mutex
	lines [][]rune
	row   int
	col   int
	raw   bytes.Buffer
}

func (t *terminal) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.raw.Write(p)
	if t.lines == nil {
		t.lines = [][]rune{nil}
	}
	s := []rune(string(p))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\r':
			t.col = 0
		case c == '\n':
			t.row++
			t.col = 0
			if t.row == len(t.lines) {
				t.lines = append(t.lines, nil)
			}
		case c == 0x1b && i+2 < len(s) && s[i+1] == '[' && s[i+2] == 'K':
			if t.col < len(t.lines[t.row]) {
				t.lines[t.row] = t.lines[t.row][:t.col]
			}
			i += 2
		case c == 0x1b:
			panic(fmt.Sprintf("unexpected escape %q", string(s[i:min(len(s), i+6)])))
		default:
			line := t.lines[t.row]
			for len(line) < t.col {
				line = append(line, ' ')
			}
			if t.col < len(line) {
				line[t.col] = c
			} else {
				line = append(line, c)
			}
			t.lines[t.row] = line
			t.col++
		}
	}
	return len(p), nil
}

// screen is what the terminal shows, trailing spaces trimmed.
func (t *terminal) screen() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for _, l := range t.lines {
		out = append(out, strings.TrimRight(string(l), " "))
	}
	return strings.Join(out, "\n")
}

// events are a run's, as the runner sends them: starts, results (a failed
// request with a diagnostic, a skipped one that never started), the end.
func replay(obs runner.Observer) {
	rng := hcl.Range{Filename: "main.hcl", Start: hcl.Pos{Line: 1, Column: 1}, End: hcl.Pos{Line: 1, Column: 5}}
	obs.RequestStarted("create_item_with_a_long_name")
	obs.RequestStarted("b")
	obs.RequestStarted("c")
	obs.RequestFinished(&runner.RequestResult{Name: "b", Method: "GET", Path: "/b", StatusCode: 200, Duration: 3 * time.Millisecond, Outcome: runner.Passed})
	obs.RequestFinished(&runner.RequestResult{Name: "c", Method: "GET", Path: "/c", StatusCode: 500, Duration: 4 * time.Millisecond, Outcome: runner.Failed,
		Diags: hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unexpected status code", Detail: "Got 500.", Subject: &rng}}})
	obs.RequestFinished(&runner.RequestResult{Name: "d", Outcome: runner.Skipped, SkipReason: "skipped: request.c failed"})
	obs.RequestFinished(&runner.RequestResult{Name: "create_item_with_a_long_name", Method: "POST", Path: "/items", StatusCode: 201, Duration: 900 * time.Millisecond, Outcome: runner.Passed})
	obs.RunFinished(&runner.Summary{Passed: 2, Failed: 1, Skipped: 1})
}

func plainRun(w *terminal) *view.Run {
	return view.NewRun(w, view.NewStyles(w, false), nil, nil, []string{"create_item_with_a_long_name", "b", "c", "d"})
}

// The progress line and the per-request lines on one terminal: the screen
// ends exactly as without the progress line, and while the run goes the
// status line is the last line, redrawn in place.
func TestProgressNeverGarbles(t *testing.T) {
	want := &terminal{}
	replay(plainRun(want))

	term := &terminal{}
	p := view.NewProgress(plainRun(term), term, 4, 60)
	p.Start(0)
	var lines []string
	wrapped := &spy{Observer: p, after: func() { lines = append(lines, term.screen()) }}
	replay(wrapped)

	if got := term.screen(); got != want.screen() {
		t.Errorf("screen with progress:\n%s\n\nwithout:\n%s", got, want.screen())
	}
	// During the run, the last screen line is the status line.
	mid := lines[4] // after c failed
	last := mid[strings.LastIndex(mid, "\n")+1:]
	if !strings.Contains(last, "2/4 done") || !strings.Contains(last, "1 running: create_item") || !strings.Contains(last, "1 failed") {
		t.Errorf("status line %q", last)
	}
	if !strings.Contains(mid, "FAIL  c") || !strings.Contains(mid, "Error: Unexpected status code") {
		t.Errorf("the view's lines are not above the status line:\n%s", mid)
	}
	if !strings.Contains(term.raw.String(), "\r\x1b[K") {
		t.Error("the status line is never cleared")
	}
}

type spy struct {
	runner.Observer
	after func()
}

func (s *spy) RequestStarted(n string) { s.Observer.RequestStarted(n); s.after() }
func (s *spy) RequestFinished(r *runner.RequestResult) {
	s.Observer.RequestFinished(r)
	s.after()
}

// The status line fits the terminal: the running names are cut first.
func TestProgressLineFits(t *testing.T) {
	p := view.NewProgress(plainRun(&terminal{}), &terminal{}, 120, 40)
	for i := range 30 {
		p.RequestStarted(fmt.Sprintf("request_number_%d", i))
	}
	line := p.Line()
	if n := len([]rune(line)); n > 39 {
		t.Errorf("%d columns: %q", n, line)
	}
	if !strings.Contains(line, "0/120 done") || !strings.Contains(line, "30 running") {
		t.Errorf("the counts were cut: %q", line)
	}
	// Instances beyond the expected total raise it.
	q := view.NewProgress(plainRun(&terminal{}), &terminal{}, 1, 80)
	q.RequestStarted(`fan["a"]`)
	q.RequestStarted(`fan["b"]`)
	if !strings.Contains(q.Line(), "0/2 done") {
		t.Errorf("%q", q.Line())
	}
}

// The clock redraws the line while requests are slow, and stops at the
// end of the run; the race detector watches it.
func TestProgressTicks(t *testing.T) {
	term := &terminal{}
	p := view.NewProgress(plainRun(term), term, 2, 80)
	p.Start(2 * time.Millisecond)
	p.RequestStarted("slow")
	time.Sleep(30 * time.Millisecond)
	p.RequestFinished(&runner.RequestResult{Name: "slow", Method: "GET", Path: "/", StatusCode: 200, Outcome: runner.Passed})
	p.RunFinished(&runner.Summary{Passed: 1})
	n := strings.Count(term.raw.String(), "\r")
	time.Sleep(20 * time.Millisecond)
	if strings.Count(term.raw.String(), "\r") != n {
		t.Error("the line is redrawn after the run finished")
	}
	if n < 5 {
		t.Errorf("only %d redraws in 30ms at 2ms", n)
	}
	if !strings.HasSuffix(term.screen(), "1 passed, 0 failed, 0 skipped\n") && !strings.HasSuffix(term.screen(), "1 passed, 0 failed, 0 skipped") {
		t.Errorf("screen:\n%s", term.screen())
	}
	p.Stop() // twice is fine
}
