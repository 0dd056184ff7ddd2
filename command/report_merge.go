package command

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sigrun-dev/sigrun/report"
)

// newReportCommand is `sigrun report`, the reports' own commands.
func newReportCommand(p *Process) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Work with the reports of runs (merge the shards of a CI matrix)",
		Long: "Report works with the JSON reports that `sigrun run --report json=FILE` writes. A run split\n" +
			"over a CI matrix with --shard K/N writes one report per shard; `sigrun report merge` joins\n" +
			"them into the report of the whole run and writes it as JUnit, JSON or HTML.",
		Example: "  sigrun report merge shard-*.json --report junit=report.xml --report html=report.html",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newReportMergeCommand(p))
	return cmd
}

func newReportMergeCommand(p *Process) *cobra.Command {
	var specs []string
	cmd := &cobra.Command{
		Use:   "merge REPORT.json...",
		Short: "Join the JSON reports of the shards of one run",
		Long: "Merge reads the JSON reports of every shard of a run made with `sigrun run --shard K/N\n" +
			"--report json=FILE`, checks that they are the N shards of one collection, each once, and\n" +
			"writes the whole run's report with --report (junit, json, html). In GitHub Actions it also\n" +
			"appends the run's summary to $GITHUB_STEP_SUMMARY. The last line is the run's summary.\n\n" +
			"Exit codes: 0 the merged run passed, 1 a request failed or was skipped (or a report could\n" +
			"not be written), 2 the reports cannot be read or are not the shards of one run.",
		Example: "  sigrun report merge shard-1.json shard-2.json shard-3.json --report junit=report.xml\n" +
			"  sigrun report merge reports/*.json --report html=report.html --report json=report.json",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			targets, err := report.ParseTargets(specs)
			if err != nil {
				return exitf(ExitInvalid, "%s", err)
			}
			var reps []*report.Report
			for _, name := range args {
				rep, err := report.ReadJSONFile(name)
				if err != nil {
					return exitf(ExitInvalid, "%s", pathErr(err))
				}
				reps = append(reps, rep)
			}
			merged, err := report.Merge(reps)
			if err != nil {
				return exitf(ExitInvalid, "cannot merge: %s", err)
			}
			summaryFile, _ := p.LookupEnv("GITHUB_STEP_SUMMARY")
			werr := writeReports(p, merged, targets, githubActions(p) && summaryFile != "", summaryFile)
			fmt.Fprintf(p.Stdout, "Merged %d report%s of %s.\n", len(reps), map[bool]string{true: "", false: "s"}[len(reps) == 1], merged.Collection.Name)
			fmt.Fprintln(p.Stdout, merged.Summary.Line())
			if werr != nil {
				return werr
			}
			if !merged.Summary.OK {
				return silentExit(ExitFailed)
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&specs, "report", nil, "write the merged report: junit=FILE, json=FILE or html=FILE (repeatable)")
	return cmd
}
