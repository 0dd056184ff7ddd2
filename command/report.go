package command

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/report"
	"github.com/sigrun-dev/sigrun/runner"
	"github.com/sigrun-dev/sigrun/view"
)

// reportFlags are run's flags for what a run shows and writes besides its
// per-request lines: --report FORMAT=FILE (repeatable), --verbose and
// --shard K/N; and, from the environment, GitHub Actions annotations and
// step summary.
type reportFlags struct {
	specs   []string
	verbose bool
	shard   string

	targets []report.Target
	shardOf *report.Shard
	dir     string
	started time.Time
	github  bool
}

func (f *reportFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.specs, "report", nil, "write a report when the run ends, even when it fails: junit=FILE, json=FILE or html=FILE (repeatable)")
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "show each request as sent and each response as received (secrets redacted, long bodies shortened)")
	fs.StringVar(&f.shard, "shard", "", "run only shard K of N (K/N, K from 1): parts of the graph are never split, so N CI jobs run the collection once")
}

// parse checks the flags before the collection is loaded; a mistake is a
// command-line error (exit 2) and nothing is sent.
func (f *reportFlags) parse(dir string) error {
	targets, err := report.ParseTargets(f.specs)
	if err != nil {
		return exitf(ExitInvalid, "%s", err)
	}
	f.targets, f.dir = targets, dir
	if f.shard != "" {
		s, err := report.ParseShard(f.shard)
		if err != nil {
			return exitf(ExitInvalid, "%s", err)
		}
		f.shardOf = &s
	}
	return nil
}

// capture reports whether the run must keep each request's exchange:
// --verbose shows it, reports hold it.
func (f *reportFlags) capture() bool {
	return f != nil && (f.verbose || len(f.targets) > 0)
}

// start wraps the run's view v in the observers the flags and the
// environment ask for. f may be nil (demo): only the progress line is
// added then.
func (f *reportFlags) start(p *Process, r *runner.Runner, v runner.Observer) runner.Observer {
	obs := v
	if f != nil {
		if f.verbose {
			obs = view.NewVerbose(obs, p.Stdout, p.stdoutStyles(), r.Redact)
		}
		if githubActions(p) {
			f.github = true
			obs = report.NewAnnotator(obs, p.Stdout, r.Collection().Files, r.Redact)
		}
		f.started = time.Now()
	}
	if progressOn(p) {
		pr := view.NewProgress(obs, p.Stderr, countRequests(r.Collection()), terminalWidth(p))
		pr.Start(200 * time.Millisecond)
		obs = pr
	}
	return obs
}

// finish writes the reports and the GitHub step summary, whatever the
// run's outcome. A report that cannot be written is said on stderr and
// makes the command fail (exit 1) even when the run passed.
func (f *reportFlags) finish(p *Process, r *runner.Runner, sum *runner.Summary) error {
	if f == nil {
		return nil
	}
	summaryFile, _ := p.LookupEnv("GITHUB_STEP_SUMMARY")
	wantSummary := githubActions(p) && summaryFile != ""
	if len(f.targets) == 0 && !wantSummary {
		return nil
	}
	rep := report.Build(sum, report.Meta{
		Collection: f.dir, Started: f.started, Files: r.Collection().Files, Redact: r.Redact, Shard: f.shardOf,
		Blocks: planBlocks(r),
	})
	return writeReports(p, rep, f.targets, wantSummary, summaryFile)
}

// writeReports writes rep to every target and, when asked, appends the
// Markdown summary to the GitHub step summary file.
func writeReports(p *Process, rep *report.Report, targets []report.Target, wantSummary bool, summaryFile string) error {
	failed := false
	for _, t := range targets {
		if err := report.Write(rep, t); err != nil {
			fmt.Fprintf(p.Stderr, "sigrun: --report %s: cannot write the report: %s\n", t, pathErr(err))
			failed = true
		}
	}
	if wantSummary {
		if err := appendStepSummary(summaryFile, rep); err != nil {
			fmt.Fprintf(p.Stderr, "sigrun: GITHUB_STEP_SUMMARY %s: cannot write the step summary: %s\n", summaryFile, pathErr(err))
			failed = true
		}
	}
	if failed {
		return silentExit(ExitFailed)
	}
	return nil
}

func appendStepSummary(name string, rep *report.Report) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	werr := report.WriteMarkdown(f, rep)
	return errors.Join(werr, f.Close())
}

// githubActions reports whether the command runs in a GitHub Actions job.
func githubActions(p *Process) bool {
	v, _ := p.LookupEnv("GITHUB_ACTIONS")
	return v == "true"
}

// progressOn: the progress line is drawn on stderr, only when stderr is a
// terminal that can redraw a line (not TERM=dumb), never in CI logs.
func progressOn(p *Process) bool {
	if !p.StderrIsTerminal {
		return false
	}
	if term, _ := p.LookupEnv("TERM"); term == "dumb" {
		return false
	}
	if v, _ := p.LookupEnv("CI"); v == "true" || v == "1" {
		return false
	}
	return true
}

// terminalWidth is $COLUMNS, or 80.
func terminalWidth(p *Process) int {
	if v, ok := p.LookupEnv("COLUMNS"); ok {
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 10 {
			return n
		}
	}
	return 80
}

// countRequests counts the request blocks of a collection and its
// modules: the progress line's total before instances are known.
func countRequests(c *dsl.Collection) int {
	if c == nil {
		return 0
	}
	n := len(c.Requests)
	for _, m := range c.Modules {
		n += countRequests(m.Child)
	}
	return n
}

// planBlocks lists the run's request blocks with what they wait for, as
// the runner planned them.
func planBlocks(r *runner.Runner) []report.Block {
	var out []report.Block
	for _, pr := range r.Plan() {
		out = append(out, report.Block{Name: pr.Name, DependsOn: pr.WaitsOn, Weight: len(pr.Instances), Tags: pr.Tags})
	}
	return out
}
