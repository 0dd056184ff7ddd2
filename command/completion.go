package command

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/report"
)

// newCompletionCommand is `sigrun completion SHELL`: cobra's completion
// scripts, with instructions and examples.
func newCompletionCommand(root *cobra.Command) *cobra.Command {
	var noDesc bool
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script for bash, zsh, fish or PowerShell",
		Long: "Completion prints a script that makes your shell complete sigrun's commands, flags,\n" +
			"collection folders, --env names, --target requests and --report formats.\n\n" +
			"bash (needs the bash-completion package):\n" +
			"  source <(sigrun completion bash)                      # this shell\n" +
			"  sigrun completion bash > /etc/bash_completion.d/sigrun # every shell (as root)\n\n" +
			"zsh:\n" +
			"  sigrun completion zsh > \"${fpath[1]}/_sigrun\"          # then start a new shell\n\n" +
			"fish:\n" +
			"  sigrun completion fish > ~/.config/fish/completions/sigrun.fish\n\n" +
			"PowerShell:\n" +
			"  sigrun completion powershell | Out-String | Invoke-Expression",
		Example: "  source <(sigrun completion bash)\n" +
			"  sigrun completion zsh > \"${fpath[1]}/_sigrun\"\n" +
			"  sigrun completion fish > ~/.config/fish/completions/sigrun.fish\n" +
			"  sigrun completion powershell | Out-String | Invoke-Expression",
		Args:                  cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		ValidArgs:             []string{"bash", "zsh", "fish", "powershell"},
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, !noDesc)
			case "zsh":
				if noDesc {
					return root.GenZshCompletionNoDesc(out)
				}
				return root.GenZshCompletion(out)
			case "fish":
				return root.GenFishCompletion(out, !noDesc)
			default:
				if noDesc {
					return root.GenPowerShellCompletion(out)
				}
				return root.GenPowerShellCompletionWithDesc(out)
			}
		},
	}
	cmd.Flags().BoolVar(&noDesc, "no-descriptions", false, "complete without the descriptions of commands and flags")
	return cmd
}

// registerCompletions teaches the shell completion the values of
// sigrun's flags and arguments, on every command that has them: folders
// for [DIR], the collection's env/NAME.hcl for --env, its requests for
// --target, .hcl files for --var-file, the formats for --report, JSON
// files for report merge. It also gives grouping commands their
// subcommands' examples (inheritExamples).
func registerCompletions(root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if strings.Contains(c.Use, "[DIR]") && c.ValidArgsFunction == nil {
			c.ValidArgsFunction = func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
				if len(args) > 0 {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return nil, cobra.ShellCompDirectiveFilterDirs
			}
		}
		if c.Name() == "merge" && c.Parent() != nil && c.Parent().Name() == "report" && c.ValidArgsFunction == nil {
			c.ValidArgsFunction = func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
				return []cobra.Completion{"json"}, cobra.ShellCompDirectiveFilterFileExt
			}
		}
		flagComp := map[string]cobra.CompletionFunc{
			"report": completeReport,
			"env":    completeEnv,
			"target": completeTarget,
			"var-file": func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
				return []cobra.Completion{"hcl"}, cobra.ShellCompDirectiveFilterFileExt
			},
			"shard": func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
				return nil, cobra.ShellCompDirectiveNoFileComp
			},
		}
		for name, fn := range flagComp {
			if c.LocalFlags().Lookup(name) != nil {
				if _, ok := c.GetFlagCompletionFunc(name); !ok {
					_ = c.RegisterFlagCompletionFunc(name, fn)
				}
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	inheritExamples(root)
}

// completeReport offers FORMAT= for --report; after the = the shell
// completes the file name.
func completeReport(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if strings.Contains(toComplete, "=") {
		return nil, cobra.ShellCompDirectiveDefault
	}
	descs := map[string]string{"junit": "JUnit XML for CI test reporters", "json": "the documented JSON report", "html": "one self-contained HTML page"}
	var out []cobra.Completion
	for _, f := range report.Formats {
		out = append(out, cobra.CompletionWithDesc(f+"=", descs[f]))
	}
	return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
}

// completeEnv lists the collection's env/NAME.hcl files.
func completeEnv(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	matches, _ := filepath.Glob(filepath.Join(collectionDir(dirArg(args)), "env", "*.hcl"))
	var out []cobra.Completion
	for _, m := range matches {
		out = append(out, strings.TrimSuffix(filepath.Base(m), ".hcl"))
	}
	sort.Strings(out)
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeTarget lists the collection's requests as request.NAME (and
// module.M.request.NAME). The collection is parsed, nothing is evaluated.
func completeTarget(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	dir := dirArg(args)
	if _, err := os.Stat(dir); err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	coll, _ := dsl.LoadPath(dir)
	var out []cobra.Completion
	var add func(c *dsl.Collection, prefix string)
	add = func(c *dsl.Collection, prefix string) {
		if c == nil {
			return
		}
		for _, r := range c.Requests {
			out = append(out, prefix+"request."+r.Name)
		}
		for _, m := range c.Modules {
			add(m.Child, prefix+"module."+m.Name+".")
		}
	}
	add(coll, "")
	return out, cobra.ShellCompDirectiveNoFileComp
}

// inheritExamples gives a command that only groups others (import,
// export, report) and has no Example of its own its subcommands'
// examples, so that every command's --help shows how it is used.
func inheritExamples(c *cobra.Command) {
	for _, sub := range c.Commands() {
		inheritExamples(sub)
	}
	if c.Example != "" || !c.HasAvailableSubCommands() {
		return
	}
	var ex []string
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() && sub.Example != "" {
			ex = append(ex, strings.TrimRight(sub.Example, "\n"))
		}
	}
	c.Example = strings.Join(ex, "\n")
}
