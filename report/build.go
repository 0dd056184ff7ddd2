package report

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/sigrun-dev/sigrun/runner"
	"github.com/sigrun-dev/sigrun/view"
)

// Meta is what a report needs besides the summary.
type Meta struct {
	// Collection is the folder as given; its base name names the suite.
	Collection string
	// Started is when the run started; zero means Duration before now.
	Started time.Time
	// Files is the collection's source cache, for diagnostics' snippets.
	Files map[string]*hcl.File
	// Redact is applied to every string taken from the run (the runner's
	// Redact); nil leaves strings as they are.
	Redact func(string) string
	// Shard is set when the run was one shard of a sharded run.
	Shard *Shard
	// Blocks describe the run's request blocks (runner.Plan): they give
	// the dependencies and tags of results that carry only their name
	// (requests that were skipped or never started).
	Blocks []Block
}

// CollectionName is the name reports give a collection at path: its
// folder's base name.
func CollectionName(path string) string {
	if path == "" {
		return "sigrun"
	}
	clean := filepath.Clean(path)
	if abs, err := filepath.Abs(clean); err == nil {
		clean = abs
	}
	if filepath.Ext(clean) == ".hcl" { // a collection given as one file
		clean = filepath.Dir(clean)
	}
	name := filepath.Base(clean)
	if name == "/" || name == "." || name == "" {
		return "sigrun"
	}
	return name
}

// Build turns a run's summary into a report.
func Build(sum *runner.Summary, m Meta) *Report {
	redact := m.Redact
	if redact == nil {
		redact = func(s string) string { return s }
	}
	started := m.Started
	if started.IsZero() {
		started = time.Now().Add(-sum.Duration)
	}
	rep := &Report{
		FormatVersion: FormatVersion,
		Tool:          Tool,
		Collection:    Collection{Name: CollectionName(m.Collection), Path: m.Collection},
		Started:       started.UTC(),
		DurationMS:    durationMS(sum.Duration),
		Shard:         m.Shard,
		Requests:      []*Request{},
		Outputs:       []*Output{},
		Diagnostics:   diagnostics(sum.Diags, m.Files, redact),
	}
	blocks := map[string]Block{}
	for _, b := range m.Blocks {
		blocks[b.Name] = b
	}
	for _, rr := range sum.Results {
		r := NewRequest(rr, m.Files, redact)
		if b, ok := blocks[r.Block]; ok && !r.Ran() {
			if len(r.DependsOn) == 0 {
				r.DependsOn = nonNil(b.DependsOn)
			}
			if len(r.Tags) == 0 && len(b.Tags) > 0 {
				r.Tags = nonNil(b.Tags)
			}
		}
		rep.Requests = append(rep.Requests, r)
	}
	for _, o := range sum.Outputs {
		rep.Outputs = append(rep.Outputs, newOutput(o, redact))
	}
	rep.Summary = Count(rep.Requests)
	rep.Summary.Interrupted = sum.Interrupted
	rep.Summary.OK = sum.OK()
	return rep
}

// Count counts requests by outcome; Interrupted and OK are left to the
// caller (OK is set as if nothing else went wrong).
func Count(reqs []*Request) Summary {
	var s Summary
	for _, r := range reqs {
		s.Total++
		s.Warnings += r.Warnings
		switch r.Outcome {
		case OutcomePassed:
			s.Passed++
		case OutcomeFailed:
			s.Failed++
		case OutcomeSkipped:
			s.Skipped++
		default:
			s.NotRun++
		}
	}
	s.OK = s.Failed == 0 && s.Skipped == 0 && s.NotRun == 0
	return s
}

