// Package addrs holds sigrun's typed addresses: the names by which one part
// of a collection refers to another (var.NAME, local.NAME, credentials.NAME,
// endpoint.NAME, request.NAME, response, each.key, count.index) and
// ParseRef, which turns an HCL traversal into a Reference.
//
// It owns the shape of a reference and the diagnostics for a malformed one.
// It does not know whether the named object exists (package dsl checks that),
// nor what value it has (the runner's evaluation state does).
package addrs
