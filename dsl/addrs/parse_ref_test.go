package addrs

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func TestParseRef(t *testing.T) {
	tests := []struct {
		src       string
		want      string
		remaining int
		err       string
	}{
		{src: "var.stage", want: "var.stage"},
		{src: "local.base", want: "local.base"},
		{src: "credentials.ci", want: "credentials.ci"},
		{src: "endpoint.api.url", want: "endpoint.api", remaining: 1},
		{src: "request.create.response.json.id", want: "request.create", remaining: 3},
		{src: `request["create"].response`, want: "request.create", remaining: 1},
		{src: "response.status", want: "response", remaining: 1},
		{src: "each.key", want: "each.key"},
		{src: "count.index", want: "count.index"},
		{src: "each.nope", err: `Invalid "each" attribute`},
		{src: "count.key", err: `Invalid "count" attribute`},
		{src: "var", err: "Invalid reference"},
		{src: "var[0]", err: "Invalid reference"},
		{src: "nope.x", err: "Unknown symbol"},
	}
	for _, tc := range tests {
		t.Run(tc.src, func(t *testing.T) {
			trav, diags := hclsyntax.ParseTraversalAbs([]byte(tc.src), "t.hcl", hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatalf("parse: %s", diags)
			}
			ref, diags := ParseRef(trav)
			if tc.err != "" {
				if !diags.HasErrors() || diags[0].Summary != tc.err {
					t.Fatalf("want error %q, got %v", tc.err, diags)
				}
				if diags[0].Subject == nil || diags[0].Subject.Filename != "t.hcl" {
					t.Fatalf("diagnostic has no subject: %#v", diags[0])
				}
				return
			}
			if diags.HasErrors() {
				t.Fatalf("unexpected: %s", diags)
			}
			if got := ref.Subject.String(); got != tc.want {
				t.Errorf("subject = %q, want %q", got, tc.want)
			}
			if len(ref.Remaining) != tc.remaining {
				t.Errorf("remaining = %d steps, want %d", len(ref.Remaining), tc.remaining)
			}
		})
	}
}
