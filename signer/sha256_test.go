package signer

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
)

// sum256 is SHA-256 through the signer's own driver.
func sum256(p []byte) [32]byte {
	b := appendSHAPad(append([]byte(nil), p...), len(p))
	h := sha256IV
	block(&h, b)
	var d [32]byte
	putDigest(&d, &h)
	return d
}

// TestSHANIMatchesCryptoSHA256 checks the SHA-NI compression and the
// driver's padding against crypto/sha256 for every length from 0 to 1,100
// bytes (every padding case, one to eighteen blocks per call) of random
// data.
func TestSHANIMatchesCryptoSHA256(t *testing.T) {
	if !shaniOK {
		t.Skip("this CPU has no SHA extensions (or the build is not amd64): the signer hashes with crypto/sha256, which the other tests exercise")
	}
	r := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 1100)
	for i := range buf {
		buf[i] = byte(r.Uint32())
	}
	for n := 0; n <= len(buf); n++ {
		if got, want := sum256(buf[:n]), sha256.Sum256(buf[:n]); got != want {
			t.Fatalf("length %d: SHA-NI %x, crypto/sha256 %x", n, got, want)
		}
	}
}

func FuzzSHANI(f *testing.F) {
	if !shaniOK {
		f.Skip("this CPU has no SHA extensions (or the build is not amd64)")
	}
	f.Add([]byte("GET\n/\n\nhost:example.com\n\nhost\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))
	f.Fuzz(func(t *testing.T, p []byte) {
		if got, want := sum256(p), sha256.Sum256(p); got != want {
			t.Fatalf("length %d: SHA-NI %x, crypto/sha256 %x", len(p), got, want)
		}
	})
}

func BenchmarkSHANI450(b *testing.B) {
	if !shaniOK {
		b.Skip("this CPU has no SHA extensions (or the build is not amd64)")
	}
	p := appendSHAPad(make([]byte, 450, 1024), 450)
	for b.Loop() {
		h := sha256IV
		block(&h, p)
	}
}

func BenchmarkSHANI64(b *testing.B) {
	if !shaniOK {
		b.Skip("this CPU has no SHA extensions (or the build is not amd64)")
	}
	p := make([]byte, 64)
	for b.Loop() {
		h := sha256IV
		block(&h, p)
	}
}

// TestCryptoSHA256Path runs the signing vectors and the SDK differential
// test with the SHA-NI driver turned off, so the crypto/sha256 path that
// other CPUs take stays checked on machines that have SHA-NI.
func TestCryptoSHA256Path(t *testing.T) {
	if !shaniOK {
		t.Skip("this CPU has no SHA extensions: every other test already runs the crypto/sha256 path")
	}
	useSHANI = false
	defer func() { useSHANI = true }()
	t.Run("v4-header", TestVectorsV4Header)
	t.Run("v4-query", TestVectorsV4Query)
	t.Run("aws4-testsuite", TestVectorsAWS4TestSuite)
	t.Run("s3-examples", TestVectorsS3Examples)
	t.Run("sdk-differential", TestDifferentialSDKHeaders)
}

// TestHexWord checks the register hex encoding against fmt for words that
// cover every nibble value in every position.
func TestHexWord(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	words := []uint32{0, 0xffffffff, 0x01234567, 0x89abcdef, 0xfedcba98, 0x76543210, 0x9a9a9a9a, 0xa9a9a9a9}
	for range 1000 {
		words = append(words, r.Uint32())
	}
	for _, w := range words {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], hexWord(w))
		if got, want := string(b[:]), fmt.Sprintf("%08x", w); got != want {
			t.Fatalf("hexWord(%#x) = %q, want %q", w, got, want)
		}
	}
}
