package command

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/importer"
)

func newImportCommand(p *Process) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Turn a Postman collection or a curl command into a collection",
		Long: "Import translates requests written for other tools into .hcl files: a Postman collection\n" +
			"(v2.0 or v2.1, with an environment) into a collection folder, a curl or awscurl command\n" +
			"into a request block. Secrets are never written: tokens, keys and passwords become\n" +
			"variables without defaults, marked sensitive. What cannot be translated is kept as a\n" +
			"comment and named in a warning. See docs/import.md.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return exitf(ExitInvalid, "import needs a source: sigrun import postman FILE -o DIR, or sigrun import curl 'curl …'")
		},
	}
	cmd.AddCommand(newImportPostmanCommand(p), newImportCurlCommand(p))
	return cmd
}

func newImportPostmanCommand(p *Process) *cobra.Command {
	var envFile, out, workDir string
	var force bool
	cmd := &cobra.Command{
		Use:   "postman COLLECTION.json -o DIR",
		Short: "Import a Postman collection (v2.0 or v2.1) into a collection folder",
		Long: "Writes one .hcl file per Postman folder into DIR (top-level requests, variables,\n" +
			"credentials and the collection's endpoint in main.hcl). {{variables}} become var.NAME;\n" +
			"collection variables and --environment values become variables with defaults, except\n" +
			"secrets, which become sensitive variables without defaults. Relative file paths in the\n" +
			"collection (form-data files, binary bodies) are read from --working-dir, as newman does.",
		Example: "  sigrun import postman shop.postman_collection.json --environment dev.postman_environment.json -o smoke\n" +
			"  sigrun validate smoke --var api_key=...",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return exitf(ExitInvalid, "import postman needs -o DIR: the folder to write the collection to")
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return exitf(ExitInvalid, "cannot read %s: %s", args[0], pathErr(err))
			}
			opts := importer.PostmanOptions{WorkingDir: workDir, OutDir: out}
			if opts.WorkingDir == "" {
				opts.WorkingDir = filepath.Dir(args[0])
			}
			if envFile != "" {
				if opts.Environment, err = os.ReadFile(envFile); err != nil {
					return exitf(ExitInvalid, "cannot read --environment %s: %s", envFile, pathErr(err))
				}
			}
			res, err := importer.ImportPostman(data, opts)
			if err != nil {
				return exitf(ExitInvalid, "%s: %s", args[0], err)
			}
			files, err := res.Collection.Render()
			if err != nil {
				return exitf(ExitInvalid, "%s: %s", args[0], err)
			}
			names := make([]string, 0, len(res.Collection.Files))
			for _, f := range res.Collection.Files {
				names = append(names, f.Name)
			}
			if err := writeFiles(out, names, files, force); err != nil {
				return err
			}
			printWarnings(p, res.Warnings)
			fmt.Fprintf(p.Stdout, "Wrote %s to %s.\n", strings.Join(names, ", "), out)
			printRequired(p, out, res.Required)
			return nil
		},
	}
	cmd.Flags().StringVar(&envFile, "environment", "", "a Postman environment (JSON): its values become the variables' defaults")
	cmd.Flags().StringVarP(&out, "output", "o", "", "the folder to write the collection to (created when missing)")
	cmd.Flags().StringVar(&workDir, "working-dir", "", "the folder relative file paths in the collection are relative to (default: the collection file's folder)")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite .hcl files already in the output folder")
	return cmd
}

