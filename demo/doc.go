// Package demo is sigrun's embedded demo API: a small JSON resource
// (items: create, get, list, delete) behind the same authentication as an
// API Gateway API with AWS_IAM auth. It verifies SigV4 against the demo
// keys and answers like API Gateway: 403 "Missing Authentication Token"
// without a signature, and InvalidSignatureException with the canonical
// string it expected when the signature does not match.
//
// It owns the demo's routes, data and error wording. Signature checking is
// package signer's Verify; the demo only maps its errors to API Gateway's
// answers. It serves on loopback only.
package demo
