package runner_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/sigrun-dev/sigrun/demo"
	"github.com/sigrun-dev/sigrun/runner"
)

// demoCollection signs for the demo API; region is a parameter so that a
// case can get it wrong.
func demoCollection(region string) string {
	return `
variable "base_url" { type = string }
credentials "demo" {
  access_key_id     = "` + demo.AccessKeyID + `"
  secret_access_key = "` + demo.SecretAccessKey + `"
}
endpoint "api" {
  url = var.base_url
  auth "aws_sigv4" {
    credentials = credentials.demo
    service     = "execute-api"
    region      = "` + region + `"
  }
}
request "list" {
  endpoint = endpoint.api
  path     = "/items"
  query    = { limit = "5" }
  headers  = { "x-team" = "smoke" }
  expect { status = 200 }
}`
}

// tamper is a transport that changes requests after they were signed, as a
// misbehaving proxy would.
type tamper func(*http.Request)

func (t tamper) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	t(req)
	return http.DefaultTransport.RoundTrip(req)
}

func diagWithSummary(diags hcl.Diagnostics, summary string) *hcl.Diagnostic {
	for _, d := range diags {
		if d.Summary == summary {
			return d
		}
	}
	return nil
}

// The explainer against the demo API, with the signature broken in three
// ways; each is named.
func TestMismatchExplainer(t *testing.T) {
	srv := httptest.NewServer(demo.New(nil))
	defer srv.Close()
	base := srv.URL + "/" + demo.Stage
	cases := []struct {
		name    string
		region  string
		tamper  tamper
		summary string
		cause   string
		diff    []string
	}{
		{
			name: "wrong region", region: "us-west-2",
			summary: "Signature scope refused", cause: "Likely cause: the region",
		},
		{
			name: "header changed after signing", region: "us-east-1",
			tamper:  func(r *http.Request) { r.Header.Set("X-Team", "changed") },
			summary: "Signature does not match", cause: "x-team",
			diff: []string{"- x-team:changed", "+ x-team:smoke"},
		},
		{
			name: "query parameter added after signing", region: "us-east-1",
			tamper:  func(r *http.Request) { r.URL.RawQuery += "&debug=1" },
			summary: "Signature does not match", cause: "query",
			diff: []string{"- debug=1&limit=5", "+ limit=5"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := runner.Options{}
			if tc.tamper != nil {
				opts.Client = &http.Client{Transport: tc.tamper}
			}
			c := load(t, map[string]string{"main.hcl": demoCollection(tc.region)})
			sum := newRunner(t, c, base, opts).Run(context.Background())
			r := result(sum, "list")
			if r.Outcome != runner.Failed || r.StatusCode != 403 {
				t.Fatalf("outcome %v status %d", r.Outcome, r.StatusCode)
			}
			d := diagWithSummary(r.Diags, tc.summary)
			if d == nil {
				t.Fatalf("no %q diagnostic in %v", tc.summary, r.Diags)
			}
			if !strings.Contains(d.Detail, tc.cause) {
				t.Errorf("the cause is not named %q:\n%s", tc.cause, d.Detail)
			}
			for _, l := range tc.diff {
				if !strings.Contains(d.Detail, l) {
					t.Errorf("the diff lacks %q:\n%s", l, d.Detail)
				}
			}
			if d.Subject == nil || d.Subject.Start.Line != 9 {
				t.Errorf("the diagnostic should point at the auth block: %v", d.Subject)
			}
		})
	}
}

// A wrong secret: the canonical requests match, so the key is at fault.
func TestMismatchExplainerWrongSecret(t *testing.T) {
	srv := httptest.NewServer(demo.New(nil))
	defer srv.Close()
	src := strings.Replace(demoCollection("us-east-1"), demo.SecretAccessKey, "not-the-demo-secret-key", 1)
	sum := newRunner(t, load(t, map[string]string{"main.hcl": src}), srv.URL+"/demo", runner.Options{}).Run(context.Background())
	d := diagWithSummary(result(sum, "list").Diags, "Signature does not match")
	if d == nil || !strings.Contains(strings.ToLower(d.Detail), "secret") {
		t.Fatalf("a wrong secret must be named: %v", d)
	}
}

