package view

import (
	"fmt"
	"testing"
	"time"
)

// appendDuration writes what the fmt formulation of the request line's
// duration writes, across each form's range and its edges.
func TestAppendDuration(t *testing.T) {
	plain := func(d time.Duration) string {
		switch {
		case d < time.Millisecond:
			return fmt.Sprintf("%dµs", d.Microseconds())
		case d < 10*time.Second:
			return fmt.Sprintf("%dms", d.Milliseconds())
		}
		return d.Round(100 * time.Millisecond).String()
	}
	ds := []time.Duration{-time.Millisecond, 0, 1, 999, time.Microsecond, 999 * time.Microsecond,
		time.Millisecond, 1500 * time.Microsecond, 9999 * time.Millisecond, 10 * time.Second,
		12345 * time.Millisecond, 65200 * time.Millisecond, 3 * time.Hour}
	for d := time.Duration(1); d < time.Hour; d = d*7/3 + 1 {
		ds = append(ds, d)
	}
	for _, d := range ds {
		if got, want := string(appendDuration([]byte("x "), d)), "x "+plain(d); got != want {
			t.Errorf("%d: %q, want %q", d, got, want)
		}
	}
	if got := string(appendDuration(nil, 42*time.Millisecond)); got != "42ms" {
		t.Errorf("42ms shows as %q", got)
	}
}
