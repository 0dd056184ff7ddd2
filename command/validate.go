package command

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sigrun-dev/sigrun/runner"
)

func newValidateCommand(p *Process) *cobra.Command {
	var flags collectionFlags
	cmd := &cobra.Command{
		Use:   "validate [DIR]",
		Short: "Check a collection without sending anything",
		Long: "Validate parses the collection, checks every reference and type, builds the graph and\n" +
			"evaluates every expression with responses unknown. Nothing is sent and no credentials are\n" +
			"resolved. Exit code 0 when the collection is valid, 2 when it is not.",
		Example: "  sigrun validate samples/quickstart\n  sigrun validate ./smoke --var api_id=abc123",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := prepare(p, dirArg(args), &flags, runner.Options{})
			if err != nil {
				return err
			}
			n := len(r.Collection().Requests)
			fmt.Fprintf(p.Stdout, "The collection is valid: %d request%s.\n", n, map[bool]string{true: "", false: "s"}[n == 1])
			return nil
		},
	}
	flags.register(cmd.Flags())
	return cmd
}
