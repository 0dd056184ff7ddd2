package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"

	"github.com/sigrun-dev/sigrun/dsl"
	"github.com/sigrun-dev/sigrun/runner"
)

// tamper changes requests after they were signed, as a proxy would.
type tamper func(*http.Request)

func (t tamper) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	t(req)
	return http.DefaultTransport.RoundTrip(req)
}

// The 403 explainer against MinIO, whose answers do not carry the
// canonical request it expected: a wrong region is named from the region
// in the answer; for a header or a query parameter changed after signing
// the explainer says the server gives nothing to diff against, names those
// causes first and shows what sigrun signed.
func TestExplainerMinIO(t *testing.T) {
	isolateAWS(t)
	m := StartMinIO(t)
	cases := []struct {
		name, region string
		tamper       tamper
		want         []string
	}{
		{name: "wrong region", region: "eu-west-3",
			want: []string{"Likely cause: the region", `"eu-west-3"`, `"us-east-1"`}},
		{name: "header changed after signing", region: "us-east-1",
			tamper: func(r *http.Request) { r.Header.Set("X-Amz-Meta-Team", "changed") },
			want:   []string{"header or query parameter changed or added after signing", "x-amz-meta-team:smoke"}},
		{name: "query parameter added after signing", region: "us-east-1",
			tamper: func(r *http.Request) { r.URL.RawQuery = "response-cache-control=no-cache" },
			want:   []string{"header or query parameter changed or added after signing", "GET\n    /" + m.Bucket + "/hello.txt\n    \n"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := `
variable "url" { type = string }
credentials "root" {
  access_key_id     = "` + m.RootUser + `"
  secret_access_key = "` + m.RootPassword + `"
}
request "get" {
  url     = "${var.url}/hello.txt"
  headers = { "x-amz-meta-team" = "smoke" }
  auth "aws_sigv4" {
    credentials = credentials.root
    service     = "s3"
    region      = "` + tc.region + `"
  }
  expect { status = [200, 404] }
}`
			c, diags := dsl.Load(fstest.MapFS{"main.hcl": {Data: []byte(src)}}, "", nil)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			opts := runner.Options{Vars: []dsl.VarSource{{Kind: dsl.VarFlag, Raw: "url=" + m.BucketURL()}}}
			if tc.tamper != nil {
				opts.Client = &http.Client{Transport: tc.tamper}
			}
			r, diags := runner.New(c, opts)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			res := r.Run(context.Background()).Results[0]
			var d *hcl.Diagnostic
			for _, x := range res.Diags {
				if x.Summary == "Signature does not match" || x.Summary == "Signature scope refused" {
					d = x
				}
			}
			if d == nil {
				t.Fatalf("no explanation; status %d, diags %v", res.StatusCode, res.Diags)
			}
			for _, w := range tc.want {
				if !strings.Contains(d.Detail, w) {
					t.Errorf("explanation lacks %q:\n%s\n(all: %v)", w, d.Detail, res.Diags)
				}
			}
			if strings.Contains(d.Detail, m.RootPassword) {
				t.Error("the explanation shows the secret")
			}
		})
	}
}