func newImportCurlCommand(p *Process) *cobra.Command {
	var out, name string
	cmd := &cobra.Command{
		Use:   "curl 'curl …' | - | -- curl ARGS…",
		Short: "Import a curl or awscurl command as a request",
		Long: "Prints the request block of a curl or awscurl command, with the endpoint, credentials and\n" +
			"variables it needs, or writes it to DIR/NAME.hcl with -o. Give the command as one quoted\n" +
			"argument (it is split as a shell would, $VARIABLES kept as references), as - to read it\n" +
			"from standard input, or after -- as separate words (already expanded by your shell).\n" +
			"--aws-sigv4 with --user, and awscurl's --service, --region, --profile, --access_key,\n" +
			"--secret_key and --security_token become an aws_sigv4 auth block.",
		Example: "  sigrun import curl 'curl -H \"Authorization: Bearer $TOKEN\" https://api.example.com/items?limit=5'\n" +
			"  sigrun import curl 'awscurl --service execute-api --region eu-west-1 -X POST -d \"{}\" https://abc.execute-api.eu-west-1.amazonaws.com/prod/items' -o smoke\n" +
			"  pbpaste | sigrun import curl -",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 && args[0] == "-" {
				if p.Stdin == nil {
					return exitf(ExitInvalid, "import curl -: nothing on standard input")
				}
				data, err := io.ReadAll(p.Stdin)
				if err != nil {
					return exitf(ExitInvalid, "reading standard input: %s", err)
				}
				args = []string{string(data)}
			}
			opts := importer.CurlOptions{Name: name, OutDir: out}
			if wd, err := os.Getwd(); err == nil {
				opts.WorkingDir = wd
			}
			if out != "" {
				taken, err := takenNames(out)
				if err != nil {
					return err
				}
				opts.Taken = taken
			}
			res, err := importer.ImportCurl(args, opts)
			if err != nil {
				return exitf(ExitInvalid, "import curl: %s", err)
			}
			files, err := res.Collection.Render()
			if err != nil {
				return exitf(ExitInvalid, "import curl: %s", err)
			}
			printWarnings(p, res.Warnings)
			if out == "" {
				for _, f := range res.Collection.Files {
					p.Stdout.Write(files[f.Name])
				}
				return nil
			}
			var names []string
			for _, f := range res.Collection.Files {
				names = append(names, f.Name)
			}
			if err := writeFiles(out, names, files, false); err != nil {
				return err
			}
			fmt.Fprintf(p.Stdout, "Wrote %s to %s.\n", strings.Join(names, ", "), out)
			printRequired(p, out, res.Required)
			return nil
		},
	}
	// Everything after the first argument is the command's: -o goes first.
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the request to DIR/NAME.hcl instead of printing it (DIR may hold a collection already)")
	cmd.Flags().StringVar(&name, "name", "", "the request's name (default: from the method and the path, e.g. get_items)")
	return cmd
}

// takenNames lists the names the collection in dir declares, by block
// type; an empty or missing folder declares none.
func takenNames(dir string) (map[string][]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil || !hasHCL(entries) {
		return nil, nil
	}
	coll, diags := dsl.LoadPath(dir)
	if coll == nil || diags.HasErrors() {
		return nil, exitf(ExitInvalid, "-o %s: the collection there does not load (run sigrun validate %s): the request would not join it cleanly", dir, dir)
	}
	out := map[string][]string{}
	for _, v := range coll.Variables {
		out["variable"] = append(out["variable"], v.Name)
	}
	for _, c := range coll.Credentials {
		out["credentials"] = append(out["credentials"], c.Name)
	}
	for _, e := range coll.Endpoints {
		out["endpoint"] = append(out["endpoint"], e.Name)
	}
	for _, r := range coll.Requests {
		out["request"] = append(out["request"], r.Name)
	}
	return out, nil
}

func hasHCL(entries []os.DirEntry) bool {
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".hcl") {
			return true
		}
	}
	return false
}

// writeFiles writes the generated files into dir, refusing to overwrite
// unless force.
func writeFiles(dir string, names []string, files map[string][]byte, force bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return exitf(ExitInvalid, "cannot create %s: %s", dir, pathErr(err))
	}
	if !force {
		var exist []string
		for _, n := range names {
			if _, err := os.Stat(filepath.Join(dir, n)); err == nil {
				exist = append(exist, n)
			}
		}
		if len(exist) > 0 {
			return exitf(ExitInvalid, "%s already has %s: nothing was written (use another folder%s)", dir, strings.Join(exist, ", "),
				map[bool]string{true: ", or --force to overwrite", false: " or --name"}[len(names) > 1])
		}
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), files[n], 0o644); err != nil {
			return exitf(ExitInvalid, "cannot write %s: %s", filepath.Join(dir, n), pathErr(err))
		}
	}
	return nil
}

func printWarnings(p *Process, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintf(p.Stderr, "warning: %s\n", w)
	}
}

// printRequired tells which variables need values before a run.
func printRequired(p *Process, dir string, vars []*importer.Variable) {
	if len(vars) == 0 {
		fmt.Fprintf(p.Stdout, "Next: sigrun validate %s\n", dir)
		return
	}
	sort.SliceStable(vars, func(i, j int) bool { return !vars[i].Sensitive && vars[j].Sensitive })
	fmt.Fprintf(p.Stdout, "These variables have no default: give them with --var NAME=VALUE or SIGRUN_VAR_NAME.\n")
	var flags []string
	for _, v := range vars {
		what := ""
		if v.Sensitive {
			what = " (sensitive)"
		}
		fmt.Fprintf(p.Stdout, "  %s%s\n", v.Name, what)
		flags = append(flags, "--var "+v.Name+"=...")
	}
	fmt.Fprintf(p.Stdout, "Next: sigrun validate %s %s\n", dir, strings.Join(flags, " "))
}
