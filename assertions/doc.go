// Package assertions evaluates a request's checks against its response:
// the expect shorthand (status, headers, json subset, body_contains,
// body_matches, max_duration) and assert blocks (condition, error_message).
// Every failing check becomes an hcl.Diagnostic carrying the expression and
// the evaluation context, so that a renderer can show the source line and
// the value of each reference in it ("response.status is 403").
//
// It owns the semantics of each check and the wording of its failure, and
// how a response body reads as JSON (DecodeJSON: response.json and the
// json checks see the same value). It
// does not decode blocks (package dsl does), send requests or render
// diagnostics (the runner and the report view do).
package assertions
