package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sigrun-dev/sigrun/view"
)

// The JUnit XML elements, as GitHub (dorny/test-reporter,
// mikepenz/action-junit-report), GitLab (artifacts:reports:junit) and
// Jenkins (the junit step) read them: testsuites > testsuite > testcase,
// with failure, error and skipped children.

// JUnitTestSuites is the document's root.
type JUnitTestSuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Skipped  int              `xml:"skipped,attr"`
	Time     string           `xml:"time,attr"`
	Suites   []JUnitTestSuite `xml:"testsuite"`
}

// JUnitTestSuite is the requests of one collection or module.
type JUnitTestSuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Time       string           `xml:"time,attr"`
	Timestamp  string           `xml:"timestamp,attr,omitempty"`
	Properties *JUnitProperties `xml:"properties,omitempty"`
	Cases      []JUnitTestCase  `xml:"testcase"`
	SystemErr  *JUnitText       `xml:"system-err,omitempty"`
}

// JUnitProperties holds a suite's properties.
type JUnitProperties struct {
	Properties []JUnitProperty `xml:"property"`
}

// JUnitProperty is one name and value.
type JUnitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// JUnitTestCase is one request or request instance.
type JUnitTestCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *JUnitProblem `xml:"failure,omitempty"`
	Error     *JUnitProblem `xml:"error,omitempty"`
	Skipped   *JUnitSkipped `xml:"skipped,omitempty"`
	SystemOut *JUnitText    `xml:"system-out,omitempty"`
}

// JUnitText is text kept as it is (a CDATA section).
type JUnitText struct {
	Text string `xml:",cdata"`
}

func junitText(s string) *JUnitText {
	if s == "" {
		return nil
	}
	return &JUnitText{Text: xmlSafe(s)}
}