// NewRequest converts one result. Every string is passed through redact
// (nil: none); diagnostics take their snippets from files.
func NewRequest(rr *runner.RequestResult, files map[string]*hcl.File, redact func(string) string) *Request {
	if redact == nil {
		redact = func(s string) string { return s }
	}
	block, module := rr.Block, rr.Module
	if block == "" {
		// Results of requests that never started carry only their name.
		block, module = blockOf(rr.Name)
	}
	r := &Request{
		Name:          redact(rr.Name),
		Block:         redact(block),
		Module:        module,
		Outcome:       outcome(rr.Outcome),
		Method:        rr.Method,
		URL:           redact(rr.URL),
		Path:          redact(rr.Path),
		Status:        rr.StatusCode,
		DurationMS:    durationMS(rr.Duration),
		Attempts:      rr.Attempts,
		SkipReason:    redact(rr.SkipReason),
		Warnings:      rr.Warnings,
		SkewCorrected: rr.SkewCorrected,
		Checks:        []*Check{},
		Diagnostics:   diagnostics(rr.Diags, files, redact),
		DependsOn:     nonNil(rr.DependsOn),
		Tags:          []string{},
	}
	for _, t := range rr.Tags {
		r.Tags = append(r.Tags, redact(t))
	}
	if !rr.Started.IsZero() {
		t := rr.Started.UTC()
		r.Started = &t
	}
	if rr.DeclRange.Filename != "" {
		r.Source = &view.Range{
			Filename: rr.DeclRange.Filename,
			Line:     rr.DeclRange.Start.Line, Column: rr.DeclRange.Start.Column,
			EndLine: rr.DeclRange.End.Line, EndCol: rr.DeclRange.End.Column,
		}
	}
	for _, c := range rr.Checks {
		check := &Check{Name: c.Name, Passed: c.Passed, Warning: c.Warning}
		if len(c.Diags) > 0 {
			check.Diagnostics = diagnostics(c.Diags, files, redact)
		}
		r.Checks = append(r.Checks, check)
	}
	if ex := rr.Exchange; ex != nil {
		r.Exchange = &Exchange{
			Method:           ex.Method,
			URL:              redact(ex.URL),
			RequestHeaders:   headers(ex.RequestHeader, redact),
			RequestBody:      redact(ex.RequestBody),
			RequestBodySize:  ex.RequestBodySize,
			Status:           ex.Status,
			ResponseHeaders:  headers(ex.ResponseHeader, redact),
			ResponseBody:     redact(ex.ResponseBody),
			ResponseBodySize: ex.ResponseBodySize,
		}
	}
	return r
}

// blockOf derives a result's block and module from its display name:
// get["a"] → get; module.auth.request.login[0] → module.auth.request.login
// in module.auth.
func blockOf(name string) (block, module string) {
	block = name
	if i := strings.IndexByte(block, '['); i >= 0 {
		block = block[:i]
	}
	if strings.HasPrefix(block, "module.") {
		if i := strings.LastIndex(block, ".request."); i >= 0 {
			module = block[:i]
		}
	}
	return block, module
}

func outcome(o runner.Outcome) string {
	switch o {
	case runner.Passed:
		return OutcomePassed
	case runner.Failed:
		return OutcomeFailed
	case runner.Skipped:
		return OutcomeSkipped
	}
	return OutcomeNotRun
}

func diagnostics(ds hcl.Diagnostics, files map[string]*hcl.File, redact func(string) string) []*view.Diagnostic {
	out := []*view.Diagnostic{}
	for _, d := range ds {
		out = append(out, view.NewDiagnostic(d, files, redact))
	}
	return out
}

func headers(h http.Header, redact func(string) string) map[string][]string {
	if h == nil {
		return nil
	}
	out := make(map[string][]string, len(h))
	for k, vs := range h {
		red := make([]string, len(vs))
		for i, v := range vs {
			red[i] = redact(v)
		}
		out[k] = red
	}
	return out
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	out := append([]string(nil), ss...)
	sort.Strings(out)
	return slices.Compact(out)
}

var sensitiveJSON = mustJSON(runner.Redacted)

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// newOutput converts an output value to JSON; a sensitive one (declared,
// or holding a sensitive value) becomes "(sensitive value)".
func newOutput(o runner.OutputValue, redact func(string) string) *Output {
	out := &Output{Name: o.Name, Sensitive: o.Sensitive, Value: json.RawMessage("null")}
	switch {
	case o.Err != "":
		out.Error = redact(o.Err)
		return out
	case o.Sensitive:
		out.Value = sensitiveJSON
		return out
	case o.Value == cty.NilVal:
		out.Error = "not computed"
		return out
	}
	v, marks := o.Value.UnmarkDeep()
	if len(marks) > 0 {
		out.Sensitive = true
		out.Value = sensitiveJSON
		return out
	}
	if !v.IsWhollyKnown() {
		out.Error = "unknown"
		return out
	}
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		out.Error = "cannot be written as JSON: " + err.Error()
		return out
	}
	if red := redact(string(b)); red != string(b) {
		// A secret sat in the value. The redacted text is still JSON when
		// the secret was inside a string (the usual case); else hide all.
		if json.Valid([]byte(red)) {
			b = []byte(red)
		} else {
			b = sensitiveJSON
		}
	}
	out.Value = b
	return out
}
