package command

import (
	"fmt"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/sigrun-dev/sigrun/demo"
	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/runner"
	"github.com/sigrun-dev/sigrun/samples"
)

func newDemoCommand(p *Process) *cobra.Command {
	var serve bool
	var addr string
	var parallel int
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the quickstart against the embedded IAM-protected demo API",
		Long: "Demo starts a small API on loopback that checks AWS SigV4 signatures like API Gateway\n" +
			"with AWS_IAM auth, runs the samples/quickstart collection against it and prints the\n" +
			"results. With --serve it only serves, printing the URL and the demo keys, so that you\n" +
			"can point your own collections at it.",
		Example: "  sigrun demo\n" +
			"  sigrun demo --serve\n" +
			"  sigrun run samples/quickstart --var base_url=http://127.0.0.1:8080/demo",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			srv, err := demo.Start(addr)
			if err != nil {
				return exitf(ExitInvalid, "cannot start the demo API on %s: %s", addr, err)
			}
			defer srv.Close()
			if serve {
				return serveDemo(cmd, p, srv)
			}
			return runDemo(cmd, p, srv, parallel)
		},
	}
	cmd.Flags().BoolVar(&serve, "serve", false, "only serve the demo API until interrupted")
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "loopback address to serve on (port 0: a free port)")
	cmd.Flags().IntVar(&parallel, "parallel", runner.DefaultParallel, "most requests in flight at once")
	return cmd
}

func serveDemo(cmd *cobra.Command, p *Process, srv *demo.Server) error {
	st := p.stdoutStyles()
	fmt.Fprintf(p.Stdout, "%s %s\n\n", st.Bold.Render("Demo API listening on"), srv.URL())
	fmt.Fprintf(p.Stdout, "It checks AWS SigV4 like API Gateway with AWS_IAM auth:\n")
	fmt.Fprintf(p.Stdout, "  access key id      %s\n", demo.AccessKeyID)
	fmt.Fprintf(p.Stdout, "  secret access key  %s\n", demo.SecretAccessKey)
	fmt.Fprintf(p.Stdout, "  service, region    %s, %s\n\n", demo.Service, demo.Region)
	fmt.Fprintf(p.Stdout, "In another terminal:\n  sigrun run samples/quickstart --var base_url=%s\n\nPress Ctrl-C to stop.\n", srv.URL())
	<-cmd.Context().Done()
	return nil
}

func runDemo(cmd *cobra.Command, p *Process, srv *demo.Server, parallel int) error {
	fsys, err := fs.Sub(samples.Quickstart, "quickstart")
	if err != nil {
		return err
	}
	coll, diags := dsl.Load(fsys, "samples/quickstart", nil)
	if printDiags(p, coll.Files, diags, nil) {
		return invalidCollection(diags)
	}
	r, diags := runner.New(coll, runner.Options{
		Parallel:  parallel,
		Vars:      []dsl.VarSource{{Kind: dsl.VarFlag, Raw: "base_url=" + srv.URL()}},
		ReadFile:  runner.FSReadFile(fsys),
		LookupEnv: p.LookupEnv,
	})
	var redact func(string) string
	if r != nil {
		redact = r.Redact
	}
	if printDiags(p, coll.Files, diags, redact) {
		return invalidCollection(diags)
	}
	fmt.Fprintf(p.Stdout, "Demo API on %s (SigV4: %s, %s)\nRunning samples/quickstart:\n\n", srv.URL(), demo.Service, demo.Region)
	_, err = runAndReport(cmd, p, r)
	return err
}
