package report

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium finds a headless Chromium: $SIGRUN_CHROMIUM, /usr/bin/chromium
// (Debian's package, which scripts/chromium-setup.sh installs), or one on
// PATH. Without one the browser tests skip, saying so, unless
// SIGRUN_E2E_REQUIRED=1.
func chromium(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv("SIGRUN_CHROMIUM"), "/usr/bin/chromium"}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			candidates = append(candidates, p)
		}
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if info, err := os.Stat(c); err == nil && !info.IsDir() && info.Mode()&0o111 != 0 {
			return c
		}
	}
	msg := "no Chromium: run scripts/chromium-setup.sh (Debian's chromium package) or set SIGRUN_CHROMIUM"
	if os.Getenv("SIGRUN_E2E_REQUIRED") == "1" {
		t.Fatal(msg + " (SIGRUN_E2E_REQUIRED=1)")
	}
	t.Skip(msg)
	return ""
}

// headless runs the browser on a file with the given extra flags and
// returns what it printed on stdout.
func headless(t *testing.T, browser, page string, flags ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
		"--user-data-dir=" + t.TempDir(),
	}, flags...)
	args = append(args, "file://"+page)
	cmd := exec.CommandContext(ctx, browser, args...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", browser, err, stderr.String())
	}
	return stdout.String()
}

// The HTML report in a real browser: its script draws the timeline with
// one bar per request and a line per dependency it can show; --dump-dom
// shows the document after the script ran.
func TestHTMLInBrowser(t *testing.T) {
	browser := chromium(t)
	for name, rep := range map[string]*Report{
		"fixture": build(t),
		"200":     func() *Report { b, _ := synthetic(200, 30, 3); return reportOf(b, nil) }(),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			page := filepath.Join(dir, "report.html")
			if err := Write(rep, Target{Format: "html", Path: page}); err != nil {
				t.Fatal(err)
			}
			dom := headless(t, browser, page, "--dump-dom", "--virtual-time-budget=5000")
			timeline := regexp.MustCompile(`(?s)<div id="timeline"[^>]*>.*?</svg>`).FindString(dom)
			if timeline == "" {
				t.Fatalf("the script drew no timeline:\n%.2000s", dom)
			}
			if !strings.Contains(timeline, fmt.Sprintf(`data-bars="%d"`, len(rep.Requests))) {
				t.Errorf("the timeline does not say %d bars: %.300s", len(rep.Requests), timeline)
			}
			bars := regexp.MustCompile(`<g class="bar (passed|failed|skipped|not_run)" data-index="(\d+)"`).FindAllStringSubmatch(timeline, -1)
			if len(bars) != len(rep.Requests) {
				t.Errorf("%d bars for %d requests", len(bars), len(rep.Requests))
			}
			seen := map[string]bool{}
			for _, b := range bars {
				if seen[b[2]] {
					t.Errorf("request %s has two bars", b[2])
				}
				seen[b[2]] = true
			}
			// One line per dependency on a block of the report.
			blocks := map[string]bool{}
			for _, r := range rep.Requests {
				blocks[r.Block] = true
			}
			wantLines := 0
			for _, r := range rep.Requests {
				for _, d := range r.DependsOn {
					if blocks[d] {
						wantLines++
					}
				}
			}
			if n := strings.Count(timeline, `<path class="dep"`); n != wantLines {
				t.Errorf("%d dependency lines, want %d", n, wantLines)
			}
			// Bars that ran have a width from their duration; the others
			// are dashed placeholders.
			if strings.Contains(timeline, `width="NaN"`) || strings.Contains(timeline, `x="NaN"`) {
				t.Error("NaN in the drawing")
			}
		})
	}
}

// A screenshot of the page, for a person to look at: kept when
// SIGRUN_KEEP_SCREENSHOT names a file.
func TestHTMLScreenshot(t *testing.T) {
	browser := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := Write(build(t), Target{Format: "html", Path: page}); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "shot.png")
	if keep := os.Getenv("SIGRUN_KEEP_SCREENSHOT"); keep != "" {
		shot = keep
	}
	headless(t, browser, page, "--screenshot="+shot, "--window-size=1280,1400", "--hide-scrollbars")
	info, err := os.Stat(shot)
	if err != nil || info.Size() < 10_000 {
		t.Fatalf("no screenshot (%v)", err)
	}
}