// xmlSafe replaces what XML 1.0 cannot hold, even in a CDATA section
// (control characters such as ESC or NUL from a response body, invalid
// UTF-8), with U+FFFD. encoding/xml writes CDATA as it is.
func xmlSafe(s string) string {
	ok := func(r rune) bool {
		return r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xD7FF) ||
			(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
	}
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || !ok(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if !ok(r) {
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// JUnitProblem is a failure (a check failed) or an error (the request could
// not be built or sent).
type JUnitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// JUnitSkipped marks a request that was skipped or not run.
type JUnitSkipped struct {
	Message string `xml:"message,attr"`
}

// JUnit converts a report: a suite per collection and per module, a test
// case per request instance. A request whose checks failed is a failure; a
// request that failed without a failing check (it could not be evaluated
// or sent) is an error; skipped and not-run requests are skipped with the
// reason.
func JUnit(rep *Report) *JUnitTestSuites {
	doc := &JUnitTestSuites{Name: rep.Collection.Name, Time: seconds(rep.DurationMS)}
	byModule := map[string]int{}
	suiteOf := func(module string) *JUnitTestSuite {
		i, ok := byModule[module]
		if !ok {
			name := rep.Collection.Name
			if module != "" {
				name += "/" + module
			}
			s := JUnitTestSuite{Name: name, Timestamp: rep.Started.UTC().Format("2006-01-02T15:04:05")}
			if rep.Shard != nil {
				s.Properties = &JUnitProperties{[]JUnitProperty{{Name: "shard", Value: rep.Shard.String()}}}
			}
			i = len(doc.Suites)
			byModule[module] = i
			doc.Suites = append(doc.Suites, s)
		}
		return &doc.Suites[i]
	}
	// A suite's time is from its first request's start to its last one's
	// end: requests run in parallel, so their durations do not add up.
	type span struct{ start, end time.Time }
	spans := map[string]*span{}
	for _, r := range rep.Requests {
		s := suiteOf(r.Module)
		if r.Started != nil {
			sp := spans[r.Module]
			end := r.Started.Add(r.Duration())
			if sp == nil {
				spans[r.Module] = &span{*r.Started, end}
			} else {
				if r.Started.Before(sp.start) {
					sp.start = *r.Started
				}
				if end.After(sp.end) {
					sp.end = end
				}
			}
		}
		tc := JUnitTestCase{Name: r.ShortName(), Classname: s.Name, Time: seconds(r.DurationMS)}
		if r.Source != nil {
			tc.File, tc.Line = r.Source.Filename, r.Source.Line
		}
		s.Tests++
		switch r.Outcome {
		case OutcomeFailed:
			p := problem(r)
			if checkFailed(r) {
				tc.Failure = p
				s.Failures++
			} else {
				tc.Error = p
				s.Errors++
			}
		case OutcomeSkipped, OutcomeNotRun:
			tc.Skipped = &JUnitSkipped{Message: r.SkipReason}
			s.Skipped++
		}
		var out []string
		if r.Outcome == OutcomePassed && len(r.Diagnostics) > 0 {
			out = append(out, diagText(r.Diagnostics)) // warnings
		}
		if r.Exchange != nil && r.Outcome != OutcomePassed {
			out = append(out, exchangeText(r.Exchange))
		}
		tc.SystemOut = junitText(strings.Join(out, "\n\n"))
		s.Cases = append(s.Cases, tc)
	}
	if _, ok := byModule[""]; !ok && (len(doc.Suites) == 0 || len(rep.Diagnostics) > 0) {
		// A run without requests still has its suite; so has one whose
		// run-level errors (in the collection's suite) are all it has.
		suiteOf("")
	}
	for i := range doc.Suites {
		s := &doc.Suites[i]
		s.Time = seconds(0)
		for m, idx := range byModule {
			if sp := spans[m]; idx == i && sp != nil {
				s.Time = seconds(durationMS(sp.end.Sub(sp.start)))
			}
		}
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}
	if len(rep.Diagnostics) > 0 {
		doc.Suites[byModule[""]].SystemErr = junitText(diagText(rep.Diagnostics))
	}
	return doc
}

// WriteJUnit writes rep as JUnit XML.
func WriteJUnit(w io.Writer, rep *Report) error {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(JUnit(rep)); err != nil {
		return err
	}
	b.WriteString("\n")
	_, err := w.Write(b.Bytes())
	return err
}

func seconds(ms float64) string { return fmt.Sprintf("%.3f", ms/1000) }

// checkFailed reports whether a check of r failed (not as a warning).
func checkFailed(r *Request) bool {
	for _, c := range r.Checks {
		if !c.Passed && !c.Warning {
			return true
		}
	}
	return false
}

// problem is a failed request's failure or error: the first error's
// message and place, and every diagnostic in full.
func problem(r *Request) *JUnitProblem {
	p := &JUnitProblem{Type: "request", Message: "request failed"}
	var first *view.Diagnostic
	for _, c := range r.Checks {
		if !c.Passed && !c.Warning {
			p.Type = c.Name
			if len(c.Diagnostics) > 0 {
				first = c.Diagnostics[0]
			}
			break
		}
	}
	if first == nil {
		for _, d := range r.Diagnostics {
			if d.Severity == "error" {
				first = d
				p.Type = d.Summary
				break
			}
		}
	}
	if first != nil {
		p.Message = Message(first)
		if first.Range != nil {
			p.Message = fmt.Sprintf("%s:%d: %s", first.Range.Filename, first.Range.Line, p.Message)
		}
	}
	p.Text = xmlSafe(diagText(r.Diagnostics))
	return p
}

// Message is a diagnostic in one line: its summary and the first line of
// its detail ("Assertion failed: the API must return the new item's id").
func Message(d *view.Diagnostic) string {
	msg := d.Summary
	if detail, _, _ := strings.Cut(strings.TrimSpace(d.Detail), "\n"); detail != "" {
		msg += ": " + detail
	}
	return msg
}

// diagText renders diagnostics as the terminal does, without colour.
func diagText(ds []*view.Diagnostic) string {
	var b bytes.Buffer
	dw := &view.DiagnosticWriter{W: &b, Styles: view.NewStyles(&b, false)}
	for _, d := range ds {
		dw.Write(d)
	}
	return strings.TrimRight(b.String(), "\n")
}

// exchangeText renders an exchange as --verbose shows it.
func exchangeText(ex *Exchange) string {
	var b strings.Builder
	view.WriteExchange(&b, nil, ex.runner(), nil)
	return strings.TrimRight(b.String(), "\n")
}
