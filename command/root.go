package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigrun-dev/sigrun/view"
)

// Process is what a command needs from the process; main fills it in.
type Process struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Environ is the environment as KEY=value strings.
	Environ []string
	// StdoutIsTerminal and StderrIsTerminal decide colour.
	StdoutIsTerminal bool
	StderrIsTerminal bool
}

// LookupEnv looks a variable up in p.Environ.
func (p *Process) LookupEnv(name string) (string, bool) {
	prefix := name + "="
	for i := len(p.Environ) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(p.Environ[i], prefix); ok {
			return v, true
		}
	}
	return "", false
}

func (p *Process) colorOn(terminal bool) bool {
	if _, ok := p.LookupEnv("NO_COLOR"); ok {
		return false
	}
	return terminal
}

// stdoutStyles and stderrStyles are the styles for each stream.
func (p *Process) stdoutStyles() *view.Styles {
	return view.NewStyles(p.Stdout, p.colorOn(p.StdoutIsTerminal))
}

func (p *Process) stderrStyles() *view.Styles {
	return view.NewStyles(p.Stderr, p.colorOn(p.StderrIsTerminal))
}

// Main runs the command line args (without the program name) and returns
// the exit code. ctx is cancelled on SIGINT/SIGTERM.
func Main(ctx context.Context, args []string, p *Process) int {
	root := newRoot(p)
	root.SetArgs(terraformStyleFlags(args))
	root.SetIn(p.Stdin)
	root.SetOut(p.Stdout)
	root.SetErr(p.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintf(p.Stderr, "sigrun: %s\n", ee.msg)
		}
		return ee.code
	}
	// Cobra's own errors: unknown command or flag, wrong argument count.
	fmt.Fprintf(p.Stderr, "sigrun: %s (see 'sigrun --help')\n", err)
	return ExitInvalid
}

func newRoot(p *Process) *cobra.Command {
	root := &cobra.Command{
		Use:   "sigrun",
		Short: "Declarative HTTP request runner with AWS SigV4 signing",
		Long: "sigrun runs collections of HTTP requests declared in .hcl files: it signs each request\n" +
			"(AWS Signature Version 4, bearer, basic, API key), sends them in dependency order, in\n" +
			"parallel where it can, and checks every response.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Example: "  sigrun demo\n" +
			"  sigrun run ./smoke --var stage=prod\n" +
			"  sigrun validate ./smoke",
	}
	root.CompletionOptions.DisableDefaultCmd = true // ours has examples: completion.go
	root.AddCommand(newRunCommand(p), newValidateCommand(p), newPlanCommand(p), newGraphCommand(p), newFmtCommand(p), newCallCommand(p), newPresignCommand(p), newDemoCommand(p), newImportCommand(p), newExportCommand(p))
	root.AddCommand(newReportCommand(p), newCompletionCommand(root))
	registerCompletions(root)
	return root
}

// terraformStyleFlags accepts long flags written with one dash, as in
// Terraform (sigrun fmt -check, sigrun run -var x=1): -word becomes
// --word. Single letters (-X, -H, -d) are short flags and stay; nothing
// after "--" is touched.
func terraformStyleFlags(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "--" {
			copy(out[i:], args[i:])
			break
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' && isFlagWord(a[1:]) {
			a = "-" + a
		}
		out[i] = a
	}
	return out
}

func isFlagWord(s string) bool {
	name, _, _ := strings.Cut(s, "=")
	if len(name) < 2 {
		return false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}
