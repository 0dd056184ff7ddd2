package command

import (
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/pflag"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/runner"
	"github.com/sigrun-dev/sigrun/view"
)

// varArgs keeps --var and --var-file in the order they were given, which
// decides precedence between them (later wins), as in Terraform.
type varArgs struct {
	list []varArg
}

type varArg struct {
	file  bool
	value string
}

type varFlag struct {
	args *varArgs
	file bool
}

func (f varFlag) String() string { return "" }
func (f varFlag) Type() string {
	if f.file {
		return "file"
	}
	return "name=value"
}
func (f varFlag) Set(s string) error {
	f.args.list = append(f.args.list, varArg{file: f.file, value: s})
	return nil
}

// collectionFlags are the flags of every command that evaluates a
// collection.
type collectionFlags struct {
	vars    varArgs
	env     string
	targets []string
	tags    []string
}

func (c *collectionFlags) register(fs *pflag.FlagSet) {
	fs.Var(varFlag{args: &c.vars}, "var", "set a variable (repeatable): --var stage=prod")
	fs.Var(varFlag{args: &c.vars, file: true}, "var-file", "read variables from an .hcl file (repeatable)")
	fs.StringVar(&c.env, "env", "", "read variables from the collection's env/NAME.hcl")
	fs.StringArrayVar(&c.targets, "target", nil, "only this request and what it depends on (repeatable): --target request.login")
	fs.StringSliceVar(&c.tags, "tags", nil, "only requests with one of these tags, and what they depend on: --tags smoke,auth")
}

// sources lists the variable sources in precedence order: SIGRUN_VAR_
// environment variables, the --env file, then --var and --var-file in the
// order given.
func (c *collectionFlags) sources(dir string, p *Process) ([]dsl.VarSource, error) {
	out := dsl.EnvSources(p.Environ)
	if c.env != "" {
		name := filepath.Join(dir, "env", c.env+".hcl")
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, exitf(ExitInvalid, "--env %s: cannot read %s: the environment file must exist as env/%s.hcl in the collection folder", c.env, name, c.env)
		}
		out = append(out, dsl.VarSource{Kind: dsl.VarFile, Filename: name, Src: src})
	}
	for _, a := range c.vars.list {
		if !a.file {
			out = append(out, dsl.VarSource{Kind: dsl.VarFlag, Raw: a.value})
			continue
		}
		src, err := os.ReadFile(a.value)
		if err != nil {
			return nil, exitf(ExitInvalid, "--var-file %s: %s", a.value, pathErr(err))
		}
		out = append(out, dsl.VarSource{Kind: dsl.VarFile, Filename: a.value, Src: src})
	}
	return out, nil
}

func pathErr(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// printDiags writes diagnostics to stderr and reports whether any is an
// error.
func printDiags(p *Process, files map[string]*hcl.File, diags hcl.Diagnostics, redact func(string) string) bool {
	if len(diags) == 0 {
		return false
	}
	dw := &view.DiagnosticWriter{W: p.Stderr, Styles: p.stderrStyles(), Files: files, Redact: redact}
	dw.WriteDiagnostics(diags)
	return diags.HasErrors()
}

// prepare loads the collection at dir and checks it completely (variables,
// types, references, cycles), printing every diagnostic. An invalid
// collection ends the command with exit code 2 before anything is sent.
func prepare(p *Process, dir string, flags *collectionFlags, opts runner.Options) (*runner.Runner, error) {
	restoreGC := relaxGC()
	coll, diags := dsl.LoadPath(dir)
	restoreGC()
	if diags.HasErrors() {
		var files map[string]*hcl.File
		if coll != nil {
			files = coll.Files
		}
		printDiags(p, files, diags, nil)
		return nil, invalidCollection(diags)
	}
	srcs, err := flags.sources(dir, p)
	if err != nil {
		return nil, err
	}
	opts.Vars = srcs
	opts.Targets = flags.targets
	opts.Tags = flags.tags
	if opts.BaseDir == "" {
		opts.BaseDir = collectionDir(dir)
	}
	if opts.LookupEnv == nil {
		opts.LookupEnv = p.LookupEnv
	}
	r, moreDiags := runner.New(coll, opts)
	diags = append(diags, moreDiags...)
	var redact func(string) string
	if r != nil {
		redact = r.Redact
	}
	if printDiags(p, coll.Files, diags, redact) {
		return nil, invalidCollection(diags)
	}
	return r, nil
}

func invalidCollection(diags hcl.Diagnostics) error {
	n := 0
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			n++
		}
	}
	s := "s"
	if n == 1 {
		s = ""
	}
	return exitf(ExitInvalid, "the collection is invalid (%d error%s above); nothing was sent", n, s)
}

// collectionDir is the folder of a collection given as a folder or a file.
func collectionDir(path string) string {
	if info, err := os.Stat(path); err == nil && !info.IsDir() {
		return filepath.Dir(path)
	}
	return path
}

// requestNames lists the names a run's lines may show, to align them:
// every request block, and its instances when they are known before the
// run.
func requestNames(r *runner.Runner) []string {
	var names []string
	for _, pr := range r.Plan() {
		names = append(names, pr.Name)
		names = append(names, pr.Instances...)
	}
	return names
}

func dirArg(args []string) string {
	if len(args) == 0 {
		return "."
	}
	return args[0]
}
