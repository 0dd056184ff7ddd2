// Package funcs owns sigrun's function table: the set of functions that
// every HCL expression in a collection may call, such as upper("a"),
// jsonencode(local.body), file("payload.json") or env("API_TOKEN", "").
//
// The table is built once per collection by Functions, which returns a
// fresh map each time. The names and behaviour follow the function
// library that users of Terraform-style configuration already know
// (string, numeric, collection, encoding, hashing, date and file
// functions, plus try and can), so that an expression behaves the same
// way in a sigrun collection as it would there. A few functions are
// specific to sigrun: env, which reads the process environment through
// an injected lookup, and hmacsha256, which signs request payloads.
//
// Everything that touches the outside world is injected through Options:
// the folder that relative paths are resolved against, the environment
// lookup, the clock, the file reader and the randomness behind uuid().
// The package keeps no global mutable state, so several collections can
// build and use their own tables concurrently.
//
// What the package does not own: it does not build hcl.EvalContext values,
// does not define or resolve variables, locals, endpoints or request and
// response data, and performs no HTTP. Those belong to the packages that
// decode and run a collection; they put the map returned by Functions into
// the Functions field of the evaluation contexts they construct.
package funcs
