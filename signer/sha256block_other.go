//go:build !amd64 || purego

package signer

// Without the amd64 SHA extensions the signer hashes with crypto/sha256
// (see sha256.go); block is never called.
const shaniOK = false

func block(h *[8]uint32, p []byte) { panic("signer: no SHA-NI block function") }
