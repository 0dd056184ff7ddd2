// Package reporttest checks reports as their readers would: JSON reports
// against docs/report-schema.json, JUnit XML with a strict parser that
// refuses any element or attribute the JUnit schema does not have. Tests
// of the report package and of the command line use it.
package reporttest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// SchemaPath is docs/report-schema.json in this repository.
func SchemaPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "docs", "report-schema.json")
}

var (
	schemaOnce  sync.Once
	schema      *jsonschema.Schema
	schemaErr   error
	schemaID    string
	defCompiler *jsonschema.Compiler
	defMu       sync.Mutex
)

// Schema compiles docs/report-schema.json (draft 2020-12), asserting
// formats (date-time). It never fetches anything.
func Schema() (*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		f, err := os.Open(SchemaPath())
		if err != nil {
			schemaErr = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			schemaErr = fmt.Errorf("docs/report-schema.json: %w", err)
			return
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		if id == "" {
			schemaErr = fmt.Errorf("docs/report-schema.json has no $id")
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		c.AssertFormat()
		c.UseLoader(jsonschema.SchemeURLLoader{}) // no scheme: nothing is fetched
		if err := c.AddResource(id, doc); err != nil {
			schemaErr = err
			return
		}
		schemaID, defCompiler = id, c
		schema, schemaErr = c.Compile(id)
	})
	return schema, schemaErr
}

// ValidateJSON validates a JSON report against the schema.
func ValidateJSON(data []byte) error {
	sch, err := Schema()
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return sch.Validate(v)
}

// ValidateDef validates a JSON document against one of the schema's
// definitions ("request", "diagnostic", ...): for the examples in the
// documentation.
func ValidateDef(def string, data []byte) error {
	if _, err := Schema(); err != nil {
		return err
	}
	defMu.Lock()
	sch, err := defCompiler.Compile(schemaID + "#/$defs/" + def)
	defMu.Unlock()
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return sch.Validate(v)
}

// The JUnit XML schema as CI servers read it (Jenkins' junit-10.xsd, which
// GitHub's reporters and GitLab follow), plus the file and line attributes
// of a test case that GitLab and the GitHub reporters read. Any other
// element or attribute is an error.

