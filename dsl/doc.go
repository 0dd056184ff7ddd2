// Package dsl is sigrun's language: it loads the *.hcl files of a collection,
// decodes each block with an explicit hcl.BodySchema into a configuration
// model that keeps expressions raw (hcl.Expression with their source ranges),
// checks what can be checked without running anything (duplicate names,
// references to undeclared objects, misplaced symbols, conflicting
// arguments), resolves input variable values with Terraform's precedence,
// and builds evaluation contexts for expressions.
//
// It owns the schema of every block and every diagnostic about the files.
// It knows nothing of HTTP, signing or credentials resolution: it never
// sends a request and never reads AWS configuration. Values that depend on a
// response are supplied by the caller through the Data interface.
package dsl
