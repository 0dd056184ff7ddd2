package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/sigrun-dev/sigrun/runner"
	"github.com/sigrun-dev/sigrun/view"
)

// FormatVersion is the version of the JSON report's schema
// (docs/report-schema.json). The major number changes when a field is
// removed or changes meaning; the minor number when fields are added.
// Readers accept any report with the same major number.
const FormatVersion = "1.0"

// Tool names the program in reports.
const Tool = "sigrun"

// Outcomes of a request, as reports spell them.
const (
	OutcomePassed  = "passed"
	OutcomeFailed  = "failed"
	OutcomeSkipped = "skipped"
	OutcomeNotRun  = "not_run"
)

// Report is a run in the JSON report's form. Nothing in it is secret: it
// is built from redacted results and redacted again.
type Report struct {
	FormatVersion string     `json:"format_version"`
	Tool          string     `json:"tool"`
	Collection    Collection `json:"collection"`
	// Started is when the run started; DurationMS how long it took
	// (merged: from the first shard's start to the last shard's end).
	Started    time.Time `json:"started"`
	DurationMS float64   `json:"duration_ms"`
	// Shard is set on the report of one shard of a sharded run.
	Shard *Shard `json:"shard,omitempty"`
	// MergedShards lists the shards a merged report was made from.
	MergedShards []Shard    `json:"merged_shards,omitempty"`
	Summary      Summary    `json:"summary"`
	Requests     []*Request `json:"requests"`
	Outputs      []*Output  `json:"outputs"`
	// Diagnostics are failures outside requests: a local or output that
	// could not be evaluated.
	Diagnostics []*view.Diagnostic `json:"diagnostics"`
}

// Collection names the collection that was run.
type Collection struct {
	// Name is the collection folder's base name: the JUnit suite name.
	Name string `json:"name"`
	// Path is the folder as given on the command line.
	Path string `json:"path,omitempty"`
}

// Shard is one part of a sharded run: Index from 1 to Count.
type Shard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// Summary counts the requests by outcome. Total is their sum; OK is the
// run's verdict (nothing failed, skipped or left unrun, not interrupted, no
// run-level error).
type Summary struct {
	Total       int  `json:"total"`
	Passed      int  `json:"passed"`
	Failed      int  `json:"failed"`
	Skipped     int  `json:"skipped"`
	NotRun      int  `json:"not_run"`
	Warnings    int  `json:"warnings"`
	Interrupted bool `json:"interrupted"`
	OK          bool `json:"ok"`
}

// Line is the run's closing line: "N passed, N failed, N skipped", not-run
// requests counted as skipped (as view.SummaryLine).
func (s Summary) Line() string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", s.Passed, s.Failed, s.Skipped+s.NotRun)
}

// Request is one request, or one instance of a request with for_each or
// count.
type Request struct {
	// Name is the instance's display name: get, get["a"], get[0],
	// module.auth.request.login.
	Name string `json:"name"`
	// Block is the request block's address: NAME or module.M.request.NAME.
	Block string `json:"block"`
	// Module is the module path: "" for the root, "module.auth".
	Module  string `json:"module"`
	Outcome string `json:"outcome"`
	Method  string `json:"method,omitempty"`
	URL     string `json:"url,omitempty"`
	Path    string `json:"path,omitempty"`
	// Status is the HTTP status of the last response; absent without one.
	Status int `json:"status,omitempty"`
	// Started is absent for a request that never started.
	Started    *time.Time `json:"started,omitempty"`
	DurationMS float64    `json:"duration_ms"`
	Attempts   int        `json:"attempts"`
	// SkipReason says why a request was skipped or not run.
	SkipReason    string   `json:"skip_reason,omitempty"`
	Warnings      int      `json:"warnings"`
	SkewCorrected bool     `json:"skew_corrected,omitempty"`
	Checks        []*Check `json:"checks"`
	// Diagnostics are every reason for a failure and every warning:
	// failing checks, evaluation and transport errors, the 403 explainer.
	Diagnostics []*view.Diagnostic `json:"diagnostics"`
	DependsOn   []string           `json:"depends_on"`
	Tags        []string           `json:"tags"`
	// Source is where the request block is declared.
	Source *view.Range `json:"source,omitempty"`
	// Exchange is what was sent and received on the last attempt.
	Exchange *Exchange `json:"exchange,omitempty"`
}