// TestSuites is the root element.
type TestSuites struct {
	XMLName  xml.Name    `xml:"testsuites"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Disabled int         `xml:"disabled,attr"`
	Time     float64     `xml:"time,attr"`
	Suites   []TestSuite `xml:"testsuite"`
	Unknown  []Unknown   `xml:",any"`
	UnkAttrs []xml.Attr  `xml:",any,attr"`
	Text     string      `xml:",chardata"`
}

// TestSuite is a testsuite element.
type TestSuite struct {
	Name       string      `xml:"name,attr"`
	Tests      int         `xml:"tests,attr"`
	Failures   int         `xml:"failures,attr"`
	Errors     int         `xml:"errors,attr"`
	Skipped    int         `xml:"skipped,attr"`
	Disabled   int         `xml:"disabled,attr"`
	Time       float64     `xml:"time,attr"`
	Timestamp  string      `xml:"timestamp,attr"`
	Hostname   string      `xml:"hostname,attr"`
	ID         string      `xml:"id,attr"`
	Package    string      `xml:"package,attr"`
	Properties *Properties `xml:"properties"`
	Cases      []TestCase  `xml:"testcase"`
	SystemOut  *string     `xml:"system-out"`
	SystemErr  *string     `xml:"system-err"`
	Unknown    []Unknown   `xml:",any"`
	UnkAttrs   []xml.Attr  `xml:",any,attr"`
	Text       string      `xml:",chardata"`
}

// Properties is a properties element.
type Properties struct {
	Properties []struct {
		Name     string     `xml:"name,attr"`
		Value    string     `xml:"value,attr"`
		UnkAttrs []xml.Attr `xml:",any,attr"`
		Unknown  []Unknown  `xml:",any"`
	} `xml:"property"`
	Unknown  []Unknown  `xml:",any"`
	UnkAttrs []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
}

// TestCase is a testcase element.
type TestCase struct {
	Name       string     `xml:"name,attr"`
	Classname  string     `xml:"classname,attr"`
	Assertions string     `xml:"assertions,attr"`
	Time       float64    `xml:"time,attr"`
	Status     string     `xml:"status,attr"`
	File       string     `xml:"file,attr"`
	Line       int        `xml:"line,attr"`
	Skipped    []Skipped  `xml:"skipped"`
	Errors     []Problem  `xml:"error"`
	Failures   []Problem  `xml:"failure"`
	SystemOut  *string    `xml:"system-out"`
	SystemErr  *string    `xml:"system-err"`
	Unknown    []Unknown  `xml:",any"`
	UnkAttrs   []xml.Attr `xml:",any,attr"`
	Text       string     `xml:",chardata"`
}

// Skipped is a skipped element.
type Skipped struct {
	Message  string     `xml:"message,attr"`
	Text     string     `xml:",chardata"`
	Unknown  []Unknown  `xml:",any"`
	UnkAttrs []xml.Attr `xml:",any,attr"`
}

// Problem is a failure or error element.
type Problem struct {
	Message  string     `xml:"message,attr"`
	Type     string     `xml:"type,attr"`
	Text     string     `xml:",chardata"`
	Unknown  []Unknown  `xml:",any"`
	UnkAttrs []xml.Attr `xml:",any,attr"`
}

// Unknown catches an element the schema does not have.
type Unknown struct {
	XMLName xml.Name
}

// ParseJUnit parses JUnit XML strictly: every element and attribute must
// be the schema's, text only where the schema has it, the counts of every
// suite must add up to its test cases and the root's to its suites', and
// a test case has at most one of failure, error and skipped.
func ParseJUnit(data []byte) (*TestSuites, error) {
	var doc TestSuites
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("JUnit XML: %w", err)
	}
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	unknown := func(where string, els []Unknown, attrs []xml.Attr, text string) {
		for _, e := range els {
			bad("%s: unknown element <%s>", where, e.XMLName.Local)
		}
		for _, a := range attrs {
			bad("%s: unknown attribute %s", where, a.Name.Local)
		}
		if strings.TrimSpace(text) != "" {
			bad("%s: unexpected text %q", where, strings.TrimSpace(text))
		}
	}
	unknown("testsuites", doc.Unknown, doc.UnkAttrs, doc.Text)
	var tests, failures, errors, skipped int
	for _, s := range doc.Suites {
		where := fmt.Sprintf("testsuite %q", s.Name)
		unknown(where, s.Unknown, s.UnkAttrs, s.Text)
		if s.Name == "" {
			bad("a testsuite has no name")
		}
		if s.Properties != nil {
			unknown(where+" properties", s.Properties.Unknown, s.Properties.UnkAttrs, s.Properties.Text)
			for _, p := range s.Properties.Properties {
				unknown(where+" property", p.Unknown, p.UnkAttrs, "")
			}
		}
		var f, e, sk int
		for _, c := range s.Cases {
			cw := fmt.Sprintf("%s testcase %q", where, c.Name)
			unknown(cw, c.Unknown, c.UnkAttrs, c.Text)
			if c.Name == "" {
				bad("%s: a testcase has no name", where)
			}
			for _, p := range append(append([]Problem(nil), c.Failures...), c.Errors...) {
				unknown(cw+" failure/error", p.Unknown, p.UnkAttrs, "")
			}
			for _, p := range c.Skipped {
				unknown(cw+" skipped", p.Unknown, p.UnkAttrs, "")
			}
			n := 0
			if len(c.Failures) > 0 {
				f++
				n++
			}
			if len(c.Errors) > 0 {
				e++
				n++
			}
			if len(c.Skipped) > 0 {
				sk++
				n++
			}
			if n > 1 {
				bad("%s: more than one of failure, error and skipped", cw)
			}
		}
		if s.Tests != len(s.Cases) || s.Failures != f || s.Errors != e || s.Skipped != sk {
			bad("%s: counts tests=%d failures=%d errors=%d skipped=%d, its cases %d, %d, %d, %d",
				where, s.Tests, s.Failures, s.Errors, s.Skipped, len(s.Cases), f, e, sk)
		}
		tests += s.Tests
		failures += s.Failures
		errors += s.Errors
		skipped += s.Skipped
	}
	if doc.Tests != tests || doc.Failures != failures || doc.Errors != errors || doc.Skipped != skipped {
		bad("testsuites: counts tests=%d failures=%d errors=%d skipped=%d, its suites' %d, %d, %d, %d",
			doc.Tests, doc.Failures, doc.Errors, doc.Skipped, tests, failures, errors, skipped)
	}
	if len(errs) > 0 {
		return &doc, fmt.Errorf("JUnit XML: %s", strings.Join(errs, "; "))
	}
	return &doc, nil
}
