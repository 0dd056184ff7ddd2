package runner

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadAtMost: readAtMost reads what io.ReadAll(io.LimitReader(r,
// limit)) reads, whatever the size hint (right, too small, too large as
// for a HEAD answer, unknown) and however the reader hands out its bytes.
func TestReadAtMost(t *testing.T) {
	boom := errors.New("boom")
	for _, size := range []int{0, 1, 7, 511, 512, 513, 4096, 70000} {
		data := strings.Repeat("abcdefghij", size/10+1)[:size]
		for _, limit := range []int64{0, 1, 100, 512, 513, int64(size), int64(size) + 1, 1 << 20} {
			for _, hint := range []int64{-1, 0, int64(size), int64(size) / 2, int64(size) + 1000} {
				readers := map[string]func() io.Reader{
					"plain":    func() io.Reader { return strings.NewReader(data) },
					"one byte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(data)) },
					"data+EOF": func() io.Reader { return iotest.DataErrReader(strings.NewReader(data)) },
					"error":    func() io.Reader { return io.MultiReader(strings.NewReader(data), iotest.ErrReader(boom)) },
				}
				for name, mk := range readers {
					want, wantErr := io.ReadAll(io.LimitReader(mk(), limit))
					got, gotErr := readAtMost(mk(), hint, limit)
					if !bytes.Equal(got, want) || !errors.Is(gotErr, wantErr) && gotErr != wantErr {
						t.Fatalf("%s, %d bytes, hint %d, limit %d: got %d bytes, %v; io.ReadAll: %d bytes, %v",
							name, size, hint, limit, len(got), gotErr, len(want), wantErr)
					}
				}
			}
		}
	}
}
