package command

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigrun-dev/sigrun/runner"
)

func newPlanCommand(p *Process) *cobra.Command {
	var flags collectionFlags
	cmd := &cobra.Command{
		Use:   "plan [DIR]",
		Short: "Show what a run would send, in order, without sending anything",
		Long: "Plan checks the collection like validate, then lists its requests in the order a\n" +
			"--parallel 1 run would send them: method and URL (or the expression, when it waits on a\n" +
			"response), what each waits for, its body, its checks, and how it is signed. Nothing is\n" +
			"sent and no credentials are resolved.",
		Example: "  sigrun plan samples/quickstart --var base_url=http://127.0.0.1:8080/demo\n" +
			"  sigrun plan ./smoke --target request.login",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := prepare(p, dirArg(args), &flags, runner.Options{})
			if err != nil {
				return err
			}
			writePlan(p, r.Plan())
			return nil
		},
	}
	flags.register(cmd.Flags())
	return cmd
}

func writePlan(p *Process, plan []runner.PlannedRequest) {
	st := p.stdoutStyles()
	w := p.Stdout
	waiting := 0
	for i, pr := range plan {
		fmt.Fprintf(w, "%s %s\n", st.Dim.Render(fmt.Sprintf("%2d.", i+1)), st.Bold.Render(pr.Name))
		url := pr.URL
		if !pr.Known {
			url = fmt.Sprintf("%s  (known after %s)", pr.URL, strings.Join(pr.WaitsOn, ", "))
			waiting++
		}
		fmt.Fprintf(w, "    %s %s\n", pr.Method, url)
		if pr.Expansion != "" {
			fmt.Fprintf(w, "    instances: %s\n", pr.Expansion)
			const maxShown = 5
			for j, in := range pr.Instances {
				if j == maxShown {
					fmt.Fprintf(w, "      … and %d more\n", len(pr.Instances)-maxShown)
					break
				}
				fmt.Fprintf(w, "      %s\n", in)
			}
		}
		if len(pr.WaitsOn) > 0 {
			fmt.Fprintf(w, "    waits for: %s\n", strings.Join(pr.WaitsOn, ", "))
		}
		if pr.Auth != "" {
			fmt.Fprintf(w, "    auth: %s\n", pr.Auth)
		}
		if pr.Body != "" {
			fmt.Fprintf(w, "    body: %s\n", pr.Body)
		}
		if len(pr.Checks) > 0 {
			fmt.Fprintf(w, "    checks: %s\n", strings.Join(pr.Checks, ", "))
		}
		if len(pr.Tags) > 0 {
			fmt.Fprintf(w, "    tags: %s\n", strings.Join(pr.Tags, ", "))
		}
	}
	fmt.Fprintf(w, "\n%d request block%s; %d known before the run, %d wait on a response. Nothing was sent.\n",
		len(plan), plural(len(plan)), len(plan)-waiting, waiting)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
