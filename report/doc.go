// Package report writes a run's machine-readable reports: JUnit XML for CI
// test reporters, JSON in a documented, versioned schema
// (docs/report-schema.json), and one self-contained HTML file with a
// timeline of the run. It also prints GitHub Actions annotations and step
// summaries, splits a collection into shards for a CI matrix and merges the
// shards' JSON reports.
//
// Every writer works from Report, the JSON form: a run's runner.Summary is
// turned into a Report by Build (every string redacted, diagnostics in the
// view.Diagnostic form), and a merged Report is written by the same
// writers.
package report
