package assertions

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// TestSchemaCompilerLazyDrafts checks sigrun's patch of the JSON Schema
// library (third_party/jsonschema/SIGRUN-PATCH.md) in a fresh process, where
// nothing has compiled a schema yet:
//   - the package's initialisation no longer compiles the drafts'
//     meta-schemas (GODEBUG=inittrace=1 reports what each package's init
//     allocated; upstream's allocates ~1.7 MB);
//   - the first compilers, made at once on several goroutines (run with
//     -race), each see the meta-schemas: every draft still rejects an
//     invalid schema and still applies a valid one.
func TestSchemaCompilerLazyDrafts(t *testing.T) {
	if os.Getenv("SIGRUN_LAZY_DRAFTS_CHILD") == "1" {
		lazyDraftsChild(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSchemaCompilerLazyDrafts$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "SIGRUN_LAZY_DRAFTS_CHILD=1", "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestSchemaCompilerLazyDrafts") {
		t.Fatalf("the child did not run the checks:\n%s", out)
	}
	m := regexp.MustCompile(`init github\.com/santhosh-tekuri/jsonschema/v6 @[^,]+, [^,]+, (\d+) bytes`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("no init trace for the JSON Schema package:\n%s", out)
	}
	if n, _ := strconv.Atoi(m[1]); n > 256<<10 {
		t.Fatalf("the JSON Schema package's init allocated %d bytes: its meta-schemas are compiled at start-up again (is the patch in third_party/jsonschema applied?)", n)
	}
}

func lazyDraftsChild(t *testing.T) {
	drafts := []string{
		"http://json-schema.org/draft-04/schema#",
		"http://json-schema.org/draft-06/schema#",
		"http://json-schema.org/draft-07/schema#",
		"https://json-schema.org/draft/2019-09/schema",
		"https://json-schema.org/draft/2020-12/schema",
	}
	var wg sync.WaitGroup
	for i, d := range drafts {
		wg.Go(func() {
			// Each schema text is new to the cache, so each goroutine
			// compiles for itself.
			cache := &SchemaCache{}
			bad := fmt.Sprintf(`{"$schema": %q, "type": %d}`, d, i)
			if _, err := cache.compile(bad); err == nil {
				t.Errorf("%s: an invalid schema was accepted", d)
			}
			good := fmt.Sprintf(`{"$schema": %q, "type": "object", "required": ["missing%d"]}`, d, i)
			ctx := &hcl.EvalContext{}
			res := CheckExpect(Expect{JSONSchema: hcl.StaticExpr(cty.StringVal(good), hcl.Range{}), Schemas: cache}, ctx, testResponse())
			if res[0].Passed {
				t.Errorf("%s: a response without the required property passed", d)
			}
		})
	}
	wg.Wait()
}