// Check is one expect argument or assert block.
type Check struct {
	Name        string             `json:"name"`
	Passed      bool               `json:"passed"`
	Warning     bool               `json:"warning,omitempty"`
	Diagnostics []*view.Diagnostic `json:"diagnostics,omitempty"`
}

// Exchange is a request as sent and its response as received, redacted,
// bodies shortened.
type Exchange struct {
	Method           string              `json:"method"`
	URL              string              `json:"url"`
	RequestHeaders   map[string][]string `json:"request_headers"`
	RequestBody      string              `json:"request_body"`
	RequestBodySize  int64               `json:"request_body_size"`
	Status           int                 `json:"status,omitempty"`
	ResponseHeaders  map[string][]string `json:"response_headers,omitempty"`
	ResponseBody     string              `json:"response_body"`
	ResponseBodySize int64               `json:"response_body_size"`
}

// Output is an output block's value after the run. A sensitive value is
// the string "(sensitive value)"; an output that could not be computed has
// a null value and Error.
type Output struct {
	Name      string          `json:"name"`
	Sensitive bool            `json:"sensitive"`
	Value     json.RawMessage `json:"value"`
	Error     string          `json:"error,omitempty"`
}

// Failed reports whether the request failed.
func (r *Request) Failed() bool { return r.Outcome == OutcomeFailed }

// Ran reports whether the request was sent (passed or failed).
func (r *Request) Ran() bool { return r.Outcome == OutcomePassed || r.Outcome == OutcomeFailed }

// Duration is the request's duration.
func (r *Request) Duration() time.Duration { return msDuration(r.DurationMS) }

// ShortName is the name within its module: login for
// module.auth.request.login.
func (r *Request) ShortName() string {
	if r.Module == "" {
		return r.Name
	}
	return strings.TrimPrefix(r.Name, r.Module+".request.")
}

func msDuration(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

func durationMS(d time.Duration) float64 {
	// Microsecond precision is plenty and keeps the numbers short.
	return float64(d.Microseconds()) / 1000
}

// WriteJSON writes rep as indented JSON.
func WriteJSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// ReadJSON reads a JSON report, refusing one whose format's major version
// differs from FormatVersion's.
func ReadJSON(r io.Reader) (*Report, error) {
	dec := json.NewDecoder(r)
	var rep Report
	if err := dec.Decode(&rep); err != nil {
		return nil, fmt.Errorf("not a sigrun JSON report: %w", err)
	}
	if rep.Tool != Tool || rep.FormatVersion == "" {
		return nil, fmt.Errorf("not a sigrun JSON report (no format_version)")
	}
	if major(rep.FormatVersion) != major(FormatVersion) {
		return nil, fmt.Errorf("report format %s is not supported by this sigrun (it reads %s.x)", rep.FormatVersion, major(FormatVersion))
	}
	return &rep, nil
}

// ReadJSONFile reads the JSON report in the named file.
func ReadJSONFile(name string) (*Report, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rep, err := ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return rep, nil
}

func major(v string) string {
	m, _, _ := strings.Cut(v, ".")
	return m
}

// runner converts back to the runner's form, for view.WriteExchange.
func (ex *Exchange) runner() *runner.Exchange {
	return &runner.Exchange{
		Method: ex.Method, URL: ex.URL,
		RequestHeader: http.Header(ex.RequestHeaders), RequestBody: ex.RequestBody, RequestBodySize: ex.RequestBodySize,
		Status: ex.Status, ResponseHeader: http.Header(ex.ResponseHeaders), ResponseBody: ex.ResponseBody, ResponseBodySize: ex.ResponseBodySize,
	}
}