// The server's clock is an hour ahead: the first signature is refused as
// expired, sigrun corrects its clock from the Date header, signs again and
// says so.
func TestClockSkewCorrected(t *testing.T) {
	srv := httptest.NewServer(demo.New(func() time.Time { return time.Now().Add(time.Hour) }))
	defer srv.Close()
	c := load(t, map[string]string{"main.hcl": demoCollection("us-east-1")})
	sum := newRunner(t, c, srv.URL+"/demo", runner.Options{}).Run(context.Background())
	r := result(sum, "list")
	if r.Outcome != runner.Passed || !r.SkewCorrected || r.Attempts != 2 {
		t.Fatalf("outcome %v, skew corrected %v, attempts %d: %v", r.Outcome, r.SkewCorrected, r.Attempts, r.Diags)
	}
	d := diagWithSummary(r.Diags, "Clock skew corrected")
	// The Date header has a resolution of one second.
	if d == nil || d.Severity != hcl.DiagWarning ||
		!(strings.Contains(d.Detail, "1h0m0s ahead of") || strings.Contains(d.Detail, "59m59s ahead of")) {
		t.Fatalf("no notice of the correction: %v", r.Diags)
	}
}

func TestWarningsDoNotFail(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) { okJSON(w, 200, map[string]any{"n": 1}) })
	c := load(t, map[string]string{"main.hcl": header + `
request "r" {
  endpoint = endpoint.api
  path     = "/r"
  assert {
    condition     = response.json.n > 5
    error_message = "n is small"
    severity      = "warning"
  }
}`})
	sum := newRunner(t, c, rec.srv.URL, runner.Options{}).Run(context.Background())
	if sum.Passed != 1 || sum.Warnings != 1 || !sum.OK() {
		t.Fatalf("passed %d warnings %d ok %v", sum.Passed, sum.Warnings, sum.OK())
	}
}

func TestImplicitStatusCheck(t *testing.T) {
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		okJSON(w, map[string]int{"/ok": 204, "/no": 500, "/expected": 404}[r.URL.Path], map[string]any{})
	})
	c := load(t, map[string]string{"main.hcl": header + `
request "ok" {
  endpoint = endpoint.api
  path     = "/ok"
}
request "no" {
  endpoint = endpoint.api
  path     = "/no"
}
request "expected" {
  endpoint = endpoint.api
  path     = "/expected"
  expect { status = 404 }
}`})
	sum := newRunner(t, c, rec.srv.URL, runner.Options{}).Run(context.Background())
	if result(sum, "ok").Outcome != runner.Passed || result(sum, "expected").Outcome != runner.Passed {
		t.Fatal("a status below 400, or one expected, passes")
	}
	no := result(sum, "no")
	if no.Outcome != runner.Failed || !strings.Contains(no.Diags[0].Detail, "without expect.status passes only with a status below 400") {
		t.Fatalf("%v %v", no.Outcome, no.Diags)
	}
}

func TestRetryBackoffGivesUp(t *testing.T) {
	var times []time.Time
	rec := newRecorder(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		times = append(times, time.Now())
		okJSON(w, 503, map[string]any{})
	})
	c := load(t, map[string]string{"main.hcl": header + `
request "poll" {
  endpoint = endpoint.api
  path     = "/poll"
  retry {
    attempts     = 4
    interval     = "20ms"
    backoff      = 2
    max_interval = "50ms"
    until        = response.status == 200
  }
  expect { status = 200 }
}`})
	sum := newRunner(t, c, rec.srv.URL, runner.Options{}).Run(context.Background())
	r := result(sum, "poll")
	if r.Outcome != runner.Failed || r.Attempts != 4 || len(times) != 4 {
		t.Fatalf("outcome %v after %d attempts (%d received)", r.Outcome, r.Attempts, len(times))
	}
	if diagWithSummary(r.Diags, "Retry gave up") == nil {
		t.Fatalf("no give-up diagnostic: %v", r.Diags)
	}
	// Waits of 20, 40 and 50 (capped) ms: the gaps grow, then stop growing.
	gap := func(i int) time.Duration { return times[i].Sub(times[i-1]) }
	if gap(1) < 20*time.Millisecond || gap(2) < 40*time.Millisecond || gap(3) < 50*time.Millisecond {
		t.Fatalf("gaps %v %v %v shorter than the policy's 20ms, 40ms, 50ms", gap(1), gap(2), gap(3))
	}
}
