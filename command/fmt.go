package command

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/cobra"

	"github.com/sigrun-dev/sigrun/dsl"
)

func newFmtCommand(p *Process) *cobra.Command {
	var check, diff, recursive bool
	cmd := &cobra.Command{
		Use:   "fmt [DIR or FILE]",
		Short: "Rewrite .hcl files in the canonical format",
		Long: "Fmt rewrites the collection's .hcl files (and its env/*.hcl variable files) in the\n" +
			"canonical layout of HCL, as terraform fmt does. With -check it changes nothing and\n" +
			"exits 3 when a file would change (exit codes: 0 formatted, 2 a syntax error, 3 files\n" +
			"to change). With -diff it prints what would change.",
		Example: "  sigrun fmt samples/quickstart\n  sigrun fmt -check -recursive .",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := hclFiles(dirArg(args), recursive)
			if err != nil {
				return err
			}
			var changed []string
			var diags hcl.Diagnostics
			for _, f := range files {
				src, err := os.ReadFile(f)
				if err != nil {
					return exitf(ExitInvalid, "%s: %s", f, pathErr(err))
				}
				if moreDiags := dsl.CheckNesting(src, f); moreDiags.HasErrors() {
					diags = append(diags, moreDiags...)
					continue
				}
				if _, moreDiags := hclsyntax.ParseConfig(src, f, hcl.InitialPos); moreDiags.HasErrors() {
					diags = append(diags, moreDiags...)
					continue
				}
				out := hclwrite.Format(src)
				if bytes.Equal(out, src) {
					continue
				}
				changed = append(changed, f)
				if diff {
					ud := difflib.UnifiedDiff{A: difflib.SplitLines(string(src)), B: difflib.SplitLines(string(out)),
						FromFile: f, ToFile: f + " (formatted)", Context: 3}
					text, _ := difflib.GetUnifiedDiffString(ud)
					fmt.Fprint(p.Stdout, text)
				}
				if !check {
					if err := os.WriteFile(f, out, 0o644); err != nil {
						return exitf(ExitFailed, "%s: %s", f, pathErr(err))
					}
				}
				if !diff {
					fmt.Fprintln(p.Stdout, f)
				}
			}
			if len(diags) > 0 {
				printDiags(p, nil, diags, nil)
				return exitf(ExitInvalid, "files with syntax errors were left as they are")
			}
			if check && len(changed) > 0 {
				return silentExit(ExitFmtChanges)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "change nothing; exit 3 when a file would change")
	cmd.Flags().BoolVar(&diff, "diff", false, "print the changes as a unified diff")
	cmd.Flags().BoolVar(&recursive, "recursive", false, "also format sub-folders (modules)")
	return cmd
}

// hclFiles lists the .hcl files to format: a file, or a folder's files and
// its env/ files, with sub-folders when recursive. Hidden files and
// folders are skipped.
func hclFiles(path string, recursive bool) ([]string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, exitf(ExitInvalid, "%s: %s", path, pathErr(err))
	}
	if !info.IsDir() {
		return []string{path}, nil
	}
	var out []string
	err = filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p == path {
				return nil
			}
			if strings.HasPrefix(name, ".") || (!recursive && name != "env") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, ".hcl") && !strings.HasPrefix(name, ".") {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, exitf(ExitInvalid, "%s", err)
	}
	sort.Strings(out)
	return out, nil
}
