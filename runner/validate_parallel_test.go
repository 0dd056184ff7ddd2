package runner_test

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/runner"
)

// TestNewLargeCollection: the validate pass of a large collection, its
// requests and the instances of a large block checked on several cores,
// finds what it finds on one core, and plans the same run.
func TestNewLargeCollection(t *testing.T) {
	// Blocks of kinds 2, 4 and 5 have errors.
	collection := func(errors bool) string {
		var b strings.Builder
		b.WriteString(signedAPI)
		b.WriteString(`request "many" {
  count    = 500
  endpoint = endpoint.api
  path     = "/many/${count.index}"
  query    = { a = "1", b = ["x", "y z"] }
  expect { status = 200 }
}
`)
		for i := range 600 {
			if !errors && (i%6 == 2 || i%6 >= 4) {
				continue
			}
			switch i % 6 {
			case 0:
				fmt.Fprintf(&b, "request \"r%d\" {\n  endpoint = endpoint.api\n  path     = \"/items/%d\"\n}\n", i, i)
			case 1:
				fmt.Fprintf(&b, "request \"r%d\" {\n  endpoint = endpoint.api\n  method   = \"POST\"\n  path     = \"/items/${request.r%d.response.json.id}\"\n  json     = { n = %d }\n}\n", i, i-1, i)
			case 2:
				// A type error, found by evaluating.
				fmt.Fprintf(&b, "request \"r%d\" {\n  endpoint = endpoint.api\n  path     = [\"not\", \"a\", \"string\"]\n}\n", i)
			case 3:
				fmt.Fprintf(&b, "request \"r%d\" {\n  for_each = { a = 1, b = 2 }\n  endpoint = endpoint.api\n  path     = \"/e/${each.key}\"\n  tags     = [\"t%d\"]\n}\n", i, i%3)
			case 4:
				fmt.Fprintf(&b, "request \"r%d\" {\n  endpoint = endpoint.api\n  path     = \"/t/${uuid()}\"\n  expect { status = \"not a status\" }\n}\n", i)
			case 5:
				fmt.Fprintf(&b, "request \"r%d\" {\n  url = \"not a url %d\"\n}\n", i, i)
			}
		}
		return b.String()
	}
	validate := func(src string) (hcl.Diagnostics, []runner.PlannedRequest) {
		c := load(t, map[string]string{"main.hcl": src})
		r, diags := runner.New(c, runner.Options{Vars: []dsl.VarSource{{Kind: dsl.VarFlag, Raw: "base_url=http://127.0.0.1:1"}}})
		if r == nil {
			return diags, nil
		}
		return diags, r.Plan()
	}
	for name, src := range map[string]string{"errors": collection(true), "clean": collection(false)} {
		gotDiags, gotPlan := validate(src)
		procs := runtime.GOMAXPROCS(1)
		wantDiags, wantPlan := validate(src)
		runtime.GOMAXPROCS(procs)
		if (name == "clean") != !wantDiags.HasErrors() {
			t.Fatalf("%s: %d diagnostics: %s", name, len(wantDiags), wantDiags)
		}
		if name == "clean" && len(wantPlan) < 300 {
			t.Fatalf("%s: %d requests planned", name, len(wantPlan))
		}
		if gotDiags.Error() != wantDiags.Error() {
			t.Errorf("%s: diagnostics differ:\n%s\nwant\n%s", name, gotDiags.Error(), wantDiags.Error())
		}
		if !reflect.DeepEqual(gotPlan, wantPlan) {
			t.Errorf("%s: the plan differs from the plan made on one core", name)
		}
	}
}
