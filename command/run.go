package command

import (
	"encoding/json"
	"os"

	"github.com/spf13/cobra"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/sigrun-dev/sigrun/runner"
	"github.com/sigrun-dev/sigrun/view"
)

func newRunCommand(p *Process) *cobra.Command {
	var flags collectionFlags
	var parallel int
	var failFast bool
	var outputsFile string
	var rep reportFlags
	cmd := &cobra.Command{
		Use:   "run [DIR]",
		Short: "Run a collection: sign, send and check every request",
		Long: "Run evaluates the collection in DIR (default: the current folder), checks it completely,\n" +
			"then sends its requests in dependency order with at most --parallel in flight.\n\n" +
			"Exit codes: 0 everything passed, 1 a check or request failed, 2 the collection or the\n" +
			"command line is invalid, 130 interrupted.",
		Example: "  sigrun run samples/quickstart --var base_url=http://127.0.0.1:8080/demo\n" +
			"  sigrun run ./smoke --env prod --parallel 1",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if parallel < 1 {
				return exitf(ExitInvalid, "--parallel must be at least 1, not %d", parallel)
			}
			if err := rep.parse(dirArg(args)); err != nil {
				return err
			}
			defer tuneGC()()
			p := p
			if !p.StdoutIsTerminal {
				out := newOutputBuffer(p.Stdout, p.Stderr)
				defer out.Close()
				buffered := *p
				buffered.Stdout, buffered.Stderr = out.Stdout(), out.Stderr()
				p = &buffered
			}
			r, err := rep.prepare(p, dirArg(args), &flags, runner.Options{Parallel: parallel, FailFast: failFast, Capture: rep.capture()})
			if err != nil {
				return err
			}
			sum, err := runAndReportWith(cmd, p, r, &rep)
			if outputsFile != "" {
				if werr := writeOutputs(outputsFile, sum); werr != nil {
					return exitf(ExitFailed, "--outputs %s: %s", outputsFile, werr)
				}
			}
			return err
		},
	}
	flags.register(cmd.Flags())
	rep.register(cmd.Flags())
	cmd.Flags().StringVar(&outputsFile, "outputs", "", "write the outputs to FILE as a JSON object, for scripts")
	cmd.Flags().IntVar(&parallel, "parallel", runner.DefaultParallel, "most requests in flight at once")
	cmd.Flags().BoolVar(&failFast, "fail-fast", false, "stop starting requests after the first failure")
	return cmd
}

// runAndReport runs r with the terminal view and maps the outcome to an
// exit code; the summary is returned for what is written after the run.
func runAndReport(cmd *cobra.Command, p *Process, r *runner.Runner) (*runner.Summary, error) {
	return runAndReportWith(cmd, p, r, nil)
}

// runAndReportWith is runAndReport with run's report flags (nil: none):
// --verbose, the progress line, GitHub annotations, and the reports,
// written whatever the outcome.
func runAndReportWith(cmd *cobra.Command, p *Process, r *runner.Runner, rep *reportFlags) (*runner.Summary, error) {
	ctx := cmd.Context()
	v := view.NewRun(p.Stdout, p.stdoutStyles(), r.Collection().Files, r.Redact, requestNames(r))
	r.SetObserver(rep.start(p, r, v))
	sum := r.Run(ctx)
	reportErr := rep.finish(p, r, sum)
	switch {
	case sum.Interrupted:
		return sum, silentExit(ExitInterrupted)
	case !sum.OK():
		return sum, silentExit(ExitFailed)
	}
	return sum, reportErr
}

// writeOutputs writes the run's outputs as one JSON object. Sensitive
// outputs are written as "(sensitive value)"; an output that was not
// computed is null.
func writeOutputs(path string, sum *runner.Summary) error {
	obj := map[string]json.RawMessage{}
	for _, o := range sum.Outputs {
		var raw []byte
		v, marks := o.Value.UnmarkDeep()
		switch {
		case o.Sensitive || len(marks) > 0:
			raw, _ = json.Marshal(runner.Redacted)
		case o.Err != "" || v == cty.NilVal || !v.IsWhollyKnown():
			raw = []byte("null")
		default:
			b, err := ctyjson.Marshal(v, v.Type())
			if err != nil {
				return err
			}
			raw = b
		}
		obj[o.Name] = raw
	}
	b, err := json.MarshalIndent(obj, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
