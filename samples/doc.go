// Package samples holds example collections that users copy, and embeds
// the quickstart that `sigrun demo` runs. Each folder is one collection;
// a test validates every one of them.
//
// It owns no logic: only the files and the embedded copy.
package samples

import "embed"

// Quickstart is the quickstart collection, for `sigrun demo`; its files
// are at the root of quickstart/.
//
//go:embed quickstart/*.hcl
var Quickstart embed.FS
