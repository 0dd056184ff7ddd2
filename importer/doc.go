// Package importer turns requests written for other tools into sigrun
// collections: Postman collections (v2.0 and v2.1, with an environment) and
// curl or awscurl command lines. It parses the foreign format into a small
// model of sigrun's blocks (variables, credentials, endpoints, requests) and
// writes that model as HCL with hclwrite, formatted as `sigrun fmt` would.
//
// It also holds the shell-word splitting and quoting that curl import and
// export share.
//
// What it does not own: evaluating or running the result (package runner),
// the language's schema (package dsl), the command line (package command).
// Secrets are never written: an auth token, key or password found in the
// input becomes a variable without a default, marked sensitive.
package importer
