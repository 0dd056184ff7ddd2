// Package runner executes a collection: it turns the decoded blocks into
// graph nodes with edges from their references and depends_on, checks the
// whole collection without sending anything (the validate pass), then walks
// the graph with at most N requests in flight, evaluating each request just
// before it runs so that it can use earlier responses, signing it, sending
// it, checking its response and emitting events to an Observer.
//
// It owns execution order, HTTP mechanics, the response object exposed to
// expressions and the outcome of each request. It does not parse files
// (package dsl), compute signatures or resolve credential sources (package
// signer), decide what a check means (package assertions) or print anything
// (the Observer does).
package runner
