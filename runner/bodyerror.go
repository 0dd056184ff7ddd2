package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// bodyReadError says why a response body was cut short, naming the fault:
// the timeout ran out while the body was arriving (a slow drip), the
// connection closed before the Content-Length was reached (a short body),
// or the connection broke (a reset). got is the number of body bytes
// received.
func bodyReadError(err error, got int64, hr *http.Response, timeout time.Duration) error {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("the response (status %d) started, but its body did not arrive within the timeout of %s: %d bytes received",
			hr.StatusCode, timeout, got)
	case errors.Is(err, io.ErrUnexpectedEOF) && hr.ContentLength > got:
		return fmt.Errorf("the connection closed after %d of the %d bytes announced by the Content-Length header (unexpected EOF)",
			got, hr.ContentLength)
	}
	return fmt.Errorf("reading the response body after %d bytes: %w", got, err)
}
