package signer

import "encoding/binary"

// The signer hashes canonical requests and strings to sign, and computes
// the signature's HMAC, with its own SHA-256 driver over the SHA-NI
// compression (sha256block_amd64.s) where the CPU has it, and with
// crypto/sha256 elsewhere. The driver pads in the caller's buffer and keeps
// states as eight words, so a signature costs its compressions and little
// else: no digest copies, no marshalled HMAC states.

// useSHANI selects the signer's SHA-256 driver; tests turn it off to run
// the crypto/sha256 path on machines that have SHA-NI.
var useSHANI = shaniOK

// sha256IV is SHA-256's initial state.
var sha256IV = [8]uint32{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}

// shaPad is the start of every SHA-256 padding: a one bit, then zeros.
var shaPad = [64]byte{0x80}

// appendSHAPad appends the SHA-256 padding of a message of total bytes to
// b, which holds the message's last total%64 bytes (and maybe whole blocks
// before them), so that len(b) becomes a multiple of 64.
func appendSHAPad(b []byte, total int) []byte {
	b = append(b, shaPad[:1+(55-total)&63]...)
	return binary.BigEndian.AppendUint64(b, uint64(total)<<3)
}

// putDigest writes the state h as a 32-byte digest.
func putDigest(d *[32]byte, h *[8]uint32) {
	for i, w := range h {
		binary.BigEndian.PutUint32(d[4*i:], w)
	}
}

// appendHexDigest appends the lower-case hex of the digest of state h.
func appendHexDigest(dst []byte, h *[8]uint32) []byte {
	for _, w := range h {
		dst = binary.BigEndian.AppendUint64(dst, hexWord(w))
	}
	return dst
}

// hexWord returns the eight lower-case hex digits of w, first digit in the
// most significant byte, computed in one register: the nibbles are spread
// one per byte, then each becomes '0'+n, plus 'a'-'0'-10 where n > 9.
func hexWord(w uint32) uint64 {
	x := uint64(w)
	x = (x | x<<16) & 0x0000ffff0000ffff
	x = (x | x<<8) & 0x00ff00ff00ff00ff
	x = (x | x<<4) & 0x0f0f0f0f0f0f0f0f
	// x now has nibble 7-i of w in byte i from the top: w's first nibble
	// is in the top byte.
	over := (x + 0x0606060606060606) >> 4 & 0x0101010101010101 // 1 where n > 9
	return x + 0x3030303030303030 + over*('a'-'0'-10)
}

// stateAfter returns the SHA-256 state after the whole blocks of p, from
// start.
func stateAfter(start *[8]uint32, p []byte) [8]uint32 {
	h := *start
	block(&h, p)
	return h
}
