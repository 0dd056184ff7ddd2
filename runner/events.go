package runner

import (
	"net/http"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/sigrun-dev/sigrun/assertions"
)

// Outcome is what happened to a request.
type Outcome int

const (
	// NotRun: the run was interrupted (or stopped by --fail-fast) before
	// the request started.
	NotRun Outcome = iota
	// Passed: the request was sent and every check passed.
	Passed
	// Failed: the request could not be built or sent, or a check failed.
	Failed
	// Skipped: a request it depends on failed.
	Skipped
)

func (o Outcome) String() string {
	switch o {
	case Passed:
		return "passed"
	case Failed:
		return "failed"
	case Skipped:
		return "skipped"
	}
	return "not run"
}

// RequestResult is the outcome of one request, as reported to observers.
// It never holds a secret: URLs and headers are redacted before they are
// stored here.
type RequestResult struct {
	Name   string
	Method string
	// URL is the request's URL with secret query values redacted.
	URL string
	// Path is the URL's path and query, for the one-line summary.
	Path       string
	StatusCode int
	// Duration is the last attempt's; Elapsed is the whole request's, from
	// Started, over every attempt and the pauses between them.
	Duration time.Duration
	Elapsed  time.Duration
	Attempts int
	Outcome  Outcome
	Checks   []assertions.Result
	// Diags are the reasons for a failure: evaluation errors, transport
	// errors and failing checks.
	Diags hcl.Diagnostics
	// SkipReason says why a request was skipped or not run.
	SkipReason string
	DeclRange  hcl.Range
	Started    time.Time
	// Warnings counts failed checks of severity "warning": reported, but
	// the request still passes.
	Warnings int
	// SkewCorrected is set when the server's clock disagreed and the
	// request was signed again with a corrected clock.
	SkewCorrected bool

	// Block is the request block's address within the run: NAME, or
	// module.M.request.NAME (Name adds the instance key).
	Block string
	// Module is the module path ("" for the root, "module.auth").
	Module string
	// DependsOn lists the request blocks this one waited for.
	DependsOn []string
	// Tags are the request's tags.
	Tags []string
	// Exchange is what was sent and received on the last attempt, redacted
	// and shortened; set only when Options.Capture is on (--verbose,
	// reports).
	Exchange *Exchange
}

// Exchange is a request as sent and its response as received. Secrets are
// redacted (the Authorization header's signature, tokens, keys, sensitive
// values) and bodies are shortened to MaxCapturedBody.
type Exchange struct {
	Method         string
	URL            string
	RequestHeader  http.Header
	RequestBody    string
	Status         int
	ResponseHeader http.Header
	ResponseBody   string
	// Truncated bodies say how long they were.
	RequestBodySize  int64
	ResponseBodySize int64
}

// MaxCapturedBody bounds a body kept in an Exchange.
const MaxCapturedBody = 4 << 10

// OutputValue is an output block's value after the run.
type OutputValue struct {
	Name      string
	Value     cty.Value
	Sensitive bool
	// Err is set when the output could not be computed.
	Err string
}

// Summary is the outcome of a whole run.
type Summary struct {
	Results []*RequestResult
	Outputs []OutputValue
	Passed  int
	Failed  int
	Skipped int
	NotRun  int
	// Warnings counts failed checks of severity "warning" over all
	// requests; they do not fail the run.
	Warnings    int
	Interrupted bool
	// Diags are failures outside requests: a local value or output that
	// could not be evaluated with the responses that came back.
	Diags    hcl.Diagnostics
	Duration time.Duration
}

// OK reports whether the run passed: nothing failed, nothing was skipped
// or left unrun, and it was not interrupted.
func (s *Summary) OK() bool {
	return s.Failed == 0 && s.Skipped == 0 && s.NotRun == 0 && !s.Interrupted && !s.Diags.HasErrors()
}

// Observer receives a run's events. Calls come from several goroutines but
// never at the same time: the runner serialises them.
type Observer interface {
	RequestStarted(name string)
	RequestFinished(r *RequestResult)
	RunFinished(s *Summary)
}
