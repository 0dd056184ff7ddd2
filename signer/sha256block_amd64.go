//go:build amd64 && !purego

package signer

// blockSHANI runs the SHA-256 compression over each whole 64-byte block of
// p, updating h (the words a..h). It needs SHA, SSSE3 and SSE4.1.
//
//go:noescape
func blockSHANI(h *[8]uint32, p []byte)

func cpuid(leaf, sub uint32) (a, b, c, d uint32)

// hasSHANI reports whether this CPU has the SHA extensions and the SSSE3
// and SSE4.1 instructions blockSHANI uses besides.
func hasSHANI() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, c1, _ := cpuid(1, 0)
	_, b7, _, _ := cpuid(7, 0)
	const ssse3, sse41, sha = 1 << 9, 1 << 19, 1 << 29
	return c1&ssse3 != 0 && c1&sse41 != 0 && b7&sha != 0
}

var shaniOK = hasSHANI()

// block is the driver's compression function; callers check shaniOK
// (through useSHANI) first.
func block(h *[8]uint32, p []byte) { blockSHANI(h, p) }
