package command

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigrun-dev/sigrun/runner"
)

func newGraphCommand(p *Process) *cobra.Command {
	var flags collectionFlags
	cmd := &cobra.Command{
		Use:   "graph [DIR]",
		Short: "Print the request graph as DOT",
		Long: "Graph prints the collection's requests and the edges between them (references and\n" +
			"depends_on, looking through locals, endpoints and modules) in Graphviz's DOT language.\n" +
			"A for_each or count block is a cluster of its instances when they are known before\n" +
			"the run; a module is a cluster of its requests.",
		Example: "  sigrun graph samples/quickstart --var base_url=x | dot -Tsvg > graph.svg",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := prepare(p, dirArg(args), &flags, runner.Options{})
			if err != nil {
				return err
			}
			writeDOT(p.Stdout, r.Plan())
			return nil
		},
	}
	flags.register(cmd.Flags())
	return cmd
}

var dotEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// dotQuote quotes s as a DOT ID; line breaks become DOT's \n.
func dotQuote(s string) string { return `"` + dotEscaper.Replace(s) + `"` }

// writeDOT writes the graph: a node per request block (a cluster of
// instances for a known for_each/count), a cluster per module, an edge
// from each request to each request it waits for.
func writeDOT(w io.Writer, plan []runner.PlannedRequest) {
	fmt.Fprintln(w, "digraph sigrun {")
	fmt.Fprintln(w, "  rankdir=LR;")
	fmt.Fprintln(w, "  node [shape=box, style=rounded];")
	byModule := map[string][]runner.PlannedRequest{}
	var modules []string
	for _, pr := range plan {
		if _, ok := byModule[pr.Module]; !ok {
			modules = append(modules, pr.Module)
		}
		byModule[pr.Module] = append(byModule[pr.Module], pr)
	}
	for _, m := range modules {
		indent := "  "
		if m != "" {
			fmt.Fprintf(w, "  subgraph %s {\n    label=%s;\n", dotQuote("cluster_"+m), dotQuote(m))
			indent = "    "
		}
		for _, pr := range byModule[m] {
			label := pr.Name + "\n" + pr.Method
			if len(pr.Instances) > 0 {
				fmt.Fprintf(w, "%ssubgraph %s {\n%s  label=%s;\n", indent, dotQuote("cluster_"+pr.Name), indent, dotQuote(pr.Name))
				fmt.Fprintf(w, "%s  %s [label=%s, shape=point];\n", indent, dotQuote(pr.Name), dotQuote(pr.Name))
				for _, in := range pr.Instances {
					fmt.Fprintf(w, "%s  %s;\n", indent, dotQuote(in))
				}
				fmt.Fprintf(w, "%s}\n", indent)
				continue
			}
			if pr.Expansion != "" {
				label += "\n(" + pr.Expansion + ")"
			}
			fmt.Fprintf(w, "%s%s [label=%s];\n", indent, dotQuote(pr.Name), dotQuote(label))
		}
		if m != "" {
			fmt.Fprintln(w, "  }")
		}
	}
	for _, pr := range plan {
		for _, d := range pr.WaitsOn {
			fmt.Fprintf(w, "  %s -> %s;\n", dotQuote(d), dotQuote(pr.Name))
		}
	}
	fmt.Fprintln(w, "}")
}
