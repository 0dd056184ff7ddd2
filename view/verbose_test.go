package view_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sigrun-dev/sigrun/runner"
	"github.com/sigrun-dev/sigrun/view"
)

func TestVerboseShowsTheExchange(t *testing.T) {
	var out bytes.Buffer
	st := view.NewStyles(&out, false)
	inner := view.NewRun(&out, st, nil, nil, []string{"get"})
	redact := func(s string) string { return strings.ReplaceAll(s, "s3cr3t-token", runner.Redacted) }
	v := view.NewVerbose(inner, &out, st, redact)
	body := strings.Repeat("line\n", 100)
	v.RequestFinished(&runner.RequestResult{Name: "get", Method: "POST", Path: "/items", StatusCode: 201, Outcome: runner.Passed,
		Exchange: &runner.Exchange{Method: "POST", URL: "http://127.0.0.1:1/items?k=v",
			RequestHeader: http.Header{"X-B": {"2"}, "Authorization": {"Bearer s3cr3t-token"}, "Host": {"127.0.0.1:1"}},
			RequestBody:   `{"a":1}`, RequestBodySize: 7, Status: 201,
			ResponseHeader: http.Header{"Content-Type": {"text/plain"}}, ResponseBody: body, ResponseBodySize: int64(len(body))}})
	v.RequestFinished(&runner.RequestResult{Name: "down", Method: "GET", Path: "/", Outcome: runner.Failed,
		Exchange: &runner.Exchange{Method: "GET", URL: "http://127.0.0.1:1/", RequestHeader: http.Header{}}})
	got := out.String()
	want := "PASS  get  POST  /items  201  0µs\n" +
		"  > POST http://127.0.0.1:1/items?k=v\n" +
		"  > Authorization: Bearer (sensitive value)\n" +
		"  > Host: 127.0.0.1:1\n" +
		"  > X-B: 2\n" +
		"  >\n" +
		"  > {\"a\":1}\n" +
		"  < 201 Created\n" +
		"  < Content-Type: text/plain\n" +
		"  <\n"
	if !strings.HasPrefix(got, want) {
		t.Errorf("got:\n%s\nwant to start with:\n%s", got, want)
	}
	if strings.Contains(got, "s3cr3t") {
		t.Error("a secret shown")
	}
	if n := strings.Count(got, "  < line\n"); n != 60 {
		t.Errorf("%d body lines shown, want 60", n)
	}
	if !strings.Contains(got, fmt.Sprintf("  < … (40 more lines; %d bytes in all)\n", len(body))) {
		t.Errorf("no note of the lines left out:\n%s", got)
	}
	if !strings.Contains(got, "FAIL  down  GET  /\n  > GET http://127.0.0.1:1/\n  < (no response)\n") {
		t.Errorf("a request without response:\n%s", got)
	}
}
