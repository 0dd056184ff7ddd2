package command_test

import (
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// Every command's --help has an example.
func TestEveryCommandHasAnExample(t *testing.T) {
	res := run(t, context.Background(), nil, "--help")
	if res.code != 0 || !strings.Contains(res.stdout, "completion") || !strings.Contains(res.stdout, "report") {
		t.Fatalf("root help lacks completion or report:\n%s", res.stdout)
	}
	var walk func(path []string)
	walk = func(path []string) {
		res := run(t, context.Background(), nil, append(path, "--help")...)
		if res.code != 0 {
			t.Errorf("%v --help: exit %d", path, res.code)
			return
		}
		if !strings.Contains(res.stdout, "\nExamples:\n  ") {
			t.Errorf("sigrun %s --help has no example", strings.Join(path, " "))
		}
		// The subcommands, from the help's own list.
		_, after, ok := strings.Cut(res.stdout, "Available Commands:\n")
		if !ok {
			return
		}
		list, _, _ := strings.Cut(after, "\n\n")
		for _, line := range strings.Split(list, "\n") {
			name := strings.Fields(line)[0]
			if name == "help" {
				continue
			}
			walk(append(append([]string(nil), path...), name))
		}
	}
	walk(nil)
}

func TestCompletion(t *testing.T) {
	for shell, want := range map[string]string{
		"bash": "# bash completion V2 for sigrun", "zsh": "#compdef sigrun", "fish": "complete -c sigrun", "powershell": "Register-ArgumentCompleter",
	} {
		res := run(t, context.Background(), nil, "completion", shell)
		if res.code != 0 || !strings.Contains(res.stdout, want) {
			t.Errorf("completion %s: exit %d, lacks %q", shell, res.code, want)
		}
	}
	if res := run(t, context.Background(), nil, "completion", "tcsh"); res.code != 2 {
		t.Errorf("completion tcsh: exit %d", res.code)
	}
	dir := writeCollection(t, map[string]string{
		"main.hcl":      "request \"login\" { url = \"http://127.0.0.1:1\" }\nmodule \"m\" { source = \"./mod\" }\n",
		"mod/main.hcl":  "request \"inner\" { url = \"http://127.0.0.1:1\" }\n",
		"env/prod.hcl":  "",
		"env/stage.hcl": "",
	})
	complete := func(args ...string) string {
		res := run(t, context.Background(), nil, append([]string{cobra.ShellCompRequestCmd}, args...)...)
		if res.code != 0 {
			t.Fatalf("%v: exit %d %s", args, res.code, res.stderr)
		}
		return res.stdout
	}
	if out := complete("run", dir, "--report", ""); !strings.Contains(out, "junit=") || !strings.Contains(out, "html=") || !strings.Contains(out, ":6\n") {
		t.Errorf("--report completion:\n%s", out) // 6: no space, no file completion
	}
	if out := complete("run", dir, "--env", ""); !strings.Contains(out, "prod\nstage\n") {
		t.Errorf("--env completion:\n%s", out)
	}
	if out := complete("run", dir, "--target", ""); !strings.Contains(out, "request.login\n") || !strings.Contains(out, "module.m.request.inner\n") {
		t.Errorf("--target completion:\n%s", out)
	}
	if out := complete("run", ""); !strings.Contains(out, ":16\n") { // folders only
		t.Errorf("DIR completion:\n%s", out)
	}
	if out := complete("report", "merge", ""); !strings.Contains(out, "json\n:8\n") {
		t.Errorf("merge completion:\n%s", out)
	}
}
